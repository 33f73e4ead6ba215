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
