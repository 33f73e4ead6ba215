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
    /// The KV cache does not change the numbers beyond float noise: one prompt, 12 greedy tokens,
    /// each step's logits row from the cache against the same row recomputed from scratch. f32
    /// activations (llamaCppRounding off), so noise is not turned into Q8 steps. Measured: max
    /// |difference| at most 2.5e-6 of the row's largest |logit|, so the bound is 3e-5 of it.
    @Test func cacheDoesNotChangeTheLogits() throws {
        guard let path = try LlamaGreedyFixtures.modelPath() else { return }
        let c = try #require(LlamaGreedyFixtures.cases.first, "the committed fixture has no cases")
        let options = LlamaModel.Options(contextLength: 64, llamaCppRounding: false)
        let cachedModel = try LlamaModel(path: path, backend: CPUBackend(), options: options)
        let freshModel = try LlamaModel(path: path, backend: CPUBackend(), options: options)
        let bound: Float = 3e-5
        var tokens = c.promptIDs, worst: Float = 0
        var cached = try cachedModel.nextTokenLogits(of: tokens)
        for step in 0..<12 {
            let fresh = try freshModel.nextTokenLogits(of: tokens)
            let scale = fresh.map(abs).max() ?? 1
            let difference = zip(cached, fresh).map { abs($0 - $1) }.max() ?? .nan
            worst = max(worst, difference / scale)
            #expect(difference <= bound * scale, "step \(step): max |cached − fresh| \(difference) > \(bound) × max |logit| \(scale)")
            let next = fresh.indices.max { fresh[$0] < fresh[$1] } ?? 0
            #expect(cached.indices.max { cached[$0] < cached[$1] } == next, "step \(step): the argmax differs")
            tokens.append(next)
            cached = try cachedModel.nextTokenLogits(appending: [next])
        }
        print("cache vs recompute: max |difference| \(worst) of the largest |logit|, bound \(bound)")
    }

    /// int8 activations (the CPU's opt-in AVX2 mat-vec, `bench --int8-activations`) at model
    /// level: four decode steps' logits against the f32-activation model, with llama.cpp's
    /// rounding on and off. Rounding x to int8 blocks is real error (the kernel itself is held
    /// tightly to a rounded-x reference in QuantizedMatmulTests): measured at most 3.1e-2 (on) and
    /// 4.3e-2 (off) relative, so the bound is 0.4; a broken kernel gives errors of order 1.
    @Test(arguments: [true, false]) func int8ActivationsChangeLogitsLittle(llamaCppRounding: Bool) throws {
        guard let path = try LlamaGreedyFixtures.modelPath() else { return }
        let int8Backend = CPUBackend(int8Activations: true)
        guard int8Backend.deviceDescription.contains("int8 activations") else {
            let reason = "no int8-activation kernels on \(int8Backend.deviceDescription)"
            if TestVulkan.isCI { Issue.record(Comment(rawValue: reason)) } else { print("skipped: \(reason)") }
            return
        }
        let c = try #require(LlamaGreedyFixtures.cases.first, "the committed fixture has no cases")
        let options = LlamaModel.Options(contextLength: 64, llamaCppRounding: llamaCppRounding)
        let plain = try LlamaModel(path: path, backend: CPUBackend(), options: options)
        let int8 = try LlamaModel(path: path, backend: int8Backend, options: options)
        let bound = 0.4
        _ = try plain.nextTokenLogits(of: c.promptIDs)
        _ = try int8.nextTokenLogits(of: c.promptIDs)
        var worst = 0.0
        for (step, token) in [c.promptIDs.last ?? 1, 28, 253, 1030].enumerated() {
            let a = try plain.nextTokenLogits(appending: [token]), b = try int8.nextTokenLogits(appending: [token])
            let difference = zip(a, b).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +).squareRoot()
            let error = difference / a.map { Double($0) * Double($0) }.reduce(0, +).squareRoot()
            worst = max(worst, error)
            #expect(error <= bound, "decode step \(step): relative error \(error) > bound \(bound)")
        }
        print("int8 activations, llamaCppRounding \(llamaCppRounding): worst relative logit error \(worst), bound \(bound)")
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
