import Testing
import TestSupport
@testable import Formats

/// The real SmolLM2-135M-Instruct Q4_1 GGUF fetched by scripts/fetch-models.sh.
@Suite struct GGUFSmolLM2Tests {
    /// nil (after recording a failure in CI, or printing why otherwise) when the file is missing.
    static func load() throws -> GGUFFile? {
        guard let path = FetchedModels.path(FetchedModels.smolLM2) else { return nil }
        return try GGUFFile(path: path)
    }

    @Test func loadsWithExpectedStructure() throws {
        guard let file = try Self.load() else { return }
        #expect(file.version == 3)
        #expect(file.metadata["general.architecture"]?.string == "llama")
        #expect(file.metadata["llama.block_count"]?.int == 30)
        #expect(file.metadata["tokenizer.ggml.tokens"]?.array?.count == 49152)

        let layers = Set(file.tensors.compactMap { tensor -> Int? in
            let parts = tensor.name.split(separator: ".")
            return parts.count > 2 && parts[0] == "blk" ? Int(parts[1]) : nil
        })
        #expect(layers == Set(0..<30))
        for layer in 0..<30 {
            for suffix in ["attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate", "ffn_up", "ffn_down"] {
                #expect(throws: Never.self) { _ = try file.tensor(named: "blk.\(layer).\(suffix).weight") }
            }
        }

        let embedding = try file.tensor(named: "token_embd.weight")
        #expect(embedding.type == .q8_0)
        #expect(embedding.shape == [49152, 576])

        var counts: [GGMLType: Int] = [:]
        for tensor in file.tensors { counts[tensor.type, default: 0] += 1 }
        print("SmolLM2 tensors by type:", counts.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        let matrices = file.tensors.filter { $0.dimensions.count == 2 }
        let q4_1 = matrices.filter { $0.type == .q4_1 }.count
        #expect(q4_1 * 2 > matrices.count, "Q4_1 \(q4_1) of \(matrices.count) matrices")
        #expect(file.tensors.filter { $0.dimensions.count == 1 }.allSatisfy { $0.type == .f32 })

        // One Q4_1 matrix dequantizes to plausible weights.
        let q = try file.floats(named: "blk.0.attn_q.weight")
        #expect(q.count == 576 * 576)
        #expect(q.allSatisfy { $0.isFinite && abs($0) < 100 })
        #expect(q.contains { $0 != 0 })
    }
}
