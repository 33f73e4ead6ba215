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
    /// Most hidden rows one `project` call takes.
    let projectRows: Int

    /// Uploads `values` ([rows, width], row-major) as `dtype`, splitting it only if the backend
    /// refuses it whole. `maxRows` bounds the lookups per call (the longest chunk).
    init(backend: any Backend, values: [Float], rows: Int, width: Int, dtype: DType, name: String, maxRows: Int) throws {
        try self.init(backend: backend, rows: rows, width: width, name: name, maxRows: maxRows) { range, blockName in
            try backend.tensor(Array(values[(range.lowerBound * width)..<(range.upperBound * width)]),
                               shape: [range.count, width], dtype: dtype, name: blockName)
        }
    }

    /// A table whose rows `make(range, name)` uploads, whole when the backend takes it, else in
    /// row blocks under the backend's limit (a GGUF `token_embd` of 262k rows is 178 MB in Q8_0,
    /// over lavapipe's 128 MiB). `maxRows` bounds the lookups per call, `projectRows` the hidden
    /// rows per `project`.
    init(backend: any Backend, rows: Int, width: Int, name: String, maxRows: Int, projectRows: Int = 1,
         make: (_ rows: Range<Int>, _ name: String) throws -> Tensor) throws {
        vocabularySize = rows
        self.width = width
        self.projectRows = projectRows
        var blocks: [Block]
        do {
            blocks = [Block(firstRow: 0, table: try make(0..<rows, name))]
        } catch let ComputeError.tooLarge(_, bytes, limit, _) {
            // Rows per block from the bytes a row takes; k-quant rows stay whole blocks.
            let rowBytes = max(1, bytes / max(1, rows))
            let rowsPerBlock = max(1, limit / rowBytes)
            blocks = []
            for first in stride(from: 0, to: rows, by: rowsPerBlock) {
                let range = first..<min(rows, first + rowsPerBlock)
                blocks.append(Block(firstRow: first, table: try make(range, "\(name)[\(range.lowerBound)..<\(range.upperBound)]")))
            }
        }
        self.blocks = blocks
        if blocks.count > 1 {
            blockLogits = try blocks.map {
                try backend.empty(shape: [projectRows, $0.rowCount], dtype: .f32, name: "logits of \($0.table.name)")
            }
            stackedRows = try backend.empty(shape: [blocks.count * maxRows, width], dtype: .f32, name: "rows per block of \(name)")
        } else {
            blockLogits = []
            stackedRows = nil
        }
    }

    /// The stored type of the table (every block has it).
    var dtype: DType { blocks[0].table.dtype }

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

    /// logits [M, vocab] = hidden [M, width] · tableᵀ, M ≤ `projectRows`.
    func project(_ hidden: Tensor, backend: any Backend, into logits: Tensor) throws {
        guard blocks.count > 1 else {
            return try backend.matmul(hidden, weight: blocks[0].table, layout: .outIn, bias: nil, into: logits)
        }
        let m = hidden.rowCount
        guard m <= projectRows else {
            throw ModelError.invalidArgument("\(m) rows projected at once through a split table of \(projectRows)")
        }
        for (block, part) in zip(blocks, blockLogits) {
            let rows = part.rows(m)
            try backend.matmul(hidden, weight: block.table, layout: .outIn, bias: nil, into: rows)
            // Row r of this block's logits is columns firstRow..<firstRow+count of logits row r.
            for r in 0..<m {
                try backend.copy(rows, elements: (r * block.rowCount)..<((r + 1) * block.rowCount), into: logits,
                                 destinationOffset: r * vocabularySize + block.firstRow)
            }
        }
    }
}
