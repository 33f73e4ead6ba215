/// Reading of metadata key/value pairs, with every count bounded by the bytes left.
extension GGUFCursor {
    /// Real files nest at most one level (arrays of arrays are rare); the cap keeps a forged
    /// file from recursing deep enough to exhaust the stack.
    static let maxArrayNesting = 8

    mutating func readKeyValue(index: UInt64) throws(FormatError) -> (String, GGUFValue) {
        let key = try readString("metadata key #\(index)", strict: true)
        let tag = try read(UInt32.self, "value type of metadata '\(key)'")
        guard let type = GGUFValueType(rawValue: tag) else {
            throw .badMetadata(file: file, key: key, detail: "unknown value type \(tag) (known: 0...12)")
        }
        return (key, try readValue(type, key: key, depth: 0))
    }

    mutating func readValue(_ type: GGUFValueType, key: String, depth: Int) throws(FormatError) -> GGUFValue {
        let field = "value of metadata '\(key)'"
        switch type {
        case .uint8: return .uint8(try read(UInt8.self, field))
        case .int8: return .int8(try read(Int8.self, field))
        case .uint16: return .uint16(try read(UInt16.self, field))
        case .int16: return .int16(try read(Int16.self, field))
        case .uint32: return .uint32(try read(UInt32.self, field))
        case .int32: return .int32(try read(Int32.self, field))
        case .uint64: return .uint64(try read(UInt64.self, field))
        case .int64: return .int64(try read(Int64.self, field))
        case .float32: return .float32(Float(bitPattern: try read(UInt32.self, field)))
        case .float64: return .float64(Double(bitPattern: try read(UInt64.self, field)))
        case .bool:
            let byte = try read(UInt8.self, field)
            guard byte <= 1 else { throw .badMetadata(file: file, key: key, detail: "bool byte is \(byte), not 0 or 1") }
            return .bool(byte == 1)
        case .string: return .string(try readString(field, strict: false))
        case .array: return try readArray(key: key, depth: depth)
        }
    }

    private mutating func readArray(key: String, depth: Int) throws(FormatError) -> GGUFValue {
        guard depth < Self.maxArrayNesting else {
            throw .badMetadata(file: file, key: key, detail: "arrays nested deeper than \(Self.maxArrayNesting) levels")
        }
        let tag = try read(UInt32.self, "array element type of metadata '\(key)'")
        guard let elementType = GGUFValueType(rawValue: tag) else {
            throw .badMetadata(file: file, key: key, detail: "unknown array element type \(tag) (known: 0...12)")
        }
        let count = try read(UInt64.self, "array length of metadata '\(key)'")
        // Each element needs at least this many bytes, so a count the file cannot hold fails here,
        // before `reserveCapacity` could be asked for it.
        let minimum = UInt64(elementType.minimumEncodedSize)
        let limit = UInt64(remaining) / minimum
        guard count <= limit else {
            throw .badMetadata(file: file, key: key,
                               detail: "array of \(count) \(elementType) elements needs at least \(count.multipliedReportingOverflow(by: minimum).overflow ? "more than 2^64" : "\(count * minimum)") bytes, only \(remaining) remain (limit \(limit) elements)")
        }
        var values: [GGUFValue] = []
        values.reserveCapacity(Int(count))
        for _ in 0..<count {
            values.append(try readValue(elementType, key: key, depth: depth + 1))
        }
        return .array(elementType: elementType, values)
    }
}
