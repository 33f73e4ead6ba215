import Formats

/// A JSON value for `info --json`: metadata is heterogeneous, so it is built as a tree rather
/// than declared as Codable structs.
enum InfoJSON: Encodable {
    case string(String), int(Int), uint(UInt64), double(Double), bool(Bool), null
    case array([InfoJSON])
    case object([String: InfoJSON])

    static func report(_ file: GGUFFile, rows: Int) -> InfoJSON {
        var metadata: [String: InfoJSON] = [:]
        for (key, value) in file.metadata { metadata[key] = entry(value) }
        var byType: [String: InfoJSON] = [:]
        for total in InfoSummary.totals(file) {
            byType["\(total.type)"] = .object(["count": .int(total.count), "bytes": .int(total.bytes)])
        }
        let tensors = file.tensors.prefix(rows).map { tensor in
            InfoJSON.object([
                "name": .string(tensor.name), "type": .string("\(tensor.type)"),
                "ne": .array(tensor.dimensions.map { .int($0) }), "shape": .array(tensor.shape.map { .int($0) }),
                "offset": .int(tensor.offset), "bytes": .int(tensor.byteCount),
            ])
        }
        return .object([
            "path": .string(file.path), "version": .int(Int(file.version)), "alignment": .int(file.alignment),
            "dataStart": .int(file.dataStart), "fileSize": .int(file.fileSize),
            "metadata": .object(metadata),
            "tensorCount": .int(file.tensors.count), "tensorBytes": .int(InfoSummary.totalBytes(file)),
            "tensorsByType": .object(byType), "tensors": .array(tensors),
        ])
    }

    /// `{"type": ..., "value": ...}`; long arrays as `{"type": "array", "elementType", "count", "first"}`.
    static func entry(_ value: GGUFValue) -> InfoJSON {
        if case let .array(elementType, values) = value, values.count > InfoSummary.arrayPreview {
            return .object(["type": .string("array"), "elementType": .string("\(elementType)"),
                            "count": .int(values.count),
                            "first": .array(values.prefix(InfoSummary.arrayPreview).map(plain))])
        }
        return .object(["type": .string("\(value.type)"), "value": plain(value)])
    }

    static func plain(_ value: GGUFValue) -> InfoJSON {
        switch value {
        case let .string(text): .string(text)
        case let .bool(flag): .bool(flag)
        case let .float32(number): number.isFinite ? .double(Double(number)) : .null
        case let .float64(number): number.isFinite ? .double(number) : .null
        case let .uint64(number): .uint(number)
        case let .array(_, values): .array(values.map(plain))
        default: value.int.map { .int($0) } ?? .null
        }
    }

    func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        switch self {
        case let .string(text): try single.encode(text)
        case let .int(number): try single.encode(number)
        case let .uint(number): try single.encode(number)
        case let .double(number): try single.encode(number)
        case let .bool(flag): try single.encode(flag)
        case .null: try single.encodeNil()
        case let .array(values): try single.encode(values)
        case let .object(fields): try single.encode(fields)
        }
    }
}
