/// The validated header of a GGUF v2/v3 file: metadata, tensor infos and where the data starts.
///
/// Layout (little-endian): "GGUF", u32 version, u64 tensor count, u64 metadata count,
/// metadata key/value pairs, tensor infos (name, u32 n_dims, n_dims × u64 dims, u32 ggml type,
/// u64 offset), padding to `general.alignment`, then the data section the offsets index into.
/// Version 1 (u32 counts) predates every model anyone still ships and is refused.
struct GGUFHeader: Sendable {
    static let magic: [UInt8] = Array("GGUF".utf8)
    static let supportedVersions: ClosedRange<UInt32> = 2...3
    static let alignmentKey = "general.alignment"
    static let defaultAlignment = 32
    /// Alignments are small powers of two in practice; the cap keeps padding arithmetic tame.
    static let maxAlignment = 1 << 20

    let version: UInt32
    let metadata: [String: GGUFValue]
    /// Keys in file order, for printing.
    let metadataKeys: [String]
    /// File order.
    let tensors: [GGUFTensorInfo]
    let alignment: Int
    let dataStart: Int

    init(parsing bytes: UnsafeRawBufferPointer, file: String) throws(FormatError) {
        var cursor = GGUFCursor(bytes: bytes, file: file)
        let section = try GGUFMetadataSection(reading: &cursor)
        let (version, tensorCount, metadata, keys) = (section.version, section.tensorCount, section.metadata, section.keys)
        let alignment = try Self.alignment(in: metadata, file: file)

        // Smallest tensor info: empty name (8) + n_dims (4) + type (4) + offset (8).
        try Self.checkCount(tensorCount, "tensor count", minimumEach: 24, cursor: cursor)
        var rawInfos: [GGUFRawTensorInfo] = []
        rawInfos.reserveCapacity(Int(tensorCount))
        for index in 0..<tensorCount {
            rawInfos.append(try cursor.readTensorInfo(index: index))
        }

        // Padding after the header, up to the alignment; overflow-free since offset ≤ file size.
        let dataStart = (cursor.offset + alignment - 1) / alignment * alignment
        self.tensors = try GGUFTensorLayout.validate(rawInfos, dataStart: dataStart, alignment: alignment,
                                                     fileSize: bytes.count, file: file)
        self.version = version
        self.metadata = metadata
        self.metadataKeys = keys
        self.alignment = alignment
        self.dataStart = dataStart
    }

    static func checkCount(_ count: UInt64, _ field: String, minimumEach: UInt64,
                                   cursor: GGUFCursor) throws(FormatError) {
        let (needed, overflow) = count.multipliedReportingOverflow(by: minimumEach)
        guard !overflow, needed <= UInt64(cursor.remaining) else {
            throw .truncatedGGUF(file: cursor.file, field: "\(field) \(count) (at least \(minimumEach) bytes each)",
                                 offset: cursor.offset, needed: overflow ? .max : needed, fileSize: cursor.bytes.count)
        }
    }

    private static func alignment(in metadata: [String: GGUFValue], file: String) throws(FormatError) -> Int {
        guard let value = metadata[alignmentKey] else { return defaultAlignment }
        guard let alignment = value.int else {
            throw .badMetadata(file: file, key: alignmentKey, detail: "must be an integer, found \(value.type)")
        }
        guard alignment > 0, alignment <= maxAlignment, alignment & (alignment - 1) == 0 else {
            throw .badMetadata(file: file, key: alignmentKey,
                               detail: "must be a power of two in 1...\(maxAlignment), found \(alignment)")
        }
        return alignment
    }
}
