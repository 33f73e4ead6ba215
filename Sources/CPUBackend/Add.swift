import Compute

extension CPUBackend {
    public func add(_ a: Tensor, _ b: Tensor, into y: Tensor) throws {
        let count = try ShapeRules.elementwise("add", [a, b], y: y)
        let pointers = UncheckedSendable((
            a: try storage(of: a, op: "add").floats, b: try storage(of: b, op: "add").floats,
            y: try storage(of: y, op: "add").floats))
        let blocks = (count + 15) / 16
        parallel.forEach(blocks, work: count) { range in
            let (a, b, y) = pointers.value
            let end = min(range.upperBound * 16, count)
            var i = range.lowerBound * 16
            while i + 16 <= end {
                store(loadFloats(a + i) + loadFloats(b + i), y + i)
                i += 16
            }
            while i < end {
                y[i] = a[i] + b[i]
                i += 1
            }
        }
    }
}
