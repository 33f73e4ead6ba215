import Synchronization

/// Collects what the Khronos validation layer reports (warnings and errors), so tests can
/// require that there is nothing.
public final class ValidationLog: Sendable {
    private let messages = Mutex<[String]>([])

    public init() {}

    public var all: [String] { messages.withLock { $0 } }

    func append(_ message: String) { messages.withLock { $0.append(message) } }

    /// Returns and forgets what was collected so far.
    public func drain() -> [String] { messages.withLock { let all = $0; $0.removeAll(); return all } }
}
