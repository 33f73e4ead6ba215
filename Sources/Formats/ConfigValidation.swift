extension KeyedDecodingContainer {
    /// An integer field, read as a number first: Foundation reports 4096.5 decoded as `Int` as
    /// invalid JSON at no field; this names the field and says what is wrong.
    func integer(_ key: Key) throws -> Int {
        let value = try decode(Double.self, forKey: key)
        guard value == value.rounded(), abs(value) < 0x1p62 else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "\(value) is not an integer")
        }
        return Int(value)
    }

    func integerIfPresent(_ key: Key) throws -> Int? {
        try contains(key) && !decodeNil(forKey: key) ? integer(key) : nil
    }
}

/// Checks shared by the typed configs; each names the config file and the field.
struct ConfigValidator {
    let file: String

    func positive(_ value: Int, _ field: String) throws(FormatError) {
        guard value > 0 else { throw .badConfig(file: file, field: field, detail: "must be positive, found \(value)") }
    }

    func positive(_ value: Double, _ field: String) throws(FormatError) {
        guard value > 0, value.isFinite else {
            throw .badConfig(file: file, field: field, detail: "must be a positive number, found \(value)")
        }
    }

    func divisible(_ value: Int, _ field: String, by divisor: Int, _ divisorField: String) throws(FormatError) {
        guard divisor > 0, value % divisor == 0 else {
            throw .badConfig(file: file, field: field,
                             detail: "\(value) is not divisible by \(divisorField) (\(divisor))")
        }
    }

    /// Sizes are multiplied together when shapes are built; keep every product far from overflow.
    func atMost(_ value: Int, _ limit: Int, _ field: String) throws(FormatError) {
        guard value <= limit else {
            throw .badConfig(file: file, field: field, detail: "\(value) is over the sanity limit of \(limit)")
        }
    }

    static let sizeLimit = 1 << 24
}
