/// Where one tensor lives in a safetensors file, as its header declares it (after validation).
public struct TensorInfo: Sendable, Equatable, CustomStringConvertible {
    /// The name as stored in the file (after any prefix or alias resolution).
    public let name: String
    public let dtype: SafetensorsDType
    public let shape: [Int]
    /// `data_offsets` from the header: relative to the start of the data section, not the file.
    public let byteRange: Range<Int>
    /// The file holding the tensor, for error messages (matters with sharded checkpoints).
    public let file: String

    public init(name: String, dtype: SafetensorsDType, shape: [Int], byteRange: Range<Int>, file: String) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.byteRange = byteRange
        self.file = file
    }

    public var elementCount: Int { byteRange.count / dtype.byteSize }

    public var description: String { "\(name) \(dtype.rawValue)\(shape)" }
}
