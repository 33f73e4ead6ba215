import CPUBackend
import Compute
import Foundation
import Formats
import Models
import Testing
import TestSupport
import Tokenizers

/// SmolLM2-135M-Instruct (Q4_1, Q8_0 tied embedding) against llama.cpp's greedy output
/// (Fixtures/greedy.jsonl, made by scripts/make-llama-references.py with `--temp 0`).
enum LlamaGreedyFixtures {
    struct Case: Sendable, CustomTestStringConvertible {
        let prompt: String
        let promptIDs: [Int]
        let ids: [Int]
        let text: String
        var testDescription: String { prompt.debugDescription.prefix(60).description }
    }

    static let cases: [Case] = {
        let data = (try? Data(contentsOf: LlamaFixtures.directory.appending(path: "greedy.jsonl"))) ?? Data()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").dropFirst().compactMap { line in
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                  let prompt = object["prompt"] as? String, let promptIDs = object["prompt_ids"] as? [Int],
                  let ids = object["ids"] as? [Int], let text = object["text"] as? String else { return nil }
            return Case(prompt: prompt, promptIDs: promptIDs, ids: ids, text: text)
        }
    }()

    /// The fetched model file, or nil (skip; a failure under CI=true) when it is missing.
    static func modelPath(sourceLocation: SourceLocation = #_sourceLocation) throws -> String? {
        guard try LlamaFixtures.smolLM2Tokenizer(sourceLocation: sourceLocation) != nil else { return nil }
        return LlamaFixtures.modelsDirectory.appending(path: LlamaFixtures.smolLM2).path
    }

    /// One model per backend, loaded once: "cpu" and, where there is a Vulkan test device,
    /// "vulkan". The context is cut to 512 positions (what the fixtures were made with) so
    /// the KV cache stays small on lavapipe.
    static func model(_ backend: String) throws -> LlamaModel? {
        guard let path = try modelPath() else { return nil }
        switch backend {
        case "cpu": return try cpuModel.get()
        default:
            guard let vulkan = try TestVulkan.backend() else { return nil }
            return try LlamaModel(path: path, backend: vulkan, options: .init(contextLength: 512))
        }
    }

    private static let cpuModel = Result {
        try LlamaModel(path: LlamaFixtures.modelsDirectory.appending(path: LlamaFixtures.smolLM2).path,
                       backend: CPUBackend(), options: .init(contextLength: 512))
    }
}

/// Greedy decoding by hand (argmax, cache on), so the test compares the model alone: the first
/// token whose argmax differs from llama.cpp's is reported with the gap between the two
/// candidates' logits, which tells a near-tie from a real divergence.
func greedyTokens(_ model: LlamaModel, prompt: [Int], count: Int, stop: Set<Int>) throws -> (ids: [Int], logits: [[Float]]) {
    var ids: [Int] = [], steps: [[Float]] = []
    var logits = try model.nextTokenLogits(of: prompt)
    for _ in 0..<count {
        steps.append(logits)
        let next = logits.indices.max { logits[$0] < logits[$1] } ?? 0
        ids.append(next)
        if stop.contains(next) || ids.count == count { break }
        logits = try model.nextTokenLogits(appending: [next])
    }
    return (ids, steps)
}

@Suite(.serialized) struct LlamaGreedyTests {
    @Test func fixtureIsComplete() {
        #expect(LlamaGreedyFixtures.cases.count >= 10)
        #expect(LlamaGreedyFixtures.cases.allSatisfy { !$0.ids.isEmpty && $0.ids.count <= 32 })
    }

    @Test(.noValidationMessages, arguments: ["cpu", "vulkan"])
    func greedyMatchesLlamaCpp(backend: String) throws {
        guard let model = try LlamaGreedyFixtures.model(backend),
              let tokenizer = try LlamaFixtures.smolLM2Tokenizer() else { return }
        let stop: Set<Int> = [0, 2] // <|endoftext|>, <|im_end|>
        for c in LlamaGreedyFixtures.cases {
            #expect(tokenizer.encode(c.prompt) == c.promptIDs, "prompt tokens of \(c.prompt.debugDescription)")
            let (ids, logits) = try greedyTokens(model, prompt: c.promptIDs, count: c.ids.count, stop: stop)
            if let step = ids.indices.first(where: { $0 < c.ids.count && ids[$0] != c.ids[$0] }) {
                let ours = ids[step], theirs = c.ids[step], row = logits[step]
                Issue.record("""
                    \(backend): \(c.prompt.debugDescription) differs at token \(step): \(ours) \
                    (logit \(row[ours])) vs llama.cpp's \(theirs) (logit \(row[theirs])), gap \(row[ours] - row[theirs])
                    """)
            } else {
                #expect(ids == c.ids, "\(backend): \(c.prompt.debugDescription)")
                #expect(tokenizer.decode(ids, skipSpecialTokens: false) == c.text)
            }
        }
    }
}
