import CPUBackend
import Compute
import Formats
import Models
import Testing
import TestSupport
import Tokenizers

/// Gemma 3 270M's token table (and tied LM head) is 262,144 × 640 Q8_0 = 178 MB, over
/// lavapipe's 128 MiB maxStorageBufferRange: the model splits it into row blocks for both the
/// lookup and the head, transparently. Its logits on lavapipe must match the CPU's (which holds
/// the table whole), with llama.cpp-style rounding off so both compute the same f32 arithmetic.
@Test(.noValidationMessages) func tableOverTheBufferLimitIsSplitAndMatchesTheCPU() throws {
    guard let path = FetchedModels.path("gemma3/gemma-3-270m-q4_k_m.gguf"), let vulkan = try TestVulkan.backend() else { return }
    let file = try GGUFFile(path: path)
    let table = try file.tensor(named: "token_embd.weight")
    #expect(table.byteCount > 128 << 20, "the test needs a table over lavapipe's limit: \(table.byteCount) bytes")
    let tokens = try GGUFTokenizer.load(gguf: file).encode("The capital of France is", addSpecial: true, parseSpecial: false)
    let options = LlamaModel.Options(contextLength: 32, llamaCppRounding: false)
    let cpu = try LlamaModel(gguf: file, backend: CPUBackend(), options: options)
    let gpu = try LlamaModel(gguf: file, backend: vulkan, options: options)
    let expected = try cpu.nextTokenLogits(appending: tokens), got = try gpu.nextTokenLogits(appending: tokens)
    #expect(got.count == 262_144)
    let scale = expected.map { abs($0) }.max() ?? 1
    let worst = zip(got, expected).map { abs($0 - $1) }.max() ?? .infinity
    print("Gemma 3 split table on Vulkan vs CPU: max |Δlogit| \(worst) (largest logit \(scale))")
    // f32 sums in another order over 18 layers: measured 1.8e-5 on logits up to ~22.
    #expect(worst <= 2e-4, "max |Δlogit| \(worst)")
    #expect(got.indices.max { got[$0] < got[$1] } == expected.indices.max { expected[$0] < expected[$1] })
    // Every position through the split head too (the perplexity path), rows 0..<tokens.count.
    cpu.reset(); gpu.reset()
    let all = try gpu.logits(appending: tokens, rows: 0..<tokens.count), reference = try cpu.logits(appending: tokens, rows: 0..<tokens.count)
    let worstAll = zip(all.joined(), reference.joined()).map { abs($0 - $1) }.max() ?? .infinity
    print("… every position: max |Δlogit| \(worstAll)")
    #expect(worstAll <= 2e-4, "every position: max |Δlogit| \(worstAll)")
}
