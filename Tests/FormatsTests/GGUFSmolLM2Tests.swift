import Foundation
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

    }

    /// `Fixtures/smollm2-tensor-rows.json` (scripts/make-smollm2-tensor-fixture.py): rows of two
    /// Q4_1 matrices and the Q8_0 token embedding as gguf-py dequantizes them, bit for bit.
    struct TensorRows: Decodable {
        struct Tensor: Decodable { let name: String; let type: String; let rows: Int; let rowLength: Int; let rowBits: [String: [UInt32]] }
        let sha256: String
        let tensors: [Tensor]
    }

    @Test func rowsDequantizeAsGGUFPyDoes() throws {
        guard let path = FetchedModels.path(FetchedModels.smolLM2) else { return }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/smollm2-tensor-rows.json")
        let fixture = try JSONDecoder().decode(TensorRows.self, from: Data(contentsOf: url))
        let sum = try Subprocess.run(["sha256sum", path])
        #expect(sum.status == 0 && sum.stdout.hasPrefix(fixture.sha256 + " "),
                "\(path) is not the file the fixture was made from (sha256 \(sum.stdout.prefix(64)), fixture \(fixture.sha256))")
        let file = try GGUFFile(path: path)
        #expect(fixture.tensors.map(\.type).sorted() == ["Q4_1", "Q4_1", "Q8_0"])
        for tensor in fixture.tensors {
            let info = try file.tensor(named: tensor.name)
            #expect(info.type.name == tensor.type, "\(tensor.name)")
            let values = try file.floats(named: tensor.name)
            try #require(values.count == tensor.rows * tensor.rowLength, "\(tensor.name): \(values.count) values")
            #expect(tensor.rowBits.count == 3)
            for (key, bits) in tensor.rowBits {
                let row = try #require(Int(key))
                let got = values[(row * tensor.rowLength)..<((row + 1) * tensor.rowLength)].map(\.bitPattern)
                let differing = zip(got, bits).filter { $0 != $1 }.count
                #expect(bits.count == tensor.rowLength && differing == 0,
                        "\(tensor.name) row \(row): \(differing) of \(tensor.rowLength) values differ from gguf-py's")
            }
        }
    }
}
