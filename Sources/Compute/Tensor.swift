import WeightTypes

/// Element type of a tensor as the backends store and compute with it.
///
/// The quantized types are ggml's block formats, taken as stored from GGUF files
/// (`Backend.tensor(rawBytes:...)`): each run of `blockSize` elements along the last
/// (contiguous) dimension is one block of `blockBytes` bytes. Their layouts, sizes and
/// reference dequantizers are WeightTypes' `GGMLType` table; this enum only names the subset the
/// kernels read. Matmul and embedding read every quantized type; `q8_K` is an activation
/// rounding (`roundTrip`), never a weight.
public enum DType: String, Sendable, CaseIterable {
    case f32, f16
    case q8_0, q4_0, q4_1, q5_0, q5_1, iq4_nl
    case q2_K, q3_K, q4_K, q5_K, q6_K, iq4_xs
    case q8_K

    /// The ggml type with the same storage.
    public var ggml: GGMLType {
        switch self {
        case .f32: .f32
        case .f16: .f16
        case .q8_0: .q8_0
        case .q4_0: .q4_0
        case .q4_1: .q4_1
        case .q5_0: .q5_0
        case .q5_1: .q5_1
        case .iq4_nl: .iq4_nl
        case .q2_K: .q2_K
        case .q3_K: .q3_K
        case .q4_K: .q4_K
        case .q5_K: .q5_K
        case .q6_K: .q6_K
        case .iq4_xs: .iq4_xs
        case .q8_K: .q8_K
        }
    }

    /// The dtype storing a ggml type as is, nil for types the backends do not keep as stored.
    public init?(ggml: GGMLType) {
        guard let match = DType.allCases.first(where: { $0.ggml == ggml }) else { return nil }
        self = match
    }

    /// The quantized weight types matmul and embedding read as stored.
    public static let quantizedWeights: [DType] = allCases.filter { $0.isQuantized && $0 != .q8_K }

    /// Elements per block along the last dimension: 1 for plain element types.
    public var blockSize: Int { ggml.blockSize }

    /// Bytes of one block (one element for plain types).
    public var blockBytes: Int { ggml.blockBytes }

    public var isQuantized: Bool { blockSize > 1 }

    /// What llama.cpp's CPU backend rounds activations to before multiplying them with this
    /// weight type (`roundTrip` through it), nil for plain types.
    public var activationRounding: DType? {
        switch ggml.traits.activationType {
        case .q8_0?, .q8_1?: .q8_0 // Q8_1 differs from Q8_0 only by a stored block sum
        case .q8_K?: .q8_K
        default: nil
        }
    }

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
