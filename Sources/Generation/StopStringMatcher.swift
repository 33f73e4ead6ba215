/// Cuts streamed text at the first stop string. Text that might be the beginning of a stop
/// string is held back until the next piece shows whether it is, so no part of a stop string
/// is ever released.
public struct StopStringMatcher: Sendable {
    public let stopStrings: [String]
    private var pending = ""
    public private(set) var stopped = false

    public init(stopStrings: [String]) {
        self.stopStrings = stopStrings.filter { !$0.isEmpty }
    }

    /// Adds a piece; returns the text that is now safe to release.
    public mutating func feed(_ piece: String) -> String {
        guard !stopped else { return "" }
        pending += piece
        let earliest = stopStrings.compactMap { pending.firstRange(of: $0) }.min { $0.lowerBound < $1.lowerBound }
        if let earliest {
            stopped = true
            defer { pending = "" }
            return String(pending[..<earliest.lowerBound])
        }
        let held = heldBackLength()
        let release = String(pending.dropLast(held))
        pending = String(pending.suffix(held))
        return release
    }

    /// Releases what was held back (the stream ended without completing a stop string).
    public mutating func finish() -> String {
        defer { pending = "" }
        return stopped ? "" : pending
    }

    /// Characters at the end of `pending` that begin some stop string.
    private func heldBackLength() -> Int {
        let longest = stopStrings.map(\.count).max() ?? 0
        for length in stride(from: min(pending.count, longest - 1), through: 1, by: -1) {
            let tail = pending.suffix(length)
            if stopStrings.contains(where: { $0.hasPrefix(tail) }) { return length }
        }
        return 0
    }
}
