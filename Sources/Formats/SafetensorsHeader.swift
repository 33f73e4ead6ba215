import FoundationEssentials

/// The validated header of a safetensors file: every tensor's dtype, shape and byte range,
/// checked against the file's actual size before anything else trusts them.
///
/// Layout: 8-byte little-endian header length N, then N bytes of UTF-8 JSON
/// (`name → {dtype, shape, data_offsets: [begin, end]}` plus an optional `__metadata__`
/// string map), then the data section that `data_offsets` index into.
struct SafetensorsHeader: Sendable {
    /// Real headers are kilobytes; anything this large is corrupt or hostile.
    static let maxHeaderLength = 100_000_000
    static let lengthPrefixSize = 8
    static let metadataKey = "__metadata__"

    /// Sorted by byte offset, which is also the order the writer laid them out in.
    let tensors: [TensorInfo]
    let metadata: [String: String]
    /// Offset of the data section within the file.
    let dataStart: Int

    init(parsing bytes: UnsafeRawBufferPointer, file: String) throws(FormatError) {
        let prefix = Self.lengthPrefixSize
        guard bytes.count >= prefix else {
            throw .truncatedFile(file: file, size: bytes.count, needed: prefix)
        }
        let headerLength = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(Self.maxHeaderLength) else {
            throw .headerTooLarge(file: file, headerLength: headerLength, limit: Self.maxHeaderLength)
        }
        // Bounded by maxHeaderLength above, so neither conversion nor sum can overflow.
        let jsonEnd = prefix + Int(headerLength)
        guard jsonEnd <= bytes.count else {
            throw .headerPastEnd(file: file, headerLength: headerLength, fileSize: bytes.count)
        }

        let json = Data(UnsafeRawBufferPointer(rebasing: bytes[prefix..<jsonEnd]))
        let raw = try Self.decode(json, file: file)
        let dataSize = bytes.count - jsonEnd

        var tensors: [TensorInfo] = []
        tensors.reserveCapacity(raw.entries.count)
        for (name, entry) in raw.entries {
            tensors.append(try Self.validate(entry, name: name, dataSize: dataSize, file: file))
        }
        tensors.sort { ($0.byteRange.lowerBound, $0.byteRange.upperBound, $0.name)
            < ($1.byteRange.lowerBound, $1.byteRange.upperBound, $1.name) }
        try Self.checkNoOverlaps(tensors, file: file)

        self.tensors = tensors
        self.metadata = raw.metadata
        self.dataStart = jsonEnd
    }

    private static func decode(_ json: Data, file: String) throws(FormatError) -> RawHeader {
        do {
            return try JSONDecoder().decode(RawHeader.self, from: json)
        } catch let error as EntryDecodingError {
            throw .badTensorEntry(file: file, tensor: error.tensor, detail: error.detail)
        } catch let error as DecodingError {
            throw .badJSON(file: file, detail: DecodingErrorText.describe(error))
        } catch {
            throw .badJSON(file: file, detail: "\(error)")
        }
    }

    private static func validate(_ entry: RawEntry, name: String, dataSize: Int,
                                 file: String) throws(FormatError) -> TensorInfo {
        guard let dtype = SafetensorsDType(rawValue: entry.dtype) else {
            throw .unknownDType(file: file, tensor: name, dtype: entry.dtype)
        }
        let byteCount = try checkedByteCount(shape: entry.shape, dtype: dtype, name: name, file: file)

        guard entry.dataOffsets.count == 2 else {
            throw .badTensorEntry(file: file, tensor: name,
                                  detail: "data_offsets must be [begin, end], found \(entry.dataOffsets)")
        }
        let begin = entry.dataOffsets[0], end = entry.dataOffsets[1]
        guard begin >= 0, begin <= end else {
            throw .badTensorEntry(file: file, tensor: name,
                                  detail: "data_offsets [\(begin), \(end)] are not an ordered pair of non-negative offsets")
        }
        guard end <= dataSize else {
            throw .offsetsPastEnd(file: file, tensor: name, begin: begin, end: end, dataSize: dataSize)
        }
        guard end - begin == byteCount else {
            throw .sizeMismatch(file: file, tensor: name, shape: entry.shape, dtype: dtype.rawValue,
                                expectedBytes: byteCount, foundBytes: end - begin)
        }
        return TensorInfo(name: name, dtype: dtype, shape: entry.shape, byteRange: begin..<end, file: file)
    }

    /// Element count × element size, refusing negative dimensions and any overflow on the way.
    private static func checkedByteCount(shape: [Int], dtype: SafetensorsDType, name: String,
                                         file: String) throws(FormatError) -> Int {
        var bytes = dtype.byteSize
        for dimension in shape {
            guard dimension >= 0 else {
                throw .badShape(file: file, tensor: name, shape: shape, detail: "negative dimension \(dimension)")
            }
            let (product, overflow) = bytes.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw .badShape(file: file, tensor: name, shape: shape, detail: "byte size overflows Int")
            }
            bytes = product
        }
        return bytes
    }

    /// Expects `tensors` sorted by range start. Empty tensors occupy no bytes, so they overlap nothing.
    private static func checkNoOverlaps(_ tensors: [TensorInfo], file: String) throws(FormatError) {
        var furthest: TensorInfo?
        for tensor in tensors where !tensor.byteRange.isEmpty {
            if let previous = furthest, tensor.byteRange.lowerBound < previous.byteRange.upperBound {
                throw .overlappingTensors(
                    file: file, tensor: tensor.name, other: previous.name,
                    detail: "bytes [\(tensor.byteRange.lowerBound), \(tensor.byteRange.upperBound)) and "
                        + "[\(previous.byteRange.lowerBound), \(previous.byteRange.upperBound))")
            }
            if tensor.byteRange.upperBound > (furthest?.byteRange.upperBound ?? 0) {
                furthest = tensor
            }
        }
    }
}

/// One header entry as written, before any check.
private struct RawEntry: Decodable {
    let dtype: String
    let shape: [Int]
    let dataOffsets: [Int]

    enum CodingKeys: String, CodingKey {
        case dtype, shape
        case dataOffsets = "data_offsets"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // The decoder reports numbers it cannot convert (1.5, 1e30 for an Int) with an internal
        // error that names no field; re-raise those against the field being read.
        func field<T: Decodable>(_ key: CodingKeys, as type: T.Type) throws -> T {
            do {
                return try container.decode(type, forKey: key)
            } catch let error as DecodingError {
                throw error
            } catch {
                throw DecodingError.dataCorruptedError(forKey: key, in: container,
                                                       debugDescription: "not a list of integers (\(error))")
            }
        }
        dtype = try field(.dtype, as: String.self)
        shape = try field(.shape, as: [Int].self)
        dataOffsets = try field(.dataOffsets, as: [Int].self)
    }
}

/// Thrown from inside decoding so the message can name the tensor whose entry is malformed.
private struct EntryDecodingError: Error {
    let tensor: String
    let detail: String
}

/// The header object: tensor entries keyed by name, plus the optional metadata map.
/// A name repeated in the JSON is collapsed by the decoder to one entry (the reference
/// implementation, serde into a HashMap, also keeps just one), so it cannot alias two ranges.
private struct RawHeader: Decodable {
    var entries: [(String, RawEntry)] = []
    var metadata: [String: String] = [:]

    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            do {
                if key.stringValue == SafetensorsHeader.metadataKey {
                    metadata = try container.decode([String: String].self, forKey: key)
                } else {
                    entries.append((key.stringValue, try container.decode(RawEntry.self, forKey: key)))
                }
            } catch let error as DecodingError {
                throw EntryDecodingError(tensor: key.stringValue, detail: DecodingErrorText.describe(error))
            } catch {
                // The decoder's own parse errors (e.g. 1.5 where an integer belongs) are not DecodingErrors.
                throw EntryDecodingError(tensor: key.stringValue, detail: "\(error)")
            }
        }
    }
}
