/// A fixed-width table of results, readable in a terminal and in Markdown.
public enum Report {
    public static func header() -> String {
        "| kernel | backend | median µs | GFLOP/s | GB/s | peer | peer µs | × peer |\n"
            + "|---|---|---:|---:|---:|---|---:|---:|"
    }

    public static func row(_ r: BenchmarkResult) -> String {
        let peer = r.peer ?? "—"
        let peerTime = r.peerMedianMicroseconds.map { format($0, 1) } ?? "—"
        let ratio = r.speedupOverPeer.map { format($0, 2) + "×" } ?? "—"
        return "| \(r.name) | \(r.backend) | \(format(r.medianMicroseconds, 1)) | \(format(r.gflops, 1)) | "
            + "\(format(r.gigabytesPerSecond, 1)) | \(peer) | \(peerTime) | \(ratio) |"
    }

    /// Fixed-point formatting without Foundation.
    static func format(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (abs(value) * scale).rounded()
        let whole = Int(rounded / scale)
        let fraction = Int(rounded - Double(whole) * scale)
        let sign = value < 0 && rounded > 0 ? "-" : ""
        guard decimals > 0 else { return "\(sign)\(whole)" }
        let digits = String(fraction)
        return "\(sign)\(whole).\(String(repeating: "0", count: decimals - digits.count))\(digits)"
    }
}
