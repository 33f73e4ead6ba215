import Foundation
import Testing
import TestSupport

/// `generate`, `chat`, `tokenize`, `bench` and `info` on the random-weight file of every
/// registered architecture (scripts/make-random-architectures.py via scripts/fetch-models.sh),
/// on the CPU backend so they are quick.
@Suite struct ArchitectureCommandTests {
    static let architectures = ["llama", "qwen2", "qwen3", "gemma2", "gemma3", "phi3"]

    /// llama.cpp's greedy text of the fixture's first prompt (identical to ours for every
    /// architecture in LlamaTests' ArchitectureGreedyTests).
    static func firstCase(_ architecture: String) throws -> (prompt: String, text: String, tokens: Int) {
        let url = URL(filePath: RandomGPT2Checkpoint.repositoryRoot)
            .appending(path: "Tests/LlamaTests/Fixtures/architectures/\(architecture).json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let first = try #require((object?["cases"] as? [[String: Any]])?.first)
        return (try #require(first["prompt"] as? String), try #require(first["text"] as? String),
                try #require(first["ids"] as? [Int]).count)
    }

    @Test(arguments: architectures)
    func everyCommandRuns(architecture: String) throws {
        guard let model = FetchedModels.path("random-archs/\(architecture).gguf") else { return }
        let reference = try Self.firstCase(architecture)
        let generated = try CLITests.run(["generate", model, "-p", reference.prompt, "-n", String(reference.tokens),
                                          "--temp", "0", "--device", "cpu", "--context", "512"])
        #expect(generated.status == 0, "\(generated.stderr)")
        // generate ends its output with a newline of its own.
        #expect(generated.stdout == reference.text + "\n", "llama.cpp: \(reference.text.debugDescription)")

        let chat = try CLITests.run(["chat", model, "-p", "Hi", "-n", "4", "--device", "cpu", "--context", "128"])
        #expect(chat.status == 0 && chat.stderr.contains("tokens/s"), "\(chat.stderr)")

        let tokens = try CLITests.run(["tokenize", model, "Hello world"])
        #expect(tokens.stdout == "19556 905\n", "SmolLM2's tokenizer, copied: \(tokens.stderr)")

        let bench = try CLITests.run(["bench", model, "--pp", "8", "--tg", "2", "-r", "1", "--json", "--device", "cpu"])
        #expect(bench.status == 0, "\(bench.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(bench.stdout.utf8)) as? [String: Any]
        #expect((report?["modelType"] as? String)?.hasPrefix(architecture + " ") == true, "\(bench.stdout)")

        let info = try CLITests.run(["info", model])
        #expect(info.status == 0 && info.stdout.contains("\"\(architecture)\""), "\(info.stderr)")
    }
}
