#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The weights' loading progress on stderr, for loads that take a while: drawn only when stderr
/// is a terminal, first after a second has passed, at most ten times a second, and erased when
/// the load is done, so quick loads, pipes and logs never see it.
final class LoadProgressBar: Sendable {
    private struct State {
        var shown = false
        var lastDraw: Double = 0
    }

    private let label: String
    private let start = LoadProgressBar.now()
    private let state = Mutex(State())

    /// nil where stderr is not a terminal.
    init?(label: String) {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        self.label = label
    }

    func update(done: Int, total: Int) {
        let now = Self.now()
        let finished = done >= total
        let line: String? = state.withLock { state in
            if finished {
                guard state.shown else { return nil }
                state.shown = false
                return "\r\u{1B}[K" // erase the bar
            }
            guard now - start >= 1, now - state.lastDraw >= 0.1 else { return nil }
            state.shown = true
            state.lastDraw = now
            return "\r" + Self.render(label: label, done: done, total: total) + "\u{1B}[K"
        }
        if let line { _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) } }
    }

    static func render(label: String, done: Int, total: Int, width: Int = 30) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let gb = { (bytes: Int) -> String in
            let hundredths = (bytes + 5_000_000) / 10_000_000
            return "\(hundredths / 100)." + (hundredths % 100 < 10 ? "0" : "") + "\(hundredths % 100)"
        }
        return "\(label) \(bar) \(Int(fraction * 100))%  \(gb(done)) / \(gb(total)) GB"
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
