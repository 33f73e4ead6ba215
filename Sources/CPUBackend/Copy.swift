import Compute

extension CPUBackend {
    public func copy(_ source: Tensor, into destination: Tensor, destinationOffset: Int) throws {
        let count = try ShapeRules.copy(source, destination: destination, destinationOffset: destinationOffset)
        let from = try storage(of: source, op: "copy").floats, to = try storage(of: destination, op: "copy").floats
        (to + destinationOffset).update(from: from, count: count)
    }

    public func copy(_ source: Tensor, elements: Range<Int>, into destination: Tensor, destinationOffset: Int) throws {
        let count = try ShapeRules.copy(source, elements: elements, destination: destination,
                                        destinationOffset: destinationOffset)
        let from = try storage(of: source, op: "copy").floats, to = try storage(of: destination, op: "copy").floats
        (to + destinationOffset).update(from: from + elements.lowerBound, count: count)
    }
}
