import FoundationEssentials

/// Short, field-naming messages for `DecodingError`, whose default description is a wall of context.
enum DecodingErrorText {
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, context):
            "missing field '\(path(context.codingPath + [key]))'"
        case let .typeMismatch(type, context):
            "field '\(path(context.codingPath))' is not \(article(type))"
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

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    private static func article(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Double.Type, is Float.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        default: "a \(type)"
        }
    }
}
