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
        return LlamaFixtures.smolLM2Path
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
        try LlamaModel(path: LlamaFixtures.smolLM2Path,
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
    /// The greedy choice is the same with and without the KV cache (the cache must not change
    /// the numbers beyond float noise): one prompt, 12 tokens, recomputing from scratch each step.
    @Test func cacheDoesNotChangeTheTokens() throws {
        guard let model = try LlamaGreedyFixtures.model("cpu"), let c = LlamaGreedyFixtures.cases.first else { return }
        let (cached, _) = try greedyTokens(model, prompt: c.promptIDs, count: 12, stop: [])
        var tokens = c.promptIDs, fresh: [Int] = []
        for _ in 0..<12 {
            let logits = try model.nextTokenLogits(of: tokens)
            let next = logits.indices.max { logits[$0] < logits[$1] } ?? 0
            fresh.append(next)
            tokens.append(next)
        }
        #expect(cached == fresh)
    }

    /// A prompt longer than the batch size is run in several chunks; the logits equal one
    /// batch's up to float noise (f32 activations: Q8 rounding would turn noise into steps).
    @Test func chunkedPromptEqualsOneBatch() throws {
        guard let path = try LlamaGreedyFixtures.modelPath() else { return }
        let whole = try LlamaModel(path: path, backend: CPUBackend(), options: .init(contextLength: 64, llamaCppRounding: false))
        let chunked = try LlamaModel(path: path, backend: CPUBackend(),
                                     options: .init(contextLength: 64, batchSize: 7, llamaCppRounding: false))
        let prompt = LlamaGreedyFixtures.cases.flatMap(\.promptIDs).prefix(40).map { $0 }
        let a = try whole.nextTokenLogits(of: prompt), b = try chunked.nextTokenLogits(of: prompt)
        let scale = a.map(abs).max() ?? 1
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-4 * scale }, "\(zip(a, b).map { abs($0 - $1) }.max() ?? 0) of \(scale)")
    }

    @Test func contextOverflowIsAnError() throws {
        guard let path = try LlamaGreedyFixtures.modelPath() else { return }
        let model = try LlamaModel(path: path, backend: CPUBackend(), options: .init(contextLength: 8))
        _ = try model.nextTokenLogits(of: [1, 2, 3, 4, 5, 6])
        #expect(throws: ModelError.contextOverflow(tokens: 10, limit: 8)) { try model.nextTokenLogits(appending: [7, 8, 9, 10]) }
        #expect(throws: ModelError.self) { try model.nextTokenLogits(appending: [49152]) }
        #expect(throws: ModelError.self) {
            try LlamaModel(path: path, backend: CPUBackend(), options: .init(contextLength: 100_000))
        }
    }
}
