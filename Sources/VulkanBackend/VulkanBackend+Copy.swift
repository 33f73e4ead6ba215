import Compute
import VulkanRuntime

extension VulkanBackend {
    /// A vkCmdCopyBuffer recorded into the command stream, ordered against kernels by its hazard tracking.
    public func copy(_ source: Tensor, into destination: Tensor, destinationOffset: Int) throws {
        let count = try ShapeRules.copy(source, destination: destination, destinationOffset: destinationOffset)
        let from = try buffer(source, op: "copy"), to = try buffer(destination, op: "copy")
        try stream.withLock {
            try $0.copy(from: from, to: to, destinationOffset: destinationOffset * 4, size: count * 4)
        }
    }

    public func copy(_ source: Tensor, elements: Range<Int>, into destination: Tensor, destinationOffset: Int) throws {
        let count = try ShapeRules.copy(source, elements: elements, destination: destination,
                                        destinationOffset: destinationOffset)
        let from = try buffer(source, op: "copy"), to = try buffer(destination, op: "copy")
        try stream.withLock {
            try $0.copy(from: from, sourceOffset: elements.lowerBound * 4, to: to,
                        destinationOffset: destinationOffset * 4, size: count * 4)
        }
    }
}
