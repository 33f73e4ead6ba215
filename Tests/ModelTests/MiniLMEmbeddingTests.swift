import Compute
import CPUBackend
import Models
import Testing
import TestSupport

/// all-MiniLM-L6-v2 against the float64 numpy reference (scripts/bert_reference.py).
@Suite(.noValidationMessages, .serialized) struct MiniLMEmbeddingTests {
    /// Lavapipe runs ~1000× slower than a GPU: the padded-batch test on Vulkan uses only these.
    static let short = ["A man is eating food.", "Hi", "A monkey is playing drums.", "Ok."]

    /// Absolute bound per component of the unit vectors: measured at most 1.6e-7 on the CPU and
    /// 2.9e-7 on lavapipe against the float64 reference, so 3e-6 (also between the two backends).
    static let bound: Float = 3e-6

    static func check(_ vectors: [[Float]], against reference: [MiniLMReference.Sentence], backend: String) {
        for (vector, expected) in zip(vectors, reference) {
            let error = maxAbsDifference(vector, expected.embedding)
            let cosine = Embedder.cosineSimilarity(vector, expected.embedding)
            #expect(error <= bound, "\(backend): '\(expected.text)' max abs error \(error) > bound \(bound)")
            #expect(cosine >= 0.9999, "\(backend): '\(expected.text)' cosine \(cosine)")
        }
    }

    @Test func everySentenceOnTheCPUMatchesTheReference() throws {
        guard let folder = try MiniLM.available() else { return }
        let reference = try MiniLMReference.load()
        let embedder = try Embedder(folder: folder, backend: CPUBackend())
        #expect(embedder.maxLength == reference.maxLength)
        let texts = reference.sentences.map(\.text)
        #expect(embedder.tokenize(texts) == reference.sentences.map(\.ids), "token ids differ from HF tokenizers")
        let vectors = try embedder.embed(texts, batchSize: 8)
        Self.check(vectors, against: reference.sentences, backend: "cpu")
        var worst: Float = 0
        for (vector, expected) in zip(vectors, reference.sentences) {
            worst = max(worst, maxAbsDifference(vector, expected.embedding))
        }
        print("MiniLM cpu: max abs error \(worst) over \(texts.count) sentences")
    }

    /// All reference sentences on Vulkan too: at 3–31 tokens they take seconds even on lavapipe.
    @Test func everySentenceOnVulkanMatchesTheReferenceAndTheCPU() throws {
        guard let folder = try MiniLM.available(), let vulkan = try TestVulkan.backend() else { return }
        let reference = try MiniLMReference.load()
        let texts = reference.sentences.map(\.text)
        let gpu = try Embedder(folder: folder, backend: vulkan).embed(texts)
        Self.check(gpu, against: reference.sentences, backend: "vulkan")
        let cpu = try Embedder(folder: folder, backend: CPUBackend()).embed(texts)
        for (a, b) in zip(gpu, cpu) {
            let difference = maxAbsDifference(a, b)
            #expect(difference <= Self.bound, "vulkan vs cpu: max abs difference \(difference) > bound \(Self.bound)")
        }
        print("MiniLM vulkan: max abs error \(zip(gpu, reference.sentences).map { maxAbsDifference($0, $1.embedding) }.max() ?? 0) over \(texts.count) sentences")
    }

    @Test func relatedSentencesAreCloserThanUnrelatedOnes() throws {
        guard let folder = try MiniLM.available() else { return }
        let embedder = try Embedder(folder: folder, backend: CPUBackend())
        let v = try embedder.embed(["A man is eating food.", "A man is eating a piece of bread.", "A monkey is playing drums."])
        let related = Embedder.cosineSimilarity(v[0], v[1]), unrelated = Embedder.cosineSimilarity(v[0], v[2])
        #expect(related > 0.7 && unrelated < 0.2, "food/bread \(related), food/drums \(unrelated)")
        #expect(abs(v[0].reduce(0) { $0 + $1 * $1 } - 1) < 1e-5, "normalised")
    }

    /// A padded batch of different lengths must equal each sentence run alone (the padding must not leak).
    @Test(arguments: [false, true]) func aPaddedBatchEqualsOneAtATime(onVulkan: Bool) throws {
        guard let folder = try MiniLM.available() else { return }
        let backend: any Backend
        if onVulkan {
            guard let vulkan = try TestVulkan.backend() else { return }
            backend = vulkan
        } else {
            backend = CPUBackend()
        }
        let embedder = try Embedder(folder: folder, backend: backend)
        let texts = onVulkan ? Self.short : try MiniLMReference.load().sentences.map(\.text)
        let sequences = embedder.tokenize(texts)
        #expect(Set(sequences.map(\.count)).count > 1, "the batch should mix lengths")
        let batched = try embedder.embed(tokenized: sequences)
        for (index, sequence) in sequences.enumerated() {
            let alone = try embedder.embed(tokenized: [sequence])[0]
            #expect(maxAbsDifference(batched[index], alone) <= 1e-5, "'\(texts[index])'")
        }
    }

    @Test func clsPoolingTakesTheFirstTokenState() throws {
        guard let folder = try MiniLM.available() else { return }
        let embedder = try Embedder(folder: folder, backend: CPUBackend())
        let states = try embedder.model.hiddenStates(embedder.tokenize(["A cat sits on the mat."]))
        let vector = SentencePooling(modes: [.cls], normalize: false).pool(states)[0]
        #expect(vector == Array(states.row(0, 0)))
    }
}
