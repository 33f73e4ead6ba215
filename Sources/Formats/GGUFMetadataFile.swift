/// A GGUF file's metadata alone: the key/value pairs before the tensor infos, read and
/// validated as `GGUFFile` reads them, with the tensor section not looked at.
///
/// For what needs only metadata (a tokenizer, `vulkanlm tokenize`): it opens files whose tensor
/// types this reader cannot size yet, and does no tensor validation work.
public struct GGUFMetadataFile: Sendable {
    public let path: String
    public let version: UInt32
    public let metadata: [String: GGUFValue]
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    /// The tensor count the header states (not checked against the tensor section).
    public let tensorCount: UInt64

    public init(path: String) throws(FormatError) {
        let mapping = try MappedFile(path: path)
        let section = try withExtendedLifetime(mapping) { () throws(FormatError) -> GGUFMetadataSection in
            var cursor = GGUFCursor(bytes: mapping.bytes, file: path)
            return try GGUFMetadataSection(reading: &cursor)
        }
        self.path = path
        version = section.version
        metadata = section.metadata
        metadataKeys = section.keys
        tensorCount = section.tensorCount
    }
}

/// The start of every GGUF file: magic, version, counts and the metadata key/value pairs.
/// Leaves the cursor at the first tensor info.
struct GGUFMetadataSection {
    let version: UInt32
    let tensorCount: UInt64
    let metadata: [String: GGUFValue]
    /// File order.
    let keys: [String]

    init(reading cursor: inout GGUFCursor) throws(FormatError) {
        let file = cursor.file
        let magic = Array(try cursor.take(4, "magic"))
        guard magic == GGUFHeader.magic else { throw .notGGUF(file: file, magic: magic) }
        version = try cursor.read(UInt32.self, "version")
        guard GGUFHeader.supportedVersions.contains(version) else {
            throw .unsupportedGGUFVersion(file: file, version: version)
        }
        tensorCount = try cursor.read(UInt64.self, "tensor count")
        let keyCount = try cursor.read(UInt64.self, "metadata count")

        // Smallest key/value: empty key (8) + type (4) + one byte.
        try GGUFHeader.checkCount(keyCount, "metadata count", minimumEach: 13, cursor: cursor)
        var metadata: [String: GGUFValue] = [:]
        var keys: [String] = []
        for index in 0..<keyCount {
            let (key, value) = try cursor.readKeyValue(index: index)
            guard metadata.updateValue(value, forKey: key) == nil else {
                throw .badMetadata(file: file, key: key, detail: "appears more than once")
            }
            keys.append(key)
        }
        self.metadata = metadata
        self.keys = keys
    }
}
