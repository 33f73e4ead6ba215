/// Membership in a sorted flat list of inclusive ranges `[first0, last0, first1, last1, ...]`.
struct UnicodeRangeTable: Sendable {
    private let bounds: [UInt32]

    init(_ bounds: [UInt32]) {
        precondition(bounds.count % 2 == 0, "range table needs first/last pairs")
        self.bounds = bounds
    }

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        var low = 0
        var high = bounds.count / 2
        while low < high {
            let mid = (low + high) / 2
            if bounds[2 * mid + 1] < value {
                low = mid + 1
            } else {
                high = mid
            }
        }
        return low < bounds.count / 2 && bounds[2 * low] <= value
    }
}
