/// One `.gguf` file (versions 2 and 3), memory-mapped, with its header fully validated at open:
/// after `init` succeeds every tensor info describes bytes that exist, are aligned and belong to
/// that tensor alone. Tensor data stays in the mapping, in its stored type.
public struct GGUFFile: Sendable {
    public let path: String
    public let version: UInt32
    public let metadata: [String: GGUFValue]
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    /// Every tensor, in file order.
    public let tensors: [GGUFTensorInfo]
    /// `general.alignment`, or 32 where absent.
    public let alignment: Int
    /// Offset of the data section within the file (the end of the header, aligned up).
    public let dataStart: Int
    private let byName: [String: Int]
    private let mapping: MappedFile

    public init(path: String) throws(FormatError) {
        let mapping = try MappedFile(path: path)
        let header = try GGUFHeader(parsing: mapping.bytes, file: path)
        self.path = path
        self.mapping = mapping
        self.version = header.version
        self.metadata = header.metadata
        self.metadataKeys = header.metadataKeys
        self.tensors = header.tensors
        self.alignment = header.alignment
        self.dataStart = header.dataStart
        // Names were checked unique while validating.
        self.byName = Dictionary(header.tensors.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The file's size in bytes.
    public var fileSize: Int { mapping.bytes.count }

    public func tensor(named name: String) throws(FormatError) -> GGUFTensorInfo {
        guard let index = byName[name] else { throw .tensorNotFound(file: path, tensor: name, tried: [name]) }
        return tensors[index]
    }

    /// Runs `body` with the tensor's stored bytes while the mapping is guaranteed alive.
    /// The pointer must not escape `body`.
    public func withRawBytes<R, E: Error>(of name: String,
                                          _ body: (UnsafeRawBufferPointer) throws(E) -> R) throws -> R {
        let info = try tensor(named: name)
        return try withExtendedLifetime(mapping) { () throws(E) -> R in
            try body(UnsafeRawBufferPointer(rebasing: mapping.bytes[info.byteRange]))
        }
    }

    /// The tensor's stored bytes in the mapping, and the object that keeps them mapped: a backend
    /// may use them in place, without a copy, for as long as it holds `owner`.
    public func mappedBytes(of name: String) throws(FormatError) -> (bytes: UnsafeRawBufferPointer, owner: AnyObject & Sendable) {
        let info = try tensor(named: name)
        return (UnsafeRawBufferPointer(rebasing: mapping.bytes[info.byteRange]), mapping)
    }

    /// The tensor dequantized to f32 in stored element order (ggml order: `ne0` fastest, which is
    /// row-major `shape`). For tests and reference paths: models keep blocks as stored.
    /// Types the kernels cannot compute with are `unsupportedTensorType`.
    public func floats(named name: String) throws(FormatError) -> [Float] {
        let info = try tensor(named: name)
        guard info.type.isComputable else {
            throw .unsupportedTensorType(file: path, tensor: name, type: info.type.rawValue, typeName: info.type.name)
        }
        return withExtendedLifetime(mapping) {
            GGUFDequantize.floats(UnsafeRawBufferPointer(rebasing: mapping.bytes[info.byteRange]), type: info.type)
        }
    }
}
