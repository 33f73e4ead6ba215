import Testing
@testable import Formats

@Suite struct TensorNameTests {
    @Test(arguments: [
        ("h.0.attn.bias", true), ("transformer.h.11.attn.bias", true), ("h.3.attn.masked_bias", true),
        ("embeddings.position_ids", true), ("bert.embeddings.position_ids", true),
        ("h.0.attn.c_attn.bias", false), ("h.0.attn.c_proj.bias", false), ("h.x.attn.bias", false),
        ("attn.bias", false), ("embeddings.word_embeddings.weight", false), ("h..attn.bias", false),
    ])
    func nonWeightBuffers(name: String, isBuffer: Bool) {
        #expect(TensorNames.isNonWeightBuffer(name) == isBuffer)
    }

    @Test func legacyNormNamesOnlyForNorms() {
        #expect(TensorNames.legacyNormAlias(for: "embeddings.LayerNorm.weight") == "embeddings.LayerNorm.gamma")
        #expect(TensorNames.legacyNormAlias(for: "encoder.layer.0.output.LayerNorm.bias") == "encoder.layer.0.output.LayerNorm.beta")
        #expect(TensorNames.legacyNormAlias(for: "encoder.layer.0.output.dense.weight") == nil)
        #expect(TensorNames.legacyNormAlias(for: "weight") == nil)
    }

    @Test func lookupToleratesPrefixesAndLegacyNames() throws {
        let directory = try TemporaryDirectory()
        let file = try SafetensorsFile(path: directory.write(safetensorsBytes([
            .f32("bert.embeddings.LayerNorm.gamma", [2], [1, 2]),
            .f32("bert.embeddings.LayerNorm.beta", [2], [3, 4]),
            .f32("transformer.wte.weight", [1], [5]),
            .f32("cls.predictions.bias", [1], [6]),
        ]), to: "legacy.safetensors"))
        #expect(try file.tensor(named: "embeddings.LayerNorm.weight").name == "bert.embeddings.LayerNorm.gamma")
        #expect(try file.floats(of: file.tensor(named: "embeddings.LayerNorm.bias")) == [3, 4])
        #expect(try file.tensor(named: "wte.weight").name == "transformer.wte.weight")
        #expect(try file.tensor(named: "cls.predictions.bias").name == "cls.predictions.bias")
        expectFormatError(["legacy.safetensors", "wpe.weight", "transformer.wpe.weight"]) {
            _ = try file.tensor(named: "wpe.weight")
        } where: { if case .tensorNotFound = $0 { true } else { false } }
        expectFormatError(["wte.weight"]) { _ = try file.tensor(named: "wte.weight", prefixes: [""]) }
            where: { if case .tensorNotFound = $0 { true } else { false } }
    }

    @Test func shapeCheckReportsFirstMissingThenMismatch() throws {
        let directory = try TemporaryDirectory()
        var tensors = ModelFolderTests.gpt2Tensors()
        let config = ModelFolderTests.tinyGPT2
        tensors.removeAll { $0.name == "h.0.ln_2.bias" || $0.name == "ln_f.weight" }
        let missing = try SafetensorsFile(path: directory.write(safetensorsBytes(tensors), to: "missing.safetensors"))
        expectFormatError(["missing.safetensors", "h.0.ln_2.bias", "missing"]) {
            _ = try ShapeCheck.check(config.expectedTensors(), in: missing)
        } where: { if case .shapeMismatch(_, "h.0.ln_2.bias", [4], nil) = $0 { true } else { false } }

        // c_attn stored as a Linear ([out, in]) instead of Conv1D ([in, out]).
        tensors = ModelFolderTests.gpt2Tensors().map { tensor in
            var tensor = tensor
            if tensor.name == "h.0.attn.c_attn.weight" { tensor.shape = [12, 4] }
            return tensor
        }
        let transposed = try SafetensorsFile(path: directory.write(safetensorsBytes(tensors), to: "transposed.safetensors"))
        expectFormatError(["transposed.safetensors", "h.0.attn.c_attn.weight", "[12, 4]", "[4, 12]"]) {
            _ = try ShapeCheck.check(config.expectedTensors(), in: transposed)
        } where: { if case .shapeMismatch(_, "h.0.attn.c_attn.weight", [4, 12], [12, 4]) = $0 { true } else { false } }
    }

    @Test func shapeCheckRefusesIntegerWeights() throws {
        let directory = try TemporaryDirectory()
        let tensors = ModelFolderTests.gpt2Tensors().map { tensor in
            tensor.name == "wpe.weight" ? TestTensor(name: tensor.name, dtype: "I32", shape: tensor.shape, data: tensor.data) : tensor
        }
        let file = try SafetensorsFile(path: directory.write(safetensorsBytes(tensors), to: "ints.safetensors"))
        expectFormatError(["ints.safetensors", "wpe.weight", "I32"]) {
            _ = try ShapeCheck.check(ModelFolderTests.tinyGPT2.expectedTensors(), in: file)
        } where: { if case .unsupportedDType = $0 { true } else { false } }
    }
}
