import Compute
import Formats

/// Fused GGUF tensors split as they are uploaded: a `[Σwidths, columns]` matrix's row ranges
/// are contiguous bytes in any of the types (blocks run along a row), so each part is handed to
/// the backend as its own tensor, and the kernels never see the fused form.
extension GGUFUploader {
    /// The row ranges of `name`, in order, as matrices `[widths[i], columns]` in the stored type.
    func rowSlices(_ name: String, widths: [Int], columns: Int) throws -> [Tensor] {
        let info = try checked(name, shape: [widths.reduce(0, +), columns])
        // Every type the kernels read as stored (as `matrix` takes them); BF16, widened there,
        // is not split here.
        guard let dtype = DType(ggml: info.type), dtype != .q8_K,
              let rowBytes = dtype.byteCount(shape: [1, columns]) else {
            throw FormatError.unsupportedTensorType(file: gguf.path, tensor: name, type: info.type.rawValue,
                                                    typeName: "\(info.type.name) (splitting a fused tensor)")
        }
        return try gguf.withRawBytes(of: name) { bytes in
            var first = 0
            return try widths.enumerated().map { index, rows in
                defer { first += rows }
                let part = UnsafeRawBufferPointer(rebasing: bytes[(first * rowBytes)..<((first + rows) * rowBytes)])
                return try backend.tensor(rawBytes: part, shape: [rows, columns], dtype: dtype, name: "\(name)[\(index)]")
            }
        }
    }

    /// The consecutive ranges of a fused bias vector, as f32 vectors.
    func vectorSlices(_ name: String, widths: [Int]) throws -> [Tensor] {
        _ = try checked(name, shape: [widths.reduce(0, +)])
        let values = try gguf.floats(named: name)
        var first = 0
        return try widths.enumerated().map { index, count in
            defer { first += count }
            return try backend.tensor(Array(values[first..<(first + count)]), shape: [count], dtype: .f32, name: "\(name)[\(index)]")
        }
    }

    /// A small vector's values on the host (RoPE factors), its shape checked.
    func checkedVector(_ name: String, count: Int) throws -> [Float] {
        _ = try checked(name, shape: [count])
        return try gguf.floats(named: name)
    }
}
