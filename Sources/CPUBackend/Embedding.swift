import Compute

extension CPUBackend {
    public func embedding(ids: [Int32], table: Tensor, into y: Tensor) throws {
        let dims = try ShapeRules.embedding(ids: ids, table: table, y: y)
        let source = try storage(of: table, op: "embedding"), target = try storage(of: y, op: "embedding").floats
        // Ids were range-checked above, so every row read lies inside the table.
        for (row, id) in ids.enumerated() {
            let output = target + row * dims.dim, start = Int(id) * dims.dim
            switch table.dtype {
            case .f32: output.update(from: source.floats + start, count: dims.dim)
            case .f16: convertHalves(source.halves + start, to: output, count: dims.dim, native: nativeHalf)
            default:
                // A row holds whole blocks (dim is a multiple of the block size, checked at creation).
                let blocks = dims.dim / table.dtype.blockSize
                QuantizedBlocks(type: table.dtype, native: nativeHalf)
                    .dequantize(source.bytes + Int(id) * blocks * table.dtype.blockBytes, to: output, blocks: blocks)
            }
        }
    }
}
