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

/// Median of a non-empty sample.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
