#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Ctrl-C in an interactive chat: during a reply it stops the reply (the conversation goes on
/// at the next prompt); at the prompt, or a second time during a reply, it exits with 130
/// (128 + SIGINT, what shells report for a process ended by Ctrl-C), leaving a newline.
///
/// The handler only touches lock-free atomics and calls write(2) and _exit(2), all
/// async-signal-safe; the reply loop polls `takeRequest()` once per token.
enum Interrupt {
    private static let replying = Atomic<Bool>(false)
    private static let requested = Atomic<Bool>(false)

    static let exitStatus: Int32 = 130

    static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            let stopReply = Interrupt.replying.load(ordering: .relaxed)
                && !Interrupt.requested.exchange(true, ordering: .relaxed)
            guard !stopReply else { return }
            var newline: UInt8 = 10
            _ = Glibc.write(STDOUT_FILENO, &newline, 1)
            _exit(Interrupt.exitStatus)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        // A parent may start us with SIGINT blocked (the mask is inherited): unblock it, or
        // Ctrl-C would stay pending forever.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Runs `body` (a reply) with Ctrl-C meaning "stop the reply".
    static func replying<R>(_ body: () throws -> R) rethrows -> R {
        requested.store(false, ordering: .relaxed)
        replying.store(true, ordering: .relaxed)
        defer { replying.store(false, ordering: .relaxed) }
        return try body()
    }

    /// Whether Ctrl-C was pressed during the current reply.
    static var isRequested: Bool { requested.load(ordering: .relaxed) }
}
