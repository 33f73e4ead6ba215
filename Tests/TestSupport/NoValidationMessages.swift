import Testing

/// Fails a test when the Khronos validation layer reported anything while it ran. Tests run
/// in parallel, so a message may land on a neighbour of the test that caused it; it fails a
/// test either way, and the message says what went wrong.
public struct NoValidationMessages: TestTrait, SuiteTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        try await function()
        for message in TestVulkan.drainValidationMessages() {
            Issue.record("Vulkan validation: \(message)")
        }
    }
}

extension Trait where Self == NoValidationMessages {
    /// See `NoValidationMessages`.
    public static var noValidationMessages: Self { NoValidationMessages() }
}
