#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Unbuffered writes to stdout and stderr (streamed text shows as soon as it is final), without
/// Foundation's FileHandle. Do not mix with `print` on the same stream: `print` buffers.
///
/// A failed write to stdout (a full disk, /dev/full, a closed descriptor) is remembered: later
/// writes are skipped, `outputFailed` turns true (generation loops stop on it), and
/// `finish()` reports it, so the command exits 1 instead of 0 with its output lost.
enum StandardStreams {
    private static let failure = Mutex<Int32?>(nil)

    static func output(_ text: String) {
        guard !outputFailed else { return }
        if let code = write(to: STDOUT_FILENO, text) { failure.withLock { $0 = $0 ?? code } }
    }

    /// One line on stderr.
    static func error(_ line: String) { _ = write(to: STDERR_FILENO, line + "\n") }

    /// Whether a write to stdout has failed.
    static var outputFailed: Bool { failure.withLock { $0 != nil } }

    /// Flushes what `print` buffered and throws if any write to stdout failed.
    static func finish() throws {
        // fflush(nil) flushes every stream (stdout is all `print` uses) and fails if any write
        // does; glibc keeps unwritten data buffered, so an earlier failure fails again here.
        if fflush(nil) != 0 {
            let code = errno
            failure.withLock { $0 = $0 ?? code }
        }
        if let code = failure.withLock({ $0 }) {
            throw CommandError("cannot write to standard output: \(String(cString: strerror(code)))")
        }
    }

    /// Writes everything; returns the errno of a failed write, nil on success.
    private static func write(to descriptor: Int32, _ text: String) -> Int32? {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return written < 0 ? errno : EIO }
            bytes = bytes.dropFirst(written)
        }
        return nil
    }
}
