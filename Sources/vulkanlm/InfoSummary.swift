import Formats

/// What `info` says about a GGUF file, shared by the text and JSON renderings.
enum InfoSummary {
    /// Arrays longer than this are summarised (type, count, the first few values).
    static let arrayPreview = 8
    /// Strings longer than this are cut in text output (chat templates run to kilobytes).
    static let stringPreview = 80

    struct TypeTotal { let type: GGMLType; let count: Int; let bytes: Int }

    /// Tensor count and bytes per ggml type, most bytes first.
    static func totals(_ file: GGUFFile) -> [TypeTotal] {
        var counts: [GGMLType: (Int, Int)] = [:]
        for tensor in file.tensors {
            let (count, bytes) = counts[tensor.type] ?? (0, 0)
            counts[tensor.type] = (count + 1, bytes + tensor.byteCount)
        }
        return counts.map { TypeTotal(type: $0.key, count: $0.value.0, bytes: $0.value.1) }
            .sorted { ($0.bytes, $0.type.rawValue) > ($1.bytes, $1.type.rawValue) }
    }

    static func totalBytes(_ file: GGUFFile) -> Int { file.tensors.reduce(0) { $0 + $1.byteCount } }

    /// One value in text, strings quoted (and cut when long), arrays summarised when long.
    static func text(_ value: GGUFValue) -> String {
        switch value {
        case let .string(text):
            let quoted = text.count > stringPreview
                ? escaped(String(text.prefix(stringPreview))) + "… (\(text.count) characters)"
                : escaped(text)
            return "\"" + quoted + "\""
        case let .array(elementType, values):
            let shown = values.prefix(arrayPreview).map(text).joined(separator: ", ")
            return values.count > arrayPreview
                ? "[\(elementType) × \(values.count)] [\(shown), …]"
                : "[\(elementType) × \(values.count)] [\(shown)]"
        case let .bool(flag): return "\(flag)"
        case let .float32(number): return "\(number)"
        case let .float64(number): return "\(number)"
        default: return value.int.map(String.init) ?? "\(value)"
        }
    }

    /// Control characters and quotes made visible, so one value is one line.
    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 { out += "\\u{\(String(scalar.value, radix: 16))}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
