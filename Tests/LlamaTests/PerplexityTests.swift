import CPUBackend
import Compute
import Foundation
import Formats
import Generation
import Models
import Testing
import TestSupport
import Tokenizers

/// Perplexity of Fixtures/perplexity.txt against llama.cpp's (Fixtures/perplexity.json, made by
/// scripts/make-perplexity-references.py with llama-perplexity on the same file, text, context
/// and chunk count): the most sensitive end-to-end check there is, since every position of
/// every chunk is scored. Within 0.5% on the CPU, 1% on lavapipe (fewer, shorter chunks there),
/// of both llama.cpp's flash-attention path (its CPU default) and its plain path. Single chunks
/// of 64 scored tokens move by 1–2% between llama.cpp's own two paths (Q8-rounded activations
/// amplify tiny differences), so the CPU check scores four chunks of 512.
enum PerplexityFixtures {
    struct Entry {
        let file: String, context: Int, chunks: Int
        /// llama-perplexity -fa off, and -fa on.
        let perplexity, flashAttention: Double
    }

    static let entries: [Entry] = {
        guard let data = try? Data(contentsOf: LlamaFixtures.directory.appending(path: "perplexity.json")),
              let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let list = root["entries"] as? [[String: Any]] else { return [] }
        return list.compactMap { e in
            guard let file = e["file"] as? String, let context = e["context"] as? Int, let chunks = e["chunks"] as? Int,
                  let perplexity = e["perplexity"] as? Double,
                  let flashAttention = e["perplexity_flash_attention"] as? Double else { return nil }
            return Entry(file: file, context: context, chunks: chunks, perplexity: perplexity, flashAttention: flashAttention)
        }
    }()

    static func entry(file: String, context: Int, chunks: Int) throws -> Entry {
        try #require(entries.first { $0.file == file && $0.context == context && $0.chunks == chunks },
                     "no llama.cpp reference for \(file) c=\(context) chunks=\(chunks): run scripts/make-perplexity-references.py")
    }

    static var text: String {
        get throws { try String(contentsOf: LlamaFixtures.directory.appending(path: "perplexity.txt"), encoding: .utf8) }
    }

    /// Checks ours against both llama.cpp values and prints the three.
    static func check(_ ours: Perplexity.Estimate, _ reference: Entry, bound: Double, _ label: String) {
        let plain = abs(ours.perplexity / reference.perplexity - 1), flash = abs(ours.perplexity / reference.flashAttention - 1)
        print("\(label): ours \(ours.perplexity); llama.cpp \(reference.perplexity) (\(plain * 100)%), "
              + "with flash attention \(reference.flashAttention) (\(flash * 100)%)")
        #expect(ours.scoredTokens == reference.chunks * (reference.context - reference.context / 2 - 1))
        #expect(plain <= bound, "\(label): ours \(ours.perplexity) vs llama.cpp -fa off \(reference.perplexity)")
        // No implementation can sit closer to both of llama.cpp's paths than they sit to each other.
        let flashBound = bound + abs(reference.flashAttention / reference.perplexity - 1)
        #expect(flash <= flashBound, "\(label): ours \(ours.perplexity) vs llama.cpp -fa on \(reference.flashAttention)")
    }

    /// Ours for the GGUF at `path` with its own tokenizer, as `vulkanlm perplexity` computes it.
    static func perplexity(file path: String, backend: any Backend, context: Int, chunks: Int) throws -> Perplexity.Estimate {
        let file = try GGUFFile(path: path)
        let tokenizer = try GGUFTokenizer.load(gguf: file)
        let model = try LlamaModel(gguf: file, backend: backend, options: .init(contextLength: context))
        let tokens = tokenizer.encode(try text, addSpecial: true, parseSpecial: false)
        return try Perplexity(context: context, bos: tokenizer.addsBOS ? tokenizer.bosTokenID : nil)
            .evaluate(tokens: tokens, maxChunks: chunks) { chunk, rows in
                model.reset()
                return try model.logits(appending: chunk, rows: rows)
            }
    }

}

@Test func smolLM2PerplexityMatchesLlamaCppOnTheCPU() throws {
    guard try LlamaFixtures.smolLM2Tokenizer() != nil else { return }
    let reference = try PerplexityFixtures.entry(file: "SmolLM2-135M-Instruct.Q4_1.gguf", context: 512, chunks: 4)
    let ours = try PerplexityFixtures.perplexity(file: LlamaFixtures.smolLM2Path, backend: CPUBackend(), context: 512, chunks: 4)
    PerplexityFixtures.check(ours, reference, bound: 0.005, "SmolLM2 Q4_1 c=512 ×4 (CPU)")
}

/// Gemma 3 270M Q4_K_M as published (Q4_K, Q5_0, Q6_K and Q8_0 tensors; SentencePiece; the
/// gemma3 architecture): the real-world file the weight-type work was for.
@Test func gemma3PerplexityMatchesLlamaCppOnTheCPU() throws {
    guard let path = FetchedModels.path("gemma3/gemma-3-270m-q4_k_m.gguf") else { return }
    let reference = try PerplexityFixtures.entry(file: "gemma-3-270m-q4_k_m.gguf", context: 512, chunks: 4)
    let ours = try PerplexityFixtures.perplexity(file: path, backend: CPUBackend(), context: 512, chunks: 4)
    PerplexityFixtures.check(ours, reference, bound: 0.005, "Gemma 3 270M Q4_K_M c=512 ×4 (CPU)")
}

/// Every architecture's random-weight file (scripts/make-random-architectures.py), F32/F16 and
/// in llama-quantize's Q4_K_M mix.
///
/// The F32/F16 files match llama.cpp to ~0.005% over four chunks. On the Q4_K_M files llama.cpp's
/// own two attention paths differ by up to 2.3% over four chunks of 512 and up to 8% over two of
/// 64: its Q8-rounded activations turn float-order differences into whole quant steps and random
/// weights amplify them. Over 16 chunks its two paths differ by 0.1–0.8% (c=512) and 0.25–1.4%
/// (c=64), so the quantized files are scored over 16 chunks: on the CPU at c=512 (ours within
/// 0.01–0.42% of its plain path), on lavapipe at c=64 for Llama only. Its two paths share every
/// quantized product, so their gap understates how far two independent float orders drift: on
/// the six-layer random Gemma 3 our own CPU and lavapipe, equal to 5e-5 with the rounding off
/// (LogitFixtureTests.cpuAndVulkanAgree, which holds every file's k-quant path on lavapipe),
/// differ by 1.4% with it on at c=64 × 16 (2026-12-02).
enum RandomArchitectureFiles {
    static let names = ["llama", "qwen2", "qwen3", "gemma2", "gemma3", "phi3"].flatMap { [$0, $0 + "-q4_k_m"] }
    static let onVulkan = ["llama", "qwen2", "qwen3", "gemma2", "gemma3", "phi3", "llama-q4_k_m"]

    static func chunks(_ name: String, context: Int) -> Int {
        name.hasSuffix("-q4_k_m") ? 16 : context == 512 ? 4 : 2
    }
}

@Test(arguments: RandomArchitectureFiles.names)
func randomArchitecturePerplexityMatchesLlamaCppOnTheCPU(_ name: String) throws {
    guard let path = FetchedModels.path("random-archs/\(name).gguf") else { return }
    let chunks = RandomArchitectureFiles.chunks(name, context: 512)
    let reference = try PerplexityFixtures.entry(file: "\(name).gguf", context: 512, chunks: chunks)
    let ours = try PerplexityFixtures.perplexity(file: path, backend: CPUBackend(), context: 512, chunks: chunks)
    PerplexityFixtures.check(ours, reference, bound: 0.005, "random \(name) c=512 ×\(chunks) (CPU)")
}

@Test(.noValidationMessages, arguments: RandomArchitectureFiles.onVulkan)
func randomArchitecturePerplexityMatchesLlamaCppOnVulkan(_ name: String) throws {
    guard let path = FetchedModels.path("random-archs/\(name).gguf"), let vulkan = try TestVulkan.backend() else { return }
    let chunks = RandomArchitectureFiles.chunks(name, context: 64)
    let reference = try PerplexityFixtures.entry(file: "\(name).gguf", context: 64, chunks: chunks)
    let ours = try PerplexityFixtures.perplexity(file: path, backend: vulkan, context: 64, chunks: chunks)
    PerplexityFixtures.check(ours, reference, bound: 0.01, "random \(name) c=64 ×\(chunks) (Vulkan)")
}

@Test(.noValidationMessages) func smolLM2PerplexityMatchesLlamaCppOnVulkan() throws {
    guard try LlamaFixtures.smolLM2Tokenizer() != nil, let vulkan = try TestVulkan.backend() else { return }
    let reference = try PerplexityFixtures.entry(file: "SmolLM2-135M-Instruct.Q4_1.gguf", context: 64, chunks: 2)
    let ours = try PerplexityFixtures.perplexity(file: LlamaFixtures.smolLM2Path, backend: vulkan, context: 64, chunks: 2)
    PerplexityFixtures.check(ours, reference, bound: 0.01, "SmolLM2 Q4_1 c=64 ×2 (Vulkan)")
}

@Test func perplexityNeedsTwoContextsOfText() throws {
    let evaluator = try Perplexity(context: 8, bos: nil)
    #expect(throws: GenerationError.self) { _ = try evaluator.evaluate(tokens: Array(0..<15)) { _, _ in [] } }
    #expect(throws: GenerationError.self) { _ = try Perplexity(context: 2, bos: nil) }
}

/// Uniform logits over 10 tokens: every scored token has probability 1/10, so PPL is exactly 10;
/// rows context/2 … context−2 of each chunk are asked for, with BOS in each chunk's first place.
@Test func uniformLogitsGiveTheVocabularySize() throws {
    let evaluator = try Perplexity(context: 8, bos: 7)
    var asked: [(first: Int, rows: Range<Int>)] = []
    let estimate = try evaluator.evaluate(tokens: Array(repeating: 3, count: 17)) { chunk, rows in
        asked.append((chunk[0], rows))
        return rows.map { _ in [Float](repeating: 0.25, count: 10) }
    }
    #expect(abs(estimate.perplexity - 10) < 1e-9)
    #expect(estimate.chunks == 2 && estimate.scoredTokens == 6)
    #expect(asked.map(\.first) == [7, 7] && asked.allSatisfy { $0.rows == 4..<7 })
}
