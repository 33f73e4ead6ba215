import Compute
import VulkanRuntime

extension VulkanBackend {
    public func embedding(ids: [Int32], table: Tensor, into y: Tensor) throws {
        let dims = try ShapeRules.embedding(ids: ids, table: table, y: y)
        let tableBuffer = try buffer(table, op: "embedding"), yBuffer = try buffer(y, op: "embedding")
        let pipeline = try pipeline("embedding", bindings: 3, pushWords: 2, specialization: [table.dtype == .f16 ? 1 : 0, Self.quantConstant(table.dtype)])
        // A fresh buffer per call: the command stream keeps it alive until the lookup has run,
        // so calls recorded back to back (or from several threads) never overwrite each
        // other's ids. It costs one small allocation per call, once per decode step.
        let idBuffer = try VulkanBuffer(device: device, size: ids.count * 4, location: .device)
        let groups = elementwiseGrid(dims.count * dims.dim)
        try stream.withLock { stream in
            try ids.withUnsafeBytes { try stream.write($0, to: idBuffer) }
            try stream.dispatch(pipeline, bindings: [.init(idBuffer, .read), .init(tableBuffer, .read), .init(yBuffer, .write)],
                                push: [UInt32(dims.count), UInt32(dims.dim)], groups: groups)
        }
    }
}
