/// Element type of a tensor as it is stored.
public enum DType: String, Sendable, CaseIterable {
    case f32, f16

    public var byteSize: Int { self == .f32 ? 4 : 2 }
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

    public var byteCount: Int {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        return overflow ? .max : bytes
    }
    public var rank: Int { shape.count }

    /// Size of the last dimension (the one ops reduce over).
    public var lastDimension: Int { shape.last ?? 1 }
    /// Number of rows when the tensor is seen as [rows, lastDimension].
    public var rowCount: Int { lastDimension == 0 ? 0 : count / lastDimension }

    public var shapeDescription: String { "\(name)\(shape)" }
}
