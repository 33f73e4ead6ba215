/// Element type of a tensor as it is stored.
///
/// The quantized types are ggml's block formats: each run of 32 elements along the last
/// (contiguous) dimension is one block holding an f16 scale (and, for Q4_1, an f16 minimum)
/// followed by the packed integers. They come straight from GGUF files, so their bytes are
/// taken as stored (`Backend.tensor(rawBytes:...)`) and only matmul reads them.
public enum DType: String, Sendable, CaseIterable {
    case f32, f16
    /// f16 d, 32 × int8 q: x = d·q (34 bytes).
    case q8_0
    /// f16 d, 16 bytes: element j < 16 in the low nibble of byte j, j + 16 in its high nibble;
    /// x = d·(q − 8) (18 bytes).
    case q4_0
    /// f16 d, f16 m, then nibbles as in Q4_0: x = d·q + m (20 bytes).
    case q4_1

    /// Elements per block along the last dimension: 1 for plain element types.
    public var blockSize: Int {
        switch self {
        case .f32, .f16: 1
        case .q8_0, .q4_0, .q4_1: 32
        }
    }

    /// Bytes of one block (one element for plain types).
    public var blockBytes: Int {
        switch self {
        case .f32: 4
        case .f16: 2
        case .q8_0: 34
        case .q4_0: 18
        case .q4_1: 20
        }
    }

    public var isQuantized: Bool { blockSize > 1 }

    /// Bytes per element of a plain (unblocked) type. Block types have no whole per-element size:
    /// use `byteCount(shape:)` for them.
    public var byteSize: Int { blockBytes }

    /// Bytes a row-major tensor of `shape` takes, nil on overflow. Block types need the last
    /// dimension to be a multiple of `blockSize` (checked by `ShapeRules.storageBytes`); here a
    /// partial block is counted whole, so the size never comes out too small.
    public func byteCount(shape: [Int]) -> Int? {
        let last = shape.last ?? 1
        var total = (last + blockSize - 1) / blockSize
        for dimension in shape.dropLast() {
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            total = product
        }
        let (bytes, overflow) = total.multipliedReportingOverflow(by: blockBytes)
        return overflow ? nil : bytes
    }
}

/// Where a tensor's elements live. Each backend has its own storage class; handing a tensor
/// to a backend that did not make it is an error, not a silent copy.
public protocol TensorStorage: AnyObject, Sendable {
    /// Identifies the backend instance that owns this storage.
    var owner: ObjectIdentifier { get }
}

/// A dense row-major tensor: shape, element type and a reference to backend storage.
/// Copies share storage, like a view.
public struct Tensor: Sendable {
    public let shape: [Int]
    public let dtype: DType
    public let storage: any TensorStorage
    /// Name used in error messages (a weight name, "x", "logits"...).
    public var name: String

    public init(shape: [Int], dtype: DType, storage: any TensorStorage, name: String = "tensor") {
        self.shape = shape
        self.dtype = dtype
        self.storage = storage
        self.name = name
    }

    /// Number of elements. Saturates at `Int.max` rather than trapping, so a tensor built over
    /// existing storage with an absurd shape fails the backends' size checks instead of crashing.
    public var count: Int {
        shape.reduce(1) { product, dimension in
            let (result, overflow) = product.multipliedReportingOverflow(by: dimension)
            return overflow ? .max : result
        }
    }

    /// Bytes of storage the tensor covers (rows × blocks per row × block bytes for block types).
    /// Saturates at `Int.max` like `count`.
    public var byteCount: Int {
        guard shape.allSatisfy({ $0 >= 0 }) else { return .max }
        return dtype.byteCount(shape: shape) ?? .max
    }
    public var rank: Int { shape.count }

    /// Size of the last dimension (the one ops reduce over).
    public var lastDimension: Int { shape.last ?? 1 }
    /// Number of rows when the tensor is seen as [rows, lastDimension].
    public var rowCount: Int { lastDimension == 0 ? 0 : count / lastDimension }

    public var shapeDescription: String { "\(name)\(shape)" }
}
