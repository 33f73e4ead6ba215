/// Where one tensor lives in a GGUF file, after validation.
///
/// Two orders of the same shape, because they are easy to confuse:
/// - `dimensions` is ggml's order `[ne0, ne1, ...]`: `ne0` is the innermost, contiguous axis
///   (the row length; blocks of quantized types run along it).
/// - `shape` is the reverse, row-major PyTorch/NumPy order: a llama `blk.0.attn_q.weight` with
///   `dimensions` [576, 576] (in, out) is `shape` [576, 576] = [out, in]; `token_embd.weight` with
///   `dimensions` [576, 49152] is `shape` [49152, 576] = [vocab, hidden].
public struct GGUFTensorInfo: Sendable, Equatable, CustomStringConvertible {
    public let name: String
    public let type: GGMLType
    /// ggml order, innermost first.
    public let dimensions: [Int]
    /// Offset as stored: relative to the data section, a multiple of the file's alignment.
    public let offset: Int
    /// The tensor's bytes within the whole file (data section start + offset).
    public let byteRange: Range<Int>

    /// Row-major order, outermost first (the reverse of `dimensions`).
    public var shape: [Int] { dimensions.reversed() }

    /// Overflow was ruled out when the file was opened.
    public var elementCount: Int { dimensions.reduce(1, *) }

    public var byteCount: Int { byteRange.count }

    public var description: String { "\(name) \(type)\(shape)" }
}
