import Foundation
import Testing
import TestSupport
@testable import Formats

/// Model folders written by `scripts/make-random-checkpoints.py` in Hugging Face's layout must
/// load, pass the shape check, and read back the values the script recorded.
@Suite(.serialized) struct RandomCheckpointTests {
    static let script = repositoryRoot + "/scripts/make-random-checkpoints.py"

    /// Whether `python3 -c "import numpy"` works; CI must have it, elsewhere the tests skip.
    static let pythonWithNumpy: Bool = (try? run(["python3", "-c", "import numpy"])) == 0

    @discardableResult
    static func run(_ arguments: [String]) throws -> Int32 {
        try Subprocess.run(arguments).status
    }

    struct Summary: Decodable {
        let dtype: String
        let shape: [Int]
        let first: Double?
        let sum: Double
    }

    func generate(f16: Bool) throws -> (TemporaryDirectory, [String: [String: Summary]]) {
        try #require(Self.pythonWithNumpy, "python3 with numpy is required (CI=true)")
        let directory = try TemporaryDirectory()
        let status = try Self.run(["python3", Self.script, directory.path, "--seed", "7"] + (f16 ? ["--f16"] : []))
        try #require(status == 0, "make-random-checkpoints.py exited with \(status)")
        let manifest = try JSONDecoder().decode([String: [String: Summary]].self,
                                                from: Data(contentsOf: URL(fileURLWithPath: directory.file("manifest.json"))))
        return (directory, manifest)
    }

    @Test(.enabled(if: pythonWithNumpy || isCI, "python3 with numpy not found; skipped outside CI"),
          arguments: [false, true])
    func foldersLoadAndMatchTheManifest(f16: Bool) throws {
        let (directory, manifest) = try generate(f16: f16)
        #expect(manifest.keys.sorted() == ["bert-classifier", "bert-mlm", "bert-sentence", "gpt2", "gpt2-sharded"])
        for (variant, tensors) in manifest.sorted(by: { $0.key < $1.key }) {
            let folder = try ModelFolder(path: directory.file(variant))
            let checked = try folder.openCheckedWeights()
            #expect(checked.unused.isEmpty, "\(variant): unexpected tensors \(checked.unused)")
            let source = checked.source
            #expect(Set(source.tensorNames) == Set(tensors.keys), "\(variant)")
            for (name, summary) in tensors {
                let info = try source.info(named: name)
                #expect(info.dtype.rawValue == summary.dtype && info.shape == summary.shape, "\(variant) \(name)")
                guard info.dtype.isConvertibleToFloat else { continue }
                let values = try source.floats(of: info)
                #expect(values.first.map(Double.init) == summary.first, "\(variant) \(name)")
                let sum = values.reduce(0.0) { $0 + Double($1) }
                #expect(abs(sum - summary.sum) <= 1e-9 * max(1, abs(summary.sum)), "\(variant) \(name): \(sum) vs \(summary.sum)")
            }
            if f16 { #expect(checked.tensors.values.allSatisfy { $0.dtype == .f16 }, "\(variant)") }
        }
    }

    @Test(.enabled(if: pythonWithNumpy || isCI, "python3 with numpy not found; skipped outside CI"))
    func variantsHaveTheirHeads() throws {
        let (directory, _) = try generate(f16: false)
        func checked(_ variant: String) throws -> CheckedWeights {
            try ModelFolder(path: directory.file(variant)).openCheckedWeights()
        }

        let gpt2 = try ModelFolder(path: directory.file("gpt2"))
        guard case .gpt2(let gpt2Config) = gpt2.config else { Issue.record("gpt2 config"); return }
        #expect(gpt2Config.nInner == 4 * gpt2Config.nEmbd)
        #expect(try gpt2.openWeights().lookup("h.0.attn.bias")?.shape == [1, 1, 32, 32])

        let sharded = try ModelFolder(path: directory.file("gpt2-sharded"))
        guard case .sharded(let index) = sharded.weights else { Issue.record("not sharded"); return }
        #expect(index.shardFiles == ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"])
        #expect(try checked("gpt2-sharded").tensors["wte.weight"]?.name == "transformer.wte.weight")

        let mlm = try checked("bert-mlm")
        #expect(mlm.tensors["cls.predictions.bias"] != nil)
        #expect(mlm.tensors["pooler.dense.weight"] == nil)
        #expect(mlm.tensors["embeddings.word_embeddings.weight"]?.name == "bert.embeddings.word_embeddings.weight")

        let classifier = try checked("bert-classifier")
        #expect(classifier.tensors["classifier.weight"]?.shape == [3, 16])
        #expect(classifier.tensors["pooler.dense.weight"] != nil)

        let sentence = try ModelFolder(path: directory.file("bert-sentence"))
        #expect(sentence.sentenceTransformers?.pooling.meanTokens == true)
        #expect(sentence.sentenceTransformers?.normalize == true)
    }

    @Test(.enabled(if: pythonWithNumpy || isCI, "python3 with numpy not found; skipped outside CI"))
    func sameSeedSameBytes() throws {
        let (first, _) = try generate(f16: false)
        let (second, _) = try generate(f16: false)
        let a = try Data(contentsOf: URL(fileURLWithPath: first.file("bert-mlm/model.safetensors")))
        let b = try Data(contentsOf: URL(fileURLWithPath: second.file("bert-mlm/model.safetensors")))
        #expect(a == b)
    }
}
