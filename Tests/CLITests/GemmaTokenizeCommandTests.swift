import Foundation
import Testing
import TestSupport

/// `vulkanlm tokenize` on Gemma 3 270M (SentencePiece; scripts/fetch-models.sh): only the
/// metadata is read, so it works whatever the file's tensor types. Expected ids are
/// llama-tokenize's, read from Tests/LlamaTests/Fixtures/tokenize-gemma3.jsonl.
@Suite struct GemmaTokenizeCommandTests {
    static let gemma3 = "gemma3/gemma-3-270m-q4_k_m.gguf"

    /// llama-tokenize's ids for `text` (parse-special on, its default).
    static func llamaCppIDs(_ text: String) throws -> [Int] {
        let fixture = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "LlamaTests/Fixtures/tokenize-gemma3.jsonl")
        for line in String(decoding: try Data(contentsOf: fixture), as: UTF8.self).split(separator: "\n").dropFirst() {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            if object?["text"] as? String == text, let ids = object?["ids"] as? [Int] { return ids }
        }
        throw CocoaError(.fileReadCorruptFile, userInfo: [NSDebugDescriptionErrorKey: "no fixture line for \(text.debugDescription)"])
    }

    @Test(arguments: ["Hello world", "<start_of_turn>user", "你好，世界", "I love pizza 🍕 and coffee ☕!"])
    func idsAreLlamaTokenizes(text: String) throws {
        guard let model = FetchedModels.path(Self.gemma3) else { return }
        let output = try CLITests.run(["tokenize", model, text])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout == (try Self.llamaCppIDs(text)).map(String.init).joined(separator: " ") + "\n")
    }

    @Test func decodeGivesTheTextBack() throws {
        guard let model = FetchedModels.path(Self.gemma3) else { return }
        let ids = try Self.llamaCppIDs("Hello world")
        let output = try CLITests.run(["tokenize", model, "--decode", ids.dropFirst().map(String.init).joined(separator: ",")])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout == "Hello world\n")
    }
}
