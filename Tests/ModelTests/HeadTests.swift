import Compute
import CPUBackend
import Models
import Testing
import TestSupport

/// Masked-LM and classifier heads of small random checkpoints (Fixtures/, from
/// scripts/make-random-checkpoints.py) against the numpy reference, run as one padded batch.
@Suite(.noValidationMessages) struct HeadTests {
    /// Absolute bound on logits of magnitude ~0.1: measured at most 7.5e-8 (all three heads, CPU
    /// and lavapipe), so 1e-6.
    static let bound: Float = 1e-6

    @Test(arguments: ["bert-mlm", "bert-mlm-f16", "bert-classifier"])
    func logitsMatchTheReference(folder: String) throws {
        let reference = try #require(try HeadReference.load()[folder])
        for backend in try modelBackends() {
            let model = try BERTModel(path: fixtures + "/" + folder, backend: backend)
            let sequences = reference.map(\.ids)
            let logits = folder.contains("mlm")
                ? try model.maskedLMLogits(sequences)
                : try model.classificationLogits(sequences)
            for (actual, expected) in zip(logits, reference) {
                #expect(actual.count == expected.logits.count)
                let error = maxAbsDifference(actual, expected.logits)
                print("\(folder) on \(backend.name), \(expected.ids.count) ids: max abs error \(error)")
                #expect(error <= Self.bound, "\(folder) on \(backend.name), ids \(expected.ids): max abs error \(error) > bound \(Self.bound)")
            }
        }
    }

    @Test func theHeadsFoundMatchTheCheckpoints() throws {
        let mlm = try BERTModel(path: fixtures + "/bert-mlm-f16", backend: CPUBackend())
        #expect(mlm.hasMaskedLMHead && !mlm.hasClassifierHead)
        let classifier = try BERTModel(path: fixtures + "/bert-classifier", backend: CPUBackend())
        #expect(classifier.hasClassifierHead && !classifier.hasMaskedLMHead)
    }
}
