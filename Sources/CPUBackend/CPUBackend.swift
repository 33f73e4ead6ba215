import CBLAS
import Compute
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The reference backend: OpenBLAS for f32 matrix products, SIMD Swift for everything else.
/// Ops run synchronously on the calling thread (fanning out to Dispatch workers for large
/// inputs), so `synchronize()` has nothing to wait for.
///
/// OpenBLAS picks its own thread count, from `OPENBLAS_NUM_THREADS` when that is set.
public final class CPUBackend: Backend {
    public let name = "cpu"
    public let deviceDescription: String
    let parallel = Parallel()
    /// Cores the Swift kernels split work over (OpenBLAS keeps its own count), for reports.
    public var threads: Int { parallel.threads }
    /// Whether f16 weights are widened with F16C/AVX2 (the C kernels) rather than SSE2 Swift.
    let nativeHalf: Bool

    /// Whether quantized mat-vecs round any x to int8 blocks and use integer dot products (faster,
    /// not exact: ~0.3% error per element of x). Needs the AVX2 kernels. Without it they still
    /// do where x is already rounded that way (llama.cpp's rounding), which changes nothing.
    let int8Activations: Bool

    /// - Parameters:
    ///   - allowNativeHalf: use the F16C/AVX2 kernels where the CPU has them (tests turn this off
    ///     to check the portable path on the same machine).
    ///   - int8Activations: opt in to int8 activations for quantized weights at M = 1 (as ggml does).
    public init(allowNativeHalf: Bool = true, int8Activations: Bool = false) {
        nativeHalf = allowNativeHalf && CPUFeatures.avx2F16C
        self.int8Activations = int8Activations && nativeHalf
        let blas = openblas_get_config().map { String(cString: $0) } ?? "OpenBLAS"
        let features = (nativeHalf ? ", F16C" : "") + (self.int8Activations ? ", int8 activations" : "")
        deviceDescription = "\(CPUBackend.processorName()) (\(parallel.threads) threads\(features)), "
            + "\(blas) with \(openblas_get_num_threads()) threads"
    }

    var identity: ObjectIdentifier { ObjectIdentifier(self) }

    public func tensor(_ values: [Float], shape: [Int], dtype: DType, name: String) throws -> Tensor {
        let count = try ShapeRules.creation(shape: shape, values: values.count, name: name)
        try ShapeRules.valueCreation(dtype: dtype, name: name)
        let storage = try allocate(dtype: dtype, shape: shape, name: name)
        switch dtype {
        case .f32:
            values.withUnsafeBufferPointer { source in
                if let source = source.baseAddress { storage.floats.initialize(from: source, count: count) }
            }
        case .f16:
            // Compute's rounding, so every backend stores the same halves.
            Half.bits(values).withUnsafeBufferPointer { source in
                if let source = source.baseAddress { storage.halves.initialize(from: source, count: count) }
            }
        default: break // block types: refused by valueCreation
        }
        return Tensor(shape: shape, dtype: dtype, storage: storage, name: name)
    }

    public func tensor(rawBytes: UnsafeRawBufferPointer, shape: [Int], dtype: DType, name: String) throws -> Tensor {
        _ = try ShapeRules.rawCreation(shape: shape, dtype: dtype, byteCount: rawBytes.count, name: name)
        let storage = try allocate(dtype: dtype, shape: shape, name: name)
        if let source = rawBytes.baseAddress { storage.bytes.copyMemory(from: source, byteCount: rawBytes.count) }
        return Tensor(shape: shape, dtype: dtype, storage: storage, name: name)
    }

    /// Weights from a memory-mapped file are used where they lie: no copy, no second set of pages.
    public func tensor(mapped bytes: UnsafeRawBufferPointer, owner mapping: AnyObject & Sendable, shape: [Int],
                       dtype: DType, name: String) throws -> Tensor {
        _ = try ShapeRules.rawCreation(shape: shape, dtype: dtype, byteCount: bytes.count, name: name)
        // f32/f16 kernels load whole elements: the mapping must keep them aligned.
        guard Int(bitPattern: bytes.baseAddress) % max(1, min(dtype.blockBytes, 4)) == 0 else {
            return try tensor(rawBytes: bytes, shape: shape, dtype: dtype, name: name)
        }
        let storage = CPUStorage(owner: identity, mapped: bytes, mapping: mapping)
        return Tensor(shape: shape, dtype: dtype, storage: storage, name: name)
    }

    public func empty(shape: [Int], dtype: DType, name: String) throws -> Tensor {
        _ = try ShapeRules.creation(shape: shape, values: nil, name: name)
        let storage = try allocate(dtype: dtype, shape: shape, name: name)
        return Tensor(shape: shape, dtype: dtype, storage: storage, name: name)
    }

    public func read(_ tensor: Tensor) throws -> [Float] {
        let storage = try self.storage(of: tensor, op: "read")
        try ShapeRules.valueCreation(dtype: tensor.dtype, name: tensor.name, op: "read")
        let count = tensor.count
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let destination = buffer.baseAddress else { return }
            switch tensor.dtype {
            case .f32: destination.initialize(from: storage.floats, count: count)
            case .f16: convertHalves(storage.halves, to: destination, count: count, native: nativeHalf)
            default: return // block types: refused above
            }
            initialized = count
        }
    }

    public func fill(_ tensor: Tensor, with value: Float) throws {
        let storage = try self.storage(of: tensor, op: "fill")
        guard !storage.isReadOnly else {
            throw ComputeError.invalidArgument(op: "fill", detail: "\(tensor.shapeDescription) is read-only (a memory-mapped weight)")
        }
        switch tensor.dtype {
        case .f32: storage.floats.update(repeating: value, count: tensor.count)
        case .f16: storage.halves.update(repeating: Float16(value).bitPattern, count: tensor.count)
        default: try ShapeRules.valueCreation(dtype: tensor.dtype, name: tensor.name, op: "fill")
        }
    }

    public func synchronize() throws {}

    private func allocate(dtype: DType, shape: [Int], name: String) throws -> CPUStorage {
        let bytes = try ShapeRules.storageBytes(shape: shape, dtype: dtype, name: name)
        return try CPUStorage(owner: identity, byteCount: bytes, tensor: "\(name)\(shape)")
    }

    /// The storage behind `tensor`, if this backend made it and the tensor's shape fits in it
    /// (a `Tensor` can be rebuilt over existing storage with any shape).
    func storage(of tensor: Tensor, op: String) throws -> CPUStorage {
        guard let storage = tensor.storage as? CPUStorage, storage.owner == identity else {
            throw ComputeError.foreignTensor(op: op, tensor: tensor.name, backend: name)
        }
        guard tensor.shape.allSatisfy({ $0 >= 0 }), tensor.byteCount <= storage.byteCount else {
            throw ComputeError.invalidArgument(
                op: op, detail: "\(tensor.shapeDescription) (\(tensor.dtype)) does not fit its storage of \(storage.byteCount) bytes")
        }
        return storage
    }

    /// The "model name" line of /proc/cpuinfo, for benchmark headers.
    private static func processorName() -> String {
        guard let file = fopen("/proc/cpuinfo", "r") else { return "CPU" }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line)
            if text.hasPrefix("model name"), let colon = text.firstIndex(of: ":") {
                let name = text[text.index(after: colon)...].drop(while: \.isWhitespace).prefix(while: { $0 != "\n" })
                return name.isEmpty ? "CPU" : String(name)
            }
        }
        return "CPU"
    }
}
