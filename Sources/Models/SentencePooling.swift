import Formats

/// How token states become one sentence vector, as sentence-transformers' Pooling module does
/// it, optionally followed by its Normalize module. Runs on the host over the read-back hidden
/// states (a next step is an on-device pooling op, so only [batch, dim] comes back).
public struct SentencePooling: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// The [CLS] token's state.
        case cls
        /// Element-wise maximum over the real tokens.
        case max
        /// Mean over the real (non-padding) tokens.
        case mean
        /// Sum over the real tokens divided by √length.
        case meanSqrtLength
    }

    /// Concatenated in this order, as sentence-transformers does.
    public var modes: [Mode]
    public var normalize: Bool

    public init(modes: [Mode], normalize: Bool) {
        self.modes = modes
        self.normalize = normalize
    }

    public static let mean = SentencePooling(modes: [.mean], normalize: true)
    public static let cls = SentencePooling(modes: [.cls], normalize: true)

    /// The folder's pooling; mean + normalise for plain BERT folders without `modules.json`.
    public init(_ config: SentenceTransformersConfig?) {
        guard let config else { self = .mean; return }
        let pooling = config.pooling
        var modes: [Mode] = []
        if pooling.clsToken { modes.append(.cls) }
        if pooling.maxTokens { modes.append(.max) }
        if pooling.meanTokens { modes.append(.mean) }
        if pooling.meanSqrtLenTokens { modes.append(.meanSqrtLength) }
        self.init(modes: modes, normalize: config.normalize)
    }

    /// One vector per sequence of `states`.
    public func pool(_ states: TokenStates) -> [[Float]] {
        (0..<states.batch.count).map { index in
            let length = states.batch.lengths[index]
            var vector: [Float] = []
            for mode in modes {
                vector += pool(mode, states: states, sequence: index, length: length)
            }
            return normalize ? Self.l2Normalized(vector) : vector
        }
    }

    private func pool(_ mode: Mode, states: TokenStates, sequence: Int, length: Int) -> [Float] {
        if mode == .cls { return Array(states.row(sequence, 0)) }
        var result = [Float](repeating: mode == .max ? -.infinity : 0, count: states.width)
        for position in 0..<length {
            for (column, value) in states.row(sequence, position).enumerated() {
                result[column] = mode == .max ? Swift.max(result[column], value) : result[column] + value
            }
        }
        switch mode {
        case .mean: return result.map { $0 / Float(length) }
        case .meanSqrtLength: return result.map { $0 / Float(length).squareRoot() }
        case .cls, .max: return result
        }
    }

    /// v / max(‖v‖, 1e-12), as torch's `F.normalize`.
    public static func l2Normalized(_ vector: [Float]) -> [Float] {
        let norm = Swift.max(vector.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
        return vector.map { $0 / norm }
    }
}
