/// Token sequences of different lengths padded to the longest, flattened row by row, so the
/// dense layers run over all `sequences · paddedLength` rows at once.
public struct PaddedBatch: Sendable, Equatable {
    /// `sequences · paddedLength` ids; padding positions hold `paddingID`.
    public let ids: [Int32]
    /// Real (unpadded) length of each sequence.
    public let lengths: [Int]
    public let paddedLength: Int

    public var count: Int { lengths.count }
    public var rows: Int { count * paddedLength }

    /// Checks every id and length against the model before anything is recorded on a device.
    public init(_ sequences: [[Int]], config: BERTConfigLimits, paddingID: Int = 0) throws(ModelError) {
        guard !sequences.isEmpty else { throw .invalidArgument("a batch needs at least one sequence") }
        for (index, sequence) in sequences.enumerated() {
            guard !sequence.isEmpty else { throw .emptySequence(index: index) }
            guard sequence.count <= config.maxPositions else {
                throw .sequenceTooLong(index: index, length: sequence.count, limit: config.maxPositions)
            }
            if let position = sequence.firstIndex(where: { $0 < 0 || $0 >= config.vocabularySize }) {
                throw .tokenOutOfRange(sequence: index, position: position, id: sequence[position],
                                       vocabularySize: config.vocabularySize)
            }
        }
        let longest = sequences.map(\.count).max() ?? 0
        var ids: [Int32] = []
        ids.reserveCapacity(sequences.count * longest)
        for sequence in sequences {
            ids += sequence.map { Int32($0) }
            ids += repeatElement(Int32(paddingID), count: longest - sequence.count)
        }
        self.ids = ids
        self.lengths = sequences.map(\.count)
        self.paddedLength = longest
    }

    /// Position ids 0..<paddedLength for every sequence (padding rows get positions too; their
    /// outputs are never used).
    var positionIDs: [Int32] {
        Array((0..<count).map { _ in (0..<paddedLength).map { Int32($0) } }.joined())
    }

    /// Flat element range of sequence `index`'s real rows in a [rows, width] tensor.
    func elements(of index: Int, width: Int) -> Range<Int> {
        let start = index * paddedLength * width
        return start..<(start + lengths[index] * width)
    }
}

/// The two limits input ids are checked against.
public struct BERTConfigLimits: Sendable, Equatable {
    public let vocabularySize: Int
    public let maxPositions: Int
}
