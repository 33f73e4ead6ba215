import CPUBackend
import Foundation
import Formats
import Models
import Testing
import TestSupport

/// Pooling modes all-MiniLM-L6-v2 does not use (it pools by mean), and the model errors that
/// only a wrong folder raises.
@Suite(.noValidationMessages) struct PoolingAndErrorTests {
    /// Max and mean/√length over the real tokens of a padded batch, against float64 sums of the
    /// same hidden states; the concatenation order is the modes' order.
    @Test func maxAndMeanSqrtLengthPoolingMatchAReference() throws {
        guard let folder = try MiniLM.available() else { return }
        let embedder = try Embedder(folder: folder, backend: CPUBackend())
        let sequences = embedder.tokenize(["A man is eating a piece of bread.", "Hi"])
        #expect(sequences[0].count > sequences[1].count, "the batch should pad the second sentence")
        let states = try embedder.model.hiddenStates(sequences)
        let pooled = SentencePooling(modes: [.max, .meanSqrtLength], normalize: false).pool(states)
        let normalized = SentencePooling(modes: [.max, .meanSqrtLength], normalize: true).pool(states)
        var worst = 0.0
        for (index, sequence) in sequences.enumerated() {
            let rows = (0..<sequence.count).map { states.row(index, $0).map(Double.init) }
            let maximum = (0..<states.width).map { c in rows.map { $0[c] }.max() ?? .nan }
            let sqrtMean = (0..<states.width).map { c in rows.map { $0[c] }.reduce(0, +) / Double(sequence.count).squareRoot() }
            let vector = pooled[index]
            #expect(vector.count == 2 * states.width)
            // The maximum is one of the values: exact.
            #expect(Array(vector[0..<states.width]).map(Double.init) == maximum, "max pooling of sequence \(index)")
            let error = GPT2Tests.relativeError(Array(vector[states.width...]), sqrtMean)
            worst = max(worst, error)
            let reference = maximum + sqrtMean
            let norm = reference.map { $0 * $0 }.reduce(0, +).squareRoot()
            let normalizedError = GPT2Tests.relativeError(normalized[index], reference.map { $0 / norm })
            worst = max(worst, normalizedError)
            #expect(error <= Self.bound, "meanSqrtLength of sequence \(index): \(error) > \(Self.bound)")
            #expect(normalizedError <= Self.bound, "normalized, sequence \(index): \(normalizedError) > \(Self.bound)")
        }
        print("pooling: worst relative error \(worst), bound \(Self.bound)")
    }

    /// Relative bound for pooled f32 sums: measured at most 3.0e-7, so 3e-6.
    static let bound = 3e-6

    /// A folder whose 1_Pooling/config.json names max and mean/√length gets those modes, in
    /// sentence-transformers' order; one that enables none is refused. The config reader refuses it
    /// (FormatError.badConfig), before Embedder's own `unsupportedPooling` check, which no folder
    /// can reach.
    @Test func poolingConfigIsReadAndAnEmptyOneIsAnError() throws {
        guard let miniLM = try MiniLM.available() else { return }
        let directory = try TemporaryDirectory()
        for (name, modes, expected) in [("max-sqrt", ["max_tokens", "mean_sqrt_len_tokens"], [SentencePooling.Mode.max, .meanSqrtLength]),
                                        ("none", [], [])] {
            let folder = directory.path + "/" + name
            try FileManager.default.createDirectory(atPath: folder + "/1_Pooling", withIntermediateDirectories: true)
            for file in try FileManager.default.contentsOfDirectory(atPath: miniLM) where file != "1_Pooling" {
                try FileManager.default.createSymbolicLink(atPath: folder + "/" + file, withDestinationPath: miniLM + "/" + file)
            }
            var config: [String: Any] = ["word_embedding_dimension": 384]
            for mode in ["cls_token", "mean_tokens", "max_tokens", "mean_sqrt_len_tokens"] {
                config["pooling_mode_" + mode] = modes.contains(mode)
            }
            try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: folder + "/1_Pooling/config.json"))
            if expected.isEmpty {
                #expect(throws: FormatError.badConfig(file: folder + "/1_Pooling/config.json", field: "pooling_mode_mean_tokens",
                                                      detail: "no pooling mode is enabled")) {
                    _ = try Embedder(folder: folder, backend: CPUBackend())
                }
            } else {
                let embedder = try Embedder(folder: folder, backend: CPUBackend())
                #expect(embedder.pooling == SentencePooling(modes: expected, normalize: true))
                #expect(try embedder.embed(["Hi"])[0].count == 2 * 384)
            }
        }
    }

    /// A GPT-2 model on a BERT folder and a BERT model on a GPT-2 folder name both architectures.
    @Test func wrongArchitectureNamesWhatWasFound() throws {
        let bert = fixtures + "/bert-mlm"
        #expect(throws: ModelError.wrongArchitecture(folder: bert, expected: "gpt2", found: "bert")) {
            _ = try GPT2Model(path: bert, backend: CPUBackend())
        }
        guard let gpt2 = try RandomGPT2Checkpoint.make(seed: 1, dims: "500,64,64,2,4", f16: false) else { return }
        #expect(throws: ModelError.wrongArchitecture(folder: gpt2.path, expected: "bert", found: "gpt2")) {
            _ = try BERTModel(path: gpt2.path, backend: CPUBackend())
        }
        #expect("\(ModelError.wrongArchitecture(folder: "f", expected: "bert", found: "gpt2"))".contains("gpt2"))
    }
}
