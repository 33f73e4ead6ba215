/// One `.safetensors` file, memory-mapped and with its header fully validated at open:
/// after `init` succeeds, every `TensorInfo` it hands out describes bytes that exist and belong
/// to that tensor alone.
public struct SafetensorsFile: TensorSource {
    public let path: String
    /// The optional `__metadata__` map (e.g. `format: pt`).
    public let metadata: [String: String]
    public let tensorNames: [String]
    private let tensors: [String: TensorInfo]
    private let mapping: MappedFile
    private let dataStart: Int

    public init(path: String) throws(FormatError) {
        let mapping = try MappedFile(path: path)
        let header = try SafetensorsHeader(parsing: mapping.bytes, file: path)
        self.path = path
        self.mapping = mapping
        self.metadata = header.metadata
        self.dataStart = header.dataStart
        self.tensorNames = header.tensors.map(\.name)
        // Names are unique: they were keys of one JSON object.
        self.tensors = Dictionary(header.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public var sourceName: String { path }

    /// Every tensor, in file order.
    public var allTensors: [TensorInfo] { tensorNames.compactMap { tensors[$0] } }

    public func lookup(_ name: String) -> TensorInfo? { tensors[name] }

    public func rawBytes(of tensor: TensorInfo) throws(FormatError) -> UnsafeRawBufferPointer {
        // Only infos from this file are trusted: a forged or foreign one must not index the mapping.
        guard tensor.file == path, tensors[tensor.name] == tensor else {
            throw .tensorNotFound(file: path, tensor: tensor.name, tried: [tensor.name])
        }
        let range = (dataStart + tensor.byteRange.lowerBound)..<(dataStart + tensor.byteRange.upperBound)
        return UnsafeRawBufferPointer(rebasing: mapping.bytes[range])
    }

    /// Runs `body` with the tensor's bytes while the mapping is guaranteed alive.
    public func withRawBytes<R>(named name: String,
                                _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let bytes = try rawBytes(named: name)
        return try withExtendedLifetime(mapping) { try body(bytes) }
    }
}
