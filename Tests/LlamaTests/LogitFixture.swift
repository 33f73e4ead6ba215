import Foundation
import Models
import Testing
import TestSupport

/// llama.cpp's logits at every position of a model's fixture prompts and its own greedy
/// continuation of them (Fixtures/logits/<name>.json, made by scripts/make-logit-references.py
/// with scripts/llama-logits.cpp against libllama): the top 8 logits per position (the files also
/// hold each position's log-sum-exp and llama.cpp's parting gaps, which these tests do not read).
struct LogitFixture: Decodable, Sendable {
    struct Meta: Decodable, Sendable {
        let model: String
        let model_bytes: Int
        /// llama.cpp's flash-attention path against these (its plain path's) logits.
        let flash_attention_against_this: SelfComparison
    }

    struct SelfComparison: Decodable, Sendable {
        let largest_difference: Float
        let mean_difference: Double
        let identical_continuations: Int
        /// Over every position where the two paths' argmax differ, the largest gap in the plain path's logits.
        let largest_argmax_gap: Float
    }

    struct Case: Decodable, Sendable {
        let prompt: String
        let prompt_ids: [Int]
        let ids: [Int]
        let top_ids: [[Int]]
        let top_logits: [[Float]]

        /// The prompt followed by llama.cpp's greedy continuation: what both sides are fed.
        var sequence: [Int] { prompt_ids + ids }
    }

    let meta: Meta
    let cases: [Case]

    static func load(_ name: String) throws -> LogitFixture {
        let url = LlamaFixtures.directory.appending(path: "logits/\(name).json")
        return try JSONDecoder().decode(LogitFixture.self, from: Data(contentsOf: url))
    }

    /// The fetched model file (nil: a recorded skip, a failure under CI=true). A size other than
    /// the fixture's means the file changed and the fixture must be remade.
    func modelPath(sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        guard let path = FetchedModels.path(meta.model, sourceLocation: sourceLocation) else { return nil }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        #expect(size == meta.model_bytes, "\(path) is \(size ?? -1) bytes, the fixture's \(meta.model_bytes): run scripts/make-logit-references.py",
                sourceLocation: sourceLocation)
        return path
    }
}

/// How our logits compare with llama.cpp's over every position of some fixture cases.
struct LogitComparison: CustomStringConvertible {
    /// Positions compared, and the largest and mean |ours − llama.cpp's| over each position's top 8.
    var positions = 0, largest: Float = 0, sum: Double = 0, compared = 0
    /// Positions where our argmax is not llama.cpp's, with llama.cpp's own gap between its choice
    /// and ours (the reference's, not ours: an engine with flattened logits must not excuse itself).
    var disagreements: [String] = []
    var largestDisagreementGap: Float = 0
    /// Prompts whose whole greedy continuation ours reproduces (argmax equal at every generated
    /// position, which under teacher forcing is the same as generating it).
    var identicalContinuations = 0, prompts = 0

    var mean: Double { compared == 0 ? 0 : sum / Double(compared) }

    var description: String {
        "\(positions) positions: largest |Δlogit| \(largest), mean \(mean); argmax differs at \(disagreements.count) "
            + "(largest llama.cpp gap there \(largestDisagreementGap)); \(identicalContinuations) of \(prompts) continuations identical"
    }

    /// Adds one case: `rows` are our logits for every position of `c.sequence`.
    mutating func add(_ c: LogitFixture.Case, rows: [[Float]]) {
        prompts += 1
        var parted = false
        for (p, row) in rows.enumerated() {
            positions += 1
            for (id, theirs) in zip(c.top_ids[p], c.top_logits[p]) {
                let d = abs(row[id] - theirs)
                largest = max(largest, d.isNaN ? .infinity : d)
                sum += Double(d)
                compared += 1
            }
            let ours = row.indices.max { row[$0] < row[$1] } ?? -1
            let best = c.top_ids[p][0]
            guard ours != best else { continue }
            // llama.cpp's logit for our choice; below its 8th when it is not among them.
            let theirsForOurs = c.top_ids[p].firstIndex(of: ours).map { c.top_logits[p][$0] } ?? -.infinity
            let gap = c.top_logits[p][0] - theirsForOurs
            largestDisagreementGap = max(largestDisagreementGap, gap)
            let generated = p + 1 - c.prompt_ids.count // position p predicts sequence[p + 1]
            if generated >= 0, generated < c.ids.count { parted = true }
            disagreements.append("\(c.prompt.debugDescription.prefix(40)) position \(p)\(generated >= 0 ? " (generated \(generated))" : ""): "
                                 + "ours \(ours) vs llama.cpp's \(best), gap \(gap) in llama.cpp's logits, \(row[ours] - row[best]) in ours")
        }
        if !parted { identicalContinuations += 1 }
    }
}

extension LlamaModel {
    /// Logits at every position of `sequence`, fed from an empty cache in one pass.
    func everyPositionLogits(_ sequence: [Int]) throws -> [[Float]] {
        reset()
        return try logits(appending: sequence, rows: 0..<sequence.count)
    }
}
