/// Everything that can be wrong with a model file or folder. Each case names the file, and the
/// tensor or field where there is one, plus the offending value and the limit it broke, so the
/// message alone is enough to find the problem.
public enum FormatError: Error, Equatable, Sendable, CustomStringConvertible {
    // Files and folders
    case missingFile(file: String)
    case cannotRead(file: String, reason: String)

    // Safetensors container
    case truncatedFile(file: String, size: Int, needed: Int)
    case headerTooLarge(file: String, headerLength: UInt64, limit: Int)
    case headerPastEnd(file: String, headerLength: UInt64, fileSize: Int)
    case badJSON(file: String, detail: String)
    case badTensorEntry(file: String, tensor: String, detail: String)
    case unknownDType(file: String, tensor: String, dtype: String)
    case badShape(file: String, tensor: String, shape: [Int], detail: String)
    case sizeMismatch(file: String, tensor: String, shape: [Int], dtype: String, expectedBytes: Int, foundBytes: Int)
    case offsetsPastEnd(file: String, tensor: String, begin: Int, end: Int, dataSize: Int)
    case overlappingTensors(file: String, tensor: String, other: String, detail: String)
    case duplicateTensor(file: String, tensor: String, otherFile: String)
    case tensorNotFound(file: String, tensor: String, tried: [String])
    case unsupportedDType(file: String, tensor: String, dtype: String, operation: String)

    // GGUF container (tensor entries also use badTensorEntry, badShape and overlappingTensors)
    case notGGUF(file: String, magic: [UInt8])
    case unsupportedGGUFVersion(file: String, version: UInt32)
    /// `field` names what was being read (a metadata key, a tensor's name or dims...).
    case truncatedGGUF(file: String, field: String, offset: Int, needed: UInt64, fileSize: Int)
    case badMetadata(file: String, key: String, detail: String)
    /// `typeName` is ggml's name for the type where it has one (e.g. Q4_K).
    case unsupportedTensorType(file: String, tensor: String, type: UInt32, typeName: String?)
    case tensorPastEnd(file: String, tensor: String, begin: Int, end: Int, fileSize: Int)
    case misalignedTensor(file: String, tensor: String, offset: UInt64, alignment: Int)

    // Configs and shape checks
    case badConfig(file: String, field: String, detail: String)
    case unsupportedModelType(file: String, modelType: String)
    /// `found == nil` means the tensor is missing altogether.
    case shapeMismatch(file: String, tensor: String, expected: [Int], found: [Int]?)

    public var description: String {
        switch self {
        case let .missingFile(file):
            "\(file): file not found"
        case let .cannotRead(file, reason):
            "\(file): cannot read: \(reason)"
        case let .truncatedFile(file, size, needed):
            "\(file): truncated: \(size) bytes, needs at least \(needed)"
        case let .headerTooLarge(file, length, limit):
            "\(file): header length \(length) is over the limit of \(limit) bytes"
        case let .headerPastEnd(file, length, size):
            "\(file): header length \(length) runs past the end of the \(size)-byte file"
        case let .badJSON(file, detail):
            "\(file): header is not valid JSON: \(detail)"
        case let .badTensorEntry(file, tensor, detail):
            "\(file): tensor '\(tensor)': \(detail)"
        case let .unknownDType(file, tensor, dtype):
            "\(file): tensor '\(tensor)' has unknown dtype '\(dtype)'"
        case let .badShape(file, tensor, shape, detail):
            "\(file): tensor '\(tensor)' has bad shape \(shape): \(detail)"
        case let .sizeMismatch(file, tensor, shape, dtype, expected, found):
            "\(file): tensor '\(tensor)' \(dtype)\(shape) needs \(expected) bytes but its data_offsets span \(found)"
        case let .offsetsPastEnd(file, tensor, begin, end, dataSize):
            "\(file): tensor '\(tensor)' data_offsets [\(begin), \(end)] run past the \(dataSize)-byte data section"
        case let .overlappingTensors(file, tensor, other, detail):
            "\(file): tensor '\(tensor)' overlaps tensor '\(other)': \(detail)"
        case let .duplicateTensor(file, tensor, otherFile):
            "\(file): tensor '\(tensor)' is also in \(otherFile)"
        case let .tensorNotFound(file, tensor, tried):
            tried.count <= 1
                ? "\(file): no tensor named '\(tensor)'"
                : "\(file): no tensor named '\(tensor)' (tried \(tried.joined(separator: ", ")))"
        case let .unsupportedDType(file, tensor, dtype, operation):
            "\(file): tensor '\(tensor)' has dtype \(dtype), which \(operation) does not support"
        case let .notGGUF(file, magic):
            "\(file): not a GGUF file (starts with bytes \(magic.map { String($0, radix: 16) }.joined(separator: " ")), expected 47 47 55 46 = \"GGUF\")"
        case let .unsupportedGGUFVersion(file, version):
            "\(file): GGUF version \(version) is not supported (supported: 2, 3)"
        case let .truncatedGGUF(file, field, offset, needed, fileSize):
            "\(file): \(field) at offset \(offset) needs \(needed) bytes, but only \(max(0, fileSize - offset)) remain in the \(fileSize)-byte file"
        case let .badMetadata(file, key, detail):
            "\(file): metadata '\(key)': \(detail)"
        case let .unsupportedTensorType(file, tensor, type, typeName):
            "\(file): tensor '\(tensor)' has ggml type \(typeName.map { "\($0) (\(type))" } ?? "\(type) (unknown)"), which VulkanLM cannot compute with (supported: \(GGMLType.computableList))"
        case let .tensorPastEnd(file, tensor, begin, end, fileSize):
            "\(file): tensor '\(tensor)' data [\(begin), \(end)) runs past the end of the \(fileSize)-byte file"
        case let .misalignedTensor(file, tensor, offset, alignment):
            "\(file): tensor '\(tensor)' offset \(offset) is not a multiple of the alignment \(alignment)"
        case let .badConfig(file, field, detail):
            "\(file): field '\(field)': \(detail)"
        case let .unsupportedModelType(file, modelType):
            "\(file): model_type '\(modelType)' is not supported (supported: gpt2, bert)"
        case let .shapeMismatch(file, tensor, expected, found):
            if let found {
                "\(file): tensor '\(tensor)' has shape \(found), expected \(expected)"
            } else {
                "\(file): tensor '\(tensor)' is missing (expected shape \(expected))"
            }
        }
    }
}
