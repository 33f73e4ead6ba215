import CPUBackend
import Compute
import Foundation
import Models
import Testing
import TestSupport

/// Every position of every fixture prompt against llama.cpp's logits (teacher forcing: both sides
/// are fed the prompt and llama.cpp's greedy continuation, so no divergence ends the comparison).
///
/// The bounds come from llama.cpp against itself. Its CPU backend rounds activations to Q8 blocks
/// before every quantized product (we do the same: `llamaCppRounding`), which turns float-order
/// differences into whole quant steps, amplified over the layers: its own flash-attention path
/// differs from its plain path by up to 1.2–2.0 logits (mean 0.16–0.23) on the quantized models
/// and parts from its greedy continuation in half the prompts (the fixtures record this, per model,
/// in `flash_attention_against_this`). No faithful implementation can sit much closer to one path
/// than the two sit to each other, so per model:
/// - the largest |Δlogit| at llama.cpp's top 8 ≤ 1.5 × its two paths' largest (ours: 0.6–1.25×),
/// - the mean |Δlogit| ≤ 1.25 × its two paths' mean (ours: 0.5–1.06×) — the check a systematically
///   wrong kernel fails first,
/// - wherever our argmax is not llama.cpp's, llama.cpp's own gap between the two ≤ `nearTieGap`
///   (the reference's gap: an engine with flattened logits must not excuse itself), or ≤ the gap
///   at which llama.cpp's two paths themselves pick differently, where that is larger (0.52–0.78
///   on the Q2_K, Q3_K_M and IQ4_XS variants),
/// - our greedy continuation equals llama.cpp's in as many prompts as its flash-attention path
///   manages, less two — except on the random Q4_K_M files (`countsContinuations`). There whole
///   continuations are a coin toss for llama.cpp itself: its flash-attention path reproduces 0 or 1
///   of 9 on five of them and 5 of 9 on Gemma 3, where our CPU and lavapipe, equal to 5e-5 with the
///   rounding off, reproduce 2 and 1 (2026-12-02) with the same mean |Δlogit| as llama.cpp's two
///   paths (0.186 vs 0.182). Its two paths share every quantized product, so on these chaotic
///   random files their agreement is no yardstick for an independent implementation; the logit
///   bounds and the near-tie gap still apply to every position.
enum LogitBounds {
    /// The largest gap in llama.cpp's logits at which a different greedy choice counts as a near-tie.
    static let nearTieGap: Float = 0.5

    static let largestRatio: Float = 1.5, meanRatio = 1.25, continuationSlack = 2

    static func countsContinuations(_ model: String) -> Bool {
        !(model.hasPrefix("random-archs/") && model.hasSuffix("-q4_k_m.gguf"))
    }

    static func check(_ comparison: LogitComparison, _ label: String, fixture: LogitFixture,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        let flash = fixture.meta.flash_attention_against_this
        print("\(label): \(comparison)")
        print("  llama.cpp -fa on vs off: largest \(flash.largest_difference), mean \(flash.mean_difference), "
              + "\(flash.identical_continuations) identical, largest argmax gap \(flash.largest_argmax_gap)")
        comparison.disagreements.forEach { print("  \($0)") }
        let largest = largestRatio * flash.largest_difference, mean = Double(meanRatio) * flash.mean_difference
        #expect(comparison.largest <= largest, "\(label): largest |Δlogit| \(comparison.largest) > \(largest)",
                sourceLocation: sourceLocation)
        #expect(comparison.mean <= mean, "\(label): mean |Δlogit| \(comparison.mean) > \(mean)", sourceLocation: sourceLocation)
        let nearTie = max(nearTieGap, flash.largest_argmax_gap)
        #expect(comparison.largestDisagreementGap <= nearTie,
                "\(label): \(comparison.disagreements.joined(separator: "; "))", sourceLocation: sourceLocation)
        guard countsContinuations(fixture.meta.model) else { return }
        // Scaled to the prompts compared (lavapipe runs a few of them).
        let wanted = flash.identical_continuations - continuationSlack - (fixture.cases.count - comparison.prompts)
        #expect(comparison.identicalContinuations >= wanted,
                "\(label): \(comparison.identicalContinuations) of \(comparison.prompts) continuations identical, want \(wanted)",
                sourceLocation: sourceLocation)
    }
}

@Suite(.serialized) struct LogitFixtureTests {
    /// SmolLM2 and Gemma 3 as published, and every architecture's random file, F32/F16 and in the
    /// Q4_K_M mix (scripts/make-random-architectures.py).
    static let models = ["smollm2-q4_1", "gemma3-270m-q4_k_m"]
        + RandomArchitectureFiles.names.map { "random-" + $0 }

    /// Every prompt of every model on the CPU.
    @Test(arguments: models)
    func cpuLogitsMatchLlamaCpp(name: String) throws {
        let fixture = try LogitFixture.load(name)
        #expect(fixture.cases.count >= 8)
        guard let path = fixture.modelPath() else { return }
        let model = try LlamaModel(path: path, backend: CPUBackend(), options: .init(contextLength: 128))
        var comparison = LogitComparison()
        for c in fixture.cases {
            comparison.add(c, rows: try model.everyPositionLogits(c.sequence))
        }
        LogitBounds.check(comparison, "\(name) (cpu)", fixture: fixture)
    }

    /// The same one token at a time (batch size 1): every product a mat-vec, the path decoding
    /// takes (on the CPU, integer dot products with the rounded activations), held to the same
    /// bounds. Opt-in (VULKANLM_TEST_DECODE=1): measured 2026-12-02, gemma3-270m-q4_k_m exceeds them
    /// both with the integer kernels (a disagreement where llama.cpp's gap is 0.64 > 0.5) and with
    /// the f32 ones before them (largest |Δlogit| 3.3 > 2.96): float-order differences amplified
    /// by the quant steps, as between llama.cpp's own two paths; the other models pass.
    static let decodeRequested = ProcessInfo.processInfo.environment["VULKANLM_TEST_DECODE"] == "1"

    @Test(.enabled(if: decodeRequested, "one-token-at-a-time comparison: VULKANLM_TEST_DECODE=1"), arguments: models)
    func cpuDecodeLogitsMatchLlamaCpp(name: String) throws {
        let fixture = try LogitFixture.load(name)
        guard let path = fixture.modelPath() else { return }
        let model = try LlamaModel(path: path, backend: CPUBackend(), options: .init(contextLength: 128, batchSize: 1))
        var comparison = LogitComparison()
        for c in fixture.cases {
            comparison.add(c, rows: try model.everyPositionLogits(c.sequence))
        }
        LogitBounds.check(comparison, "\(name) (cpu, one token at a time)", fixture: fixture)
    }

    /// SmolLM2 in eleven other weight types (llama-quantize from F16, scripts/make-quant-variants.sh):
    /// needs llama.cpp built, so it runs under scripts/test-variants.sh, and is a recorded skip elsewhere.
    static let variants = ["smollm2-q8_0", "smollm2-q6_k", "smollm2-q5_k_m", "smollm2-q5_0", "smollm2-q5_1", "smollm2-q4_k_m",
                           "smollm2-q4_0", "smollm2-q3_k_m", "smollm2-q2_k", "smollm2-iq4_nl", "smollm2-iq4_xs"]
    static let variantsRequested = ProcessInfo.processInfo.environment["VULKANLM_TEST_VARIANTS"] == "1"

    @Test(.enabled(if: variantsRequested, "needs llama-quantize's variants: scripts/test-variants.sh"), arguments: variants)
    func variantLogitsMatchLlamaCpp(name: String) throws {
        try cpuLogitsMatchLlamaCpp(name: name)
    }

    @Test(.enabled(if: variantsRequested && decodeRequested, "needs llama-quantize's variants and VULKANLM_TEST_DECODE=1"),
          arguments: variants)
    func variantDecodeLogitsMatchLlamaCpp(name: String) throws {
        try cpuDecodeLogitsMatchLlamaCpp(name: name)
    }

    /// The same on lavapipe, two prompts per model (the vocabulary head alone is 49k–262k rows per position).
    @Test(.noValidationMessages, arguments: models)
    func vulkanLogitsMatchLlamaCpp(name: String) throws {
        let fixture = try LogitFixture.load(name)
        guard let path = fixture.modelPath(), let vulkan = try TestVulkan.backend() else { return }
        let model = try LlamaModel(path: path, backend: vulkan, options: .init(contextLength: 64))
        var comparison = LogitComparison()
        for c in fixture.cases.prefix(2) {
            comparison.add(c, rows: try model.everyPositionLogits(c.sequence))
        }
        LogitBounds.check(comparison, "\(name) (vulkan)", fixture: fixture)
    }

    /// Our two backends against each other with llama.cpp's rounding off (no quant steps to
    /// amplify float-order differences): one prompt, every position, whole rows.
    @Test(.noValidationMessages, arguments: models)
    func cpuAndVulkanAgree(name: String) throws {
        let fixture = try LogitFixture.load(name)
        guard let path = fixture.modelPath(), let vulkan = try TestVulkan.backend() else { return }
        let options = LlamaModel.Options(contextLength: 64, llamaCppRounding: false)
        let c = try #require(fixture.cases.first)
        let cpu = try LlamaModel(path: path, backend: CPUBackend(), options: options).everyPositionLogits(c.sequence)
        let gpu = try LlamaModel(path: path, backend: vulkan, options: options).everyPositionLogits(c.sequence)
        var largest: Float = 0, scale: Float = 0
        for (a, b) in zip(cpu, gpu) {
            for (x, y) in zip(a, b) {
                let d = abs(x - y)
                largest = max(largest, d.isNaN ? .infinity : d)
                scale = max(scale, abs(x))
            }
        }
        let known = CPUVulkanBounds.largest[name]
        print("\(name): cpu vs vulkan over \(cpu.count) positions × \(cpu.first?.count ?? 0) logits: largest |Δ| \(largest) (largest |logit| \(scale)), bound \(known ?? .nan)")
        let bound = try #require(known, "\(name): no CPU–Vulkan bound")
        #expect(largest <= bound, "\(name): cpu vs vulkan largest |Δlogit| \(largest) > \(bound)")
    }
}

/// CPU against lavapipe, f32 activations: ≈10× the largest difference measured on 2026-12-02
/// (AMD EPYC, OpenBLAS; in the comments).
enum CPUVulkanBounds {
    static let largest: [String: Float] = [
        "smollm2-q4_1": 4e-3, // 3.5e-4
        "gemma3-270m-q4_k_m": 8e-4, // 7.2e-5
        "random-llama": 4e-4, // 3.4e-5
        "random-qwen2": 3e-4, // 2.5e-5
        "random-qwen3": 2e-4, // 2.0e-5
        "random-gemma2": 7e-4, // 6.8e-5
        "random-gemma3": 3e-4, // 3.1e-5
        "random-phi3": 5e-4, // 5.2e-5
        "random-llama-q4_k_m": 9e-4, // 8.6e-5
        "random-qwen2-q4_k_m": 6e-4, // 6.1e-5
        "random-qwen3-q4_k_m": 5e-4, // 4.4e-5
        "random-gemma2-q4_k_m": 1.2e-3, // 1.2e-4
        "random-gemma3-q4_k_m": 6e-4, // 5.3e-5
        "random-phi3-q4_k_m": 1e-3, // 9.1e-5
    ]
}
