import Foundation
import Testing
import TestSupport

/// `generate`, `chat`, `tokenize` and `bench` on SmolLM2-135M-Instruct (scripts/fetch-models.sh),
/// on the CPU backend so they are quick.
@Suite struct LlamaCommandTests {
    static func model() -> String? { FetchedModels.path(FetchedModels.smolLM2) }

    @Test func chatOneShotAnswers() throws {
        guard let model = Self.model() else { return }
        let output = try CLITests.run(["chat", model, "-p", "What is the capital of France?", "--device", "cpu"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("Paris"), "\(output.stdout)")
        #expect(output.stderr.contains("tokens/s"), "\(output.stderr)")
    }

    @Test func chatInteractiveAnswersEachLineResetsAndEndsAtEOF() throws {
        guard let model = Self.model() else { return }
        let output = try CLITests.run(["chat", model, "--device", "cpu"],
                                      input: "What is the capital of France?\n/reset\nWhat is 2 + 2?\n")
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("Paris"), "\(output.stdout)")
        #expect(output.stdout.contains("4"), "\(output.stdout)")
        #expect(output.stderr.contains("(new conversation)"), "\(output.stderr)")
        #expect(output.stderr.components(separatedBy: "tokens/s;").count - 1 == 2, "one stats line per reply: \(output.stderr)")
        // After /reset the second question starts a conversation: its prompt is a first turn's.
        #expect(output.stderr.contains("prompt: 17 tokens"), "\(output.stderr)")
    }

    @Test func chatKeepsTheConversationAndSurvivesAFullContext() throws {
        guard let model = Self.model() else { return }
        let output = try CLITests.run(["chat", model, "--device", "cpu", "--context", "40"],
                                      input: "What is the capital of France?\nAnd what is the capital of Germany, please?\n/reset\nWhat is 2 + 2?\n")
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("the context holds 40"), "\(output.stderr)")
        #expect(output.stderr.contains("/reset"), "\(output.stderr)")
        #expect(output.stdout.contains("4"), "\(output.stdout)")
        #expect(!output.stderr.contains("Fatal error"))
    }

    @Test func tokenizePrintsTheGGUFTokenizersIds() throws {
        guard let model = Self.model() else { return }
        // llama-tokenize's ids (Tests/LlamaTests/Fixtures/tokenize.jsonl).
        let encoded = try CLITests.run(["tokenize", model, "Hello world"])
        #expect(encoded.status == 0, "\(encoded.stderr)")
        #expect(encoded.stdout == "19556 905\n")
        let special = try CLITests.run(["tokenize", model, "<|im_start|>user"])
        #expect(special.stdout.hasPrefix("1 "), "special tokens are parsed: \(special.stdout)")
        let decoded = try CLITests.run(["tokenize", model, "--decode", "19556,905"])
        #expect(decoded.stdout == "Hello world\n")
    }

    @Test func generateContinuesAPrompt() throws {
        guard let model = Self.model() else { return }
        let output = try CLITests.run(["generate", model, "-p", "The capital of France is", "-n", "8", "--device", "cpu"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("Paris"), "\(output.stdout)")
        #expect(output.stderr.contains("prompt: 5 tokens") && output.stderr.contains("generation: 8 tokens"), "\(output.stderr)")
    }

    @Test func benchReportsBothTestsAsJSON() throws {
        guard let model = Self.model() else { return }
        let output = try CLITests.run(["bench", model, "--pp", "16", "--tg", "4", "-r", "2", "--json", "--device", "cpu"])
        #expect(output.status == 0, "\(output.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(report["backend"] as? String == "cpu")
        #expect(report["modelType"] as? String == "llama 135M Q4_1")
        #expect((report["threads"] as? Int ?? 0) >= 1)
        let results = try #require(report["results"] as? [[String: Any]])
        #expect(results.map { $0["test"] as? String } == ["pp16", "tg4"])
        for result in results {
            let seconds = try #require(result["seconds"] as? [Double])
            #expect(seconds.count == 2 && seconds.allSatisfy { $0 > 0 })
            #expect((result["meanTokensPerSecond"] as? Double ?? 0) > 0)
            #expect((result["medianTokensPerSecond"] as? Double ?? 0) > 0)
            #expect(result["stddevTokensPerSecond"] is Double)
        }
    }

    @Test func benchPrintsALlamaBenchTable() throws {
        guard let model = Self.model() else { return }
        let output = try CLITests.run(["bench", model, "--pp", "8", "--tg", "2", "-r", "1", "--no-warmup", "--device", "cpu"])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("| model ") == true, "\(output.stdout)")
        #expect(lines.contains { $0.contains("llama 135M Q4_1") && $0.contains("pp8") && $0.contains(" ± ") }, "\(output.stdout)")
        #expect(lines.contains { $0.contains("tg2") }, "\(output.stdout)")
    }

    /// Each failure: a non-zero exit and one line on stderr that names the file or flag; no trap.
    static func expectOneLineError(_ arguments: [String], naming name: String,
                                   sourceLocation: SourceLocation = #_sourceLocation) throws {
        let output = try CLITests.run(arguments)
        #expect(output.status != 0, "\(arguments)", sourceLocation: sourceLocation)
        let message = output.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(message.contains(name), "\(arguments): \(output.stderr)", sourceLocation: sourceLocation)
        #expect(!message.contains("\n"), "\(arguments): \(output.stderr)", sourceLocation: sourceLocation)
        #expect(!output.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
    }

    @Test func badInputIsOneClearLine() throws {
        let missing = "/nonexistent/model.gguf"
        let notGGUF = FileManager.default.temporaryDirectory.appendingPathComponent("not-gguf-\(UUID().uuidString).txt").path
        try "just text\n".write(toFile: notGGUF, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: notGGUF) }
        for path in [missing, notGGUF] {
            try Self.expectOneLineError(["chat", path, "-p", "hi", "--device", "cpu"], naming: path)
            try Self.expectOneLineError(["generate", path, "-p", "hi", "--device", "cpu"], naming: path)
            try Self.expectOneLineError(["tokenize", path, "hi"], naming: path)
            try Self.expectOneLineError(["bench", path, "--device", "cpu"], naming: path)
        }
        // A GGUF without tokenizer.chat_template: the error says how to give one.
        let tiny = try InfoCommandTests.writeTiny()
        defer { try? FileManager.default.removeItem(atPath: tiny) }
        try Self.expectOneLineError(["chat", tiny, "-p", "hi", "--device", "cpu"], naming: "--chat-template chatml|llama3")
        guard let model = Self.model() else { return }
        try Self.expectOneLineError(["chat", model, "--chat-template", "nonsense", "-p", "hi", "--device", "cpu"],
                                    naming: "--chat-template nonsense")
    }
}
