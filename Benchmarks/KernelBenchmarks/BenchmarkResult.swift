/// The timing of one case on one backend, with the OpenBLAS peer where there is one.
public struct BenchmarkResult: Codable, Sendable {
    public let name: String
    public let backend: String
    public let runs: Int
    public let medianMicroseconds: Double
    public let minMicroseconds: Double
    public let gflops: Double
    public let gigabytesPerSecond: Double
    /// What the peer is ("OpenBLAS sgemm"...), nil when no peer exists for the op.
    public let peer: String?
    public let peerMedianMicroseconds: Double?
    /// peer time ÷ our time: above 1 means faster than the peer.
    public let speedupOverPeer: Double?
}

/// Summaries of timed samples, shared by the kernel and model benchmarks.
public enum Statistics {
    public static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    /// With n − 1 in the denominator, as llama-bench's `stdev`; 0 for fewer than two values.
    public static func sampleStandardDeviation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let average = mean(values)
        let squares = values.reduce(0) { $0 + ($1 - average) * ($1 - average) }
        return (squares / Double(values.count - 1)).squareRoot()
    }

    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
