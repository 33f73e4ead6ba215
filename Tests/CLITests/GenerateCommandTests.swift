import Foundation
import Testing
import TestSupport

/// `vulkanlm generate` on a random-weight GPT-2 folder with the real GPT-2 tokenizer files.
@Suite(.serialized) struct GenerateCommandTests {
    static func checkpoint() throws -> RandomGPT2Checkpoint? {
        try RandomGPT2Checkpoint.make(seed: 9, dims: "50257,48,16,2,2", f16: true, tokenizer: true)
    }

    @Test func streamsTextToStdoutAndTimingsToStderr() throws {
        guard let checkpoint = try Self.checkpoint() else { return }
        let arguments = ["generate", checkpoint.path, "-p", "Hello, my name is", "-n", "12", "--device", "cpu",
                         "--temp", "0.8", "--top-k", "40", "--top-p", "0.95", "--repetition-penalty", "1.1", "--seed", "5"]
        let first = try CLITests.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("prompt: 5 tokens") && first.stderr.contains("generation: ") && first.stderr.contains("tokens/s"),
                "\(first.stderr)")
        #expect(!first.stdout.isEmpty)
        let again = try CLITests.run(arguments)
        #expect(again.stdout == first.stdout, "the same seed gives the same text")

        let text = first.stdout.dropLast()  // the final newline
        if text.count > 6 {
            let stop = String(Array(text)[3..<5])
            let cut = try CLITests.run(arguments + ["--stop", stop])
            #expect(cut.status == 0)
            #expect(cut.stdout.dropLast() == text[..<(text.firstRange(of: stop)?.lowerBound ?? text.endIndex)])
            #expect(cut.stderr.contains("stop string"))
        }
    }

    @Test func beamSearchAndGreedyRun() throws {
        guard let checkpoint = try Self.checkpoint() else { return }
        for extra in [["--beams", "3"], []] {
            let output = try CLITests.run(["generate", checkpoint.path, "-p", "Once upon a time", "-n", "6", "--device", "cpu"] + extra)
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stderr.contains("generation: 6 tokens"), "\(output.stderr)")
        }
    }

    @Test func aPromptOverTheContextIsAClearError() throws {
        guard let checkpoint = try Self.checkpoint() else { return }
        let output = try CLITests.run(["generate", checkpoint.path, "-p", String(repeating: " a", count: 49), "--device", "cpu"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("the context holds at most 48 positions"), "\(output.stderr)")
        let missing = try CLITests.run(["generate", "/nonexistent/model", "-p", "x", "--device", "cpu"])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent/model"), "\(missing.stderr)")
    }
}
