/// Errors that any backend can throw for bad arguments.
public enum ComputeError: Error, Equatable, CustomStringConvertible {
    case shapeMismatch(op: String, detail: String)
    case emptyTensor(op: String, tensor: String)
    case dtypeNotSupported(op: String, tensor: String, dtype: DType)
    case foreignTensor(op: String, tensor: String, backend: String)
    case tooLarge(tensor: String, bytes: Int, limit: Int, limitName: String)
    case invalidArgument(op: String, detail: String)
    case outOfMemory(tensor: String, bytes: Int, device: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, detail): "\(op): shape mismatch: \(detail)"
        case let .emptyTensor(op, tensor): "\(op): tensor \(tensor) is empty"
        case let .dtypeNotSupported(op, tensor, dtype): "\(op): \(tensor) has unsupported type \(dtype)"
        case let .foreignTensor(op, tensor, backend):
            "\(op): tensor \(tensor) was not made by the \(backend) backend"
        case let .tooLarge(tensor, bytes, limit, limitName):
            "tensor \(tensor) needs \(bytes) bytes, over the device's \(limitName) of \(limit) bytes"
        case let .invalidArgument(op, detail): "\(op): \(detail)"
        case let .outOfMemory(tensor, bytes, device): "out of memory on \(device) allocating \(bytes) bytes for \(tensor)"
        }
    }
}
