import FoundationEssentials

/// Short, field-naming messages for `DecodingError`, whose default description is a wall of context.
enum DecodingErrorText {
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, context):
            "missing field '\(path(context.codingPath + [key]))'"
        case let .typeMismatch(type, context):
            context.codingPath.isEmpty
                ? "the file is not \(article(type))"
                : "field '\(path(context.codingPath))' is not \(article(type))"
        case let .valueNotFound(type, context):
            "field '\(path(context.codingPath))' is null, expected \(article(type))"
        case let .dataCorrupted(context):
            context.codingPath.isEmpty
                ? context.debugDescription
                : "field '\(path(context.codingPath))': \(context.debugDescription)"
        @unknown default:
            "\(error)"
        }
    }

    /// The innermost named field, which is what a reader can search the file for.
    static func field(_ error: DecodingError) -> String? {
        switch error {
        case let .keyNotFound(key, _): key.stringValue
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            context.codingPath.last(where: { $0.intValue == nil })?.stringValue
        @unknown default: nil
        }
    }

    /// Foundation's decoder reports a number that does not fit the expected type (4096.5 for an
    /// integer, where not decoded through `integer(_:)`) as "The given data was not valid JSON"
    /// at no field. Whether the data is in fact a valid JSON object tells the two apart.
    static func isJSONObject(_ data: Data) -> Bool {
        (try? JSONDecoder().decode(NumberFields.self, from: data)) != nil
    }

    /// The top-level fields of a JSON object that are numbers.
    private struct NumberFields: Decodable {
        struct Key: CodingKey {
            let stringValue: String
            init(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }
        var values: [String: Double] = [:]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            for key in container.allKeys {
                if let value = try? container.decode(Double.self, forKey: key) { values[key.stringValue] = value }
            }
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    private static func article(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Double.Type, is Float.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is [String: Any].Type: "a JSON object"
        case is [Any].Type: "a JSON array"
        default: "a \(type)"
        }
    }
}
