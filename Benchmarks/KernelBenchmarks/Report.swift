import Compute

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

    static func format(_ value: Double, _ decimals: Int) -> String { value.fixed(decimals) }
}
