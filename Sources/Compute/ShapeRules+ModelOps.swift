/// Argument checks for the ops that assemble a model around the dense kernels: embedding
/// lookup, the KV-cache copy and fused attention. Shared by every backend so both reject the
/// same input with the same error, before recording any work.
extension ShapeRules {
    public struct EmbeddingDims: Sendable, Equatable { public let count, dim, vocab: Int }

    public static func embedding(ids: [Int32], table: Tensor, y: Tensor) throws -> EmbeddingDims {
        let op = "embedding"
        guard !ids.isEmpty else { throw ComputeError.emptyTensor(op: op, tensor: "ids[0]") }
        try nonEmpty(op, table, y)
        guard table.rank == 2 else {
            throw ComputeError.shapeMismatch(op: op, detail: "table \(table.shapeDescription) must be 2-D [vocab, dim]")
        }
        try f32(op, y)
        guard table.dtype != .q8_K else { throw ComputeError.dtypeNotSupported(op: op, tensor: table.name, dtype: table.dtype) }
        let (vocab, dim) = (table.shape[0], table.shape[1])
        guard y.lastDimension == dim, y.rowCount == ids.count else {
            throw ComputeError.shapeMismatch(
                op: op, detail: "output \(y.shapeDescription) must hold \(ids.count)×\(dim) for \(ids.count) ids")
        }
        if let index = ids.firstIndex(where: { $0 < 0 || Int($0) >= vocab }) {
            throw ComputeError.invalidArgument(
                op: op, detail: "id \(ids[index]) at position \(index) is outside the vocabulary of \(vocab) (table \(table.shapeDescription))")
        }
        return EmbeddingDims(count: ids.count, dim: dim, vocab: vocab)
    }

    /// Returns the element count to copy.
    public static func copy(_ source: Tensor, destination: Tensor, destinationOffset: Int) throws -> Int {
        let op = "copy"
        try nonEmpty(op, source, destination)
        try f32(op, source, destination)
        guard source.storage !== destination.storage else {
            throw ComputeError.invalidArgument(op: op, detail: "\(source.name) and \(destination.name) share storage")
        }
        // Subtraction, not offset + count, so a huge offset cannot overflow past the check.
        guard destinationOffset >= 0, destinationOffset <= destination.count - source.count else {
            throw ComputeError.invalidArgument(
                op: op, detail: "\(source.count) elements of \(source.shapeDescription) at offset \(destinationOffset) "
                    + "do not fit in \(destination.shapeDescription) (\(destination.count) elements)")
        }
        return source.count
    }

    /// Checks a ranged copy; returns the element count to copy.
    public static func copy(_ source: Tensor, elements: Range<Int>, destination: Tensor,
                            destinationOffset: Int) throws -> Int {
        let op = "copy"
        try nonEmpty(op, source, destination)
        try f32(op, source, destination)
        guard source.storage !== destination.storage else {
            throw ComputeError.invalidArgument(op: op, detail: "\(source.name) and \(destination.name) share storage")
        }
        guard !elements.isEmpty, elements.lowerBound >= 0, elements.upperBound <= source.count else {
            throw ComputeError.invalidArgument(
                op: op, detail: "elements \(elements) are empty or outside \(source.shapeDescription) (\(source.count) elements)")
        }
        guard destinationOffset >= 0, destinationOffset <= destination.count - elements.count else {
            throw ComputeError.invalidArgument(
                op: op, detail: "\(elements.count) elements at offset \(destinationOffset) "
                    + "do not fit in \(destination.shapeDescription) (\(destination.count) elements)")
        }
        return elements.count
    }

    public struct AttentionDims: Sendable, Equatable {
        /// Query rows (T), keys used (S), heads (H), head size (D), row width H·D.
        public let queries, keyLength, heads, headDim, width: Int
        /// Heads of K and V (G, dividing H); query head h reads K/V head h / (H / G).
        public let keyHeads: Int
        /// Row width of K and V: G·D.
        public var keyWidth: Int { keyHeads * headDim }
        /// The K/V head that query head `head` reads.
        public func keyHead(of head: Int) -> Int { head / (heads / keyHeads) }
    }

    public static func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, keyLength: Int, causal: Bool,
                                 scale: Float, keyMask: Tensor?, y: Tensor) throws -> AttentionDims {
        let op = "attention"
        try nonEmpty(op, query, key, value, y)
        try f32(op, query, key, value, y)
        let width = query.lastDimension, queries = query.rowCount
        guard heads >= 1 else { throw ComputeError.invalidArgument(op: op, detail: "heads must be ≥ 1, got \(heads)") }
        guard width % heads == 0 else {
            throw ComputeError.shapeMismatch(op: op, detail: "query \(query.shapeDescription) width \(width) is not a multiple of \(heads) heads")
        }
        // Grouped-query attention: K and V may hold fewer heads than Q (Llama's n_head_kv), each
        // shared by heads / keyHeads consecutive query heads.
        let headDim = width / heads, keyWidth = key.lastDimension
        guard value.shape == key.shape, keyWidth >= headDim, keyWidth % headDim == 0,
              heads % (keyWidth / headDim) == 0 else {
            throw ComputeError.shapeMismatch(
                op: op, detail: "key \(key.shapeDescription) and value \(value.shapeDescription) must be equal, with a width of "
                    + "k·\(headDim) for k heads dividing the \(heads) query heads of \(query.shapeDescription)")
        }
        guard y.shape == query.shape else {
            throw ComputeError.shapeMismatch(op: op, detail: "output \(y.shapeDescription) differs from query \(query.shapeDescription)")
        }
        let cachedRows = key.rowCount
        guard keyLength >= 1, keyLength <= cachedRows else {
            throw ComputeError.invalidArgument(
                op: op, detail: "keyLength \(keyLength) must be in 1...\(cachedRows), the rows of key \(key.shapeDescription)")
        }
        guard !causal || keyLength >= queries else {
            throw ComputeError.invalidArgument(
                op: op, detail: "causal attention needs keyLength ≥ query rows, got \(keyLength) < \(queries)")
        }
        guard scale.isFinite else { throw ComputeError.invalidArgument(op: op, detail: "scale must be finite, got \(scale)") }
        if let keyMask {
            try f32(op, keyMask)
            guard keyMask.count >= keyLength else {
                throw ComputeError.shapeMismatch(
                    op: op, detail: "keyMask \(keyMask.shapeDescription) must have at least keyLength = \(keyLength) elements")
            }
        }
        // Each output row is written while other heads' query, key and value rows are still read.
        for input in [query, key, value] + (keyMask.map { [$0] } ?? []) where input.storage === y.storage {
            throw ComputeError.invalidArgument(op: op, detail: "output \(y.name) shares storage with \(input.name)")
        }
        return AttentionDims(queries: queries, keyLength: keyLength, heads: heads, headDim: headDim, width: width,
                             keyHeads: keyWidth / headDim)
    }
}
