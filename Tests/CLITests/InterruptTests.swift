import Foundation
import Testing

/// Ctrl-C in `chat`: during a reply it stops the reply and the conversation goes on; at the
/// prompt it exits with 130 and leaves a newline.
@Suite struct InterruptTests {
    /// A running `vulkanlm` whose stdout and stderr are collected as they arrive.
    final class Running: @unchecked Sendable {
        let process = Process()
        let input = Pipe()
        /// Output so far, appended from the pipes' reader threads under `lock`.
        final class Collected: @unchecked Sendable {
            let lock = NSLock()
            var stdout = "", stderr = ""
        }
        private let collected = Collected()

        init(_ arguments: [String]) throws {
            process.executableURL = CLITests.executable
            process.arguments = arguments
            let output = Pipe(), errors = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            let collected = self.collected
            output.fileHandleForReading.readabilityHandler = { handle in
                let text = String(decoding: handle.availableData, as: UTF8.self)
                collected.lock.withLock { collected.stdout += text }
            }
            errors.fileHandleForReading.readabilityHandler = { handle in
                let text = String(decoding: handle.availableData, as: UTF8.self)
                collected.lock.withLock { collected.stderr += text }
            }
            signal(SIGPIPE, SIG_IGN)
            try process.run()
        }

        var stdout: String { collected.lock.withLock { collected.stdout } }
        var stderr: String { collected.lock.withLock { collected.stderr } }

        func send(_ line: String) { input.fileHandleForWriting.write(Data((line + "\n").utf8)) }
        func closeInput() { try? input.fileHandleForWriting.close() }
        func interrupt() { kill(process.processIdentifier, SIGINT) }

        /// Waits until `condition` holds (true) or `seconds` pass (false).
        func wait(seconds: Double = 60, until condition: (Running) -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if condition(self) { return true }
                usleep(20_000)
            }
            return condition(self)
        }

        /// Waits for the exit (killing the process after `seconds`) and returns its status.
        func finish(seconds: Double = 60) -> Int32 {
            if !wait(seconds: seconds, until: { !$0.process.isRunning }) { process.terminate() }
            process.waitUntilExit()
            usleep(100_000)  // the last output
            return process.terminationStatus
        }
    }

    /// A reply that runs until stopped: the tiny model never picks end-of-turn, and -n -1 with a
    /// 65,536-position context runs for minutes.
    static func model() throws -> String { try TinyLlamaGGUF(contextLength: 1 << 16).write() }

    @Test func ctrlCDuringAReplyStopsOnlyTheReply() throws {
        let path = try Self.model()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let chat = try Running(["chat", path, "-n", "-1", "--device", "cpu"])
        chat.send("hello")
        #expect(chat.wait { $0.stdout.utf8.count > 20 }, "no reply: \(chat.stderr)")
        chat.interrupt()
        #expect(chat.wait { $0.stderr.contains("(reply stopped)") }, "\(chat.stderr)")
        #expect(chat.process.isRunning)
        // Back at the prompt, reading input: end of input ends the conversation normally.
        chat.closeInput()
        let status = chat.finish()
        #expect(status == 0, "\(chat.stderr)")
        #expect(chat.stderr.contains("interrupted"), "stats should give the stop reason: \(chat.stderr)")
    }

    @Test func ctrlCAtThePromptExitsWith130AndANewline() throws {
        let path = try Self.model()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let chat = try Running(["chat", path, "-n", "3", "--device", "cpu"])
        chat.send("hello")
        // The stats line comes after the reply: the chat is back at its prompt.
        #expect(chat.wait { $0.stderr.contains("tok/s") || $0.stderr.contains("tokens") }, "\(chat.stderr)")
        usleep(200_000)
        chat.interrupt()
        let status = chat.finish()
        #expect(status == 130, "\(chat.stderr)")
        #expect(chat.stdout.hasSuffix("\n"))
    }
}
