import Compute

/// A [vocab, dim] table used both ways: rows looked up by token id (the embedding) and, as
/// `.outIn` weights, the LM head that maps a hidden state to one logit per token.
///
/// Stored in row blocks when one buffer would exceed the device's limit: GPT-2's f32 `wte`
/// (154 MB) is over lavapipe's 128 MiB `maxStorageBufferRange`. With one block both uses are a
/// single op; with several, each block is handled separately and the parts are gathered with
/// `copy` and `embedding`, all on the backend.
struct VocabularyTable: Sendable {
    struct Block: Sendable {
        let firstRow: Int
        let table: Tensor
        var rowCount: Int { table.shape[0] }
    }

    let blocks: [Block]
    let vocabularySize: Int
    let width: Int
    /// Scratch for the multi-block paths (nil with one block).
    private let blockLogits: [Tensor]
    private let stackedRows: Tensor?

    /// Uploads `values` ([rows, width], row-major) as `dtype`, splitting it only if the backend
    /// refuses it whole. `maxRows` bounds the lookups per call (the longest chunk).
    init(backend: any Backend, values: [Float], rows: Int, width: Int, dtype: DType, name: String, maxRows: Int) throws {
        vocabularySize = rows
        self.width = width
        var blocks: [Block]
        do {
            blocks = [Block(firstRow: 0, table: try backend.tensor(values, shape: [rows, width], dtype: dtype, name: name))]
        } catch let ComputeError.tooLarge(_, _, limit, _) {
            let rowsPerBlock = max(1, limit / (width * dtype.byteSize))
            blocks = []
            for first in stride(from: 0, to: rows, by: rowsPerBlock) {
                let count = min(rowsPerBlock, rows - first)
                let slice = Array(values[(first * width)..<((first + count) * width)])
                blocks.append(Block(firstRow: first, table: try backend.tensor(
                    slice, shape: [count, width], dtype: dtype, name: "\(name)[\(first)..<\(first + count)]")))
            }
        }
        self.blocks = blocks
        if blocks.count > 1 {
            blockLogits = try blocks.map { try backend.empty(shape: [1, $0.rowCount], dtype: .f32, name: "logits of \($0.table.name)") }
            stackedRows = try backend.empty(shape: [blocks.count * maxRows, width], dtype: .f32, name: "rows per block of \(name)")
        } else {
            blockLogits = []
            stackedRows = nil
        }
    }

    /// Rows `ids` of the table into y [ids.count, width].
    func lookup(_ ids: [Int32], backend: any Backend, into y: Tensor) throws {
        guard let stackedRows, blocks.count > 1 else {
            return try backend.embedding(ids: ids, table: blocks[0].table, into: y)
        }
        // Each block looks up every id (ids it does not hold read its row 0) into its own stripe
        // of `stackedRows`; a last lookup over the stripes picks, per id, its block's row.
        let count = ids.count
        var picks: [Int32] = []
        for (index, block) in blocks.enumerated() {
            let local = ids.map { id -> Int32 in
                let row = Int(id) - block.firstRow
                return (0..<block.rowCount).contains(row) ? Int32(row) : 0
            }
            try backend.embedding(ids: local, table: block.table, into: y)
            try backend.copy(y, into: stackedRows, destinationOffset: index * count * width)
        }
        for (position, id) in ids.enumerated() {
            let block = blocks.lastIndex { $0.firstRow <= Int(id) } ?? 0
            picks.append(Int32(block * count + position))
        }
        try backend.embedding(ids: picks, table: stackedRows.rows(blocks.count * count), into: y)
    }

    /// logits [1, vocab] = hidden [1, width] · tableᵀ.
    func project(_ hidden: Tensor, backend: any Backend, into logits: Tensor) throws {
        guard blocks.count > 1 else {
            return try backend.matmul(hidden, weight: blocks[0].table, layout: .outIn, bias: nil, into: logits)
        }
        for (block, part) in zip(blocks, blockLogits) {
            try backend.matmul(hidden, weight: block.table, layout: .outIn, bias: nil, into: part)
            try backend.copy(part, into: logits, destinationOffset: block.firstRow)
        }
    }
}
