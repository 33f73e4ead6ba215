#if canImport(Glibc)
import Glibc
#endif

/// Unbuffered writes to stdout and stderr (streamed text shows as soon as it is final), without
/// Foundation's FileHandle. Do not mix with `print` on the same stream: `print` buffers.
enum StandardStreams {
    static func output(_ text: String) { write(to: STDOUT_FILENO, text) }

    /// One line on stderr.
    static func error(_ line: String) { write(to: STDERR_FILENO, line + "\n") }

    private static func write(to descriptor: Int32, _ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return }  // a closed pipe: nothing more to do
            bytes = bytes.dropFirst(written)
        }
    }
}
