import Compute
import Kernels
import Synchronization
import VulkanRuntime

/// Runs the op set on a Vulkan device. Ops are recorded into one command stream and run
/// when a result is read (or `synchronize` is called), so a whole forward step is one
/// submission with barriers only between dependent dispatches.
public final class VulkanBackend: Backend, @unchecked Sendable {
    public let name = "vulkan"
    public let device: VulkanDevice
    /// Every recording and submission goes through this lock: the stream and queue are not thread-safe.
    let stream: Mutex<CommandStream>
    /// Rotary θ tables by configuration (see `ropeTable`).
    let ropeTables = Mutex<[RopeTableKey: Tensor]>([:])

    /// Invocations per workgroup the kernels use (Vulkan guarantees only 128).
    static let workgroupInvocations = 256

    public init(device: VulkanDevice) throws {
        guard device.info.maxComputeWorkGroupInvocations >= Self.workgroupInvocations else {
            throw VulkanError.missingFeature(
                device: device.info.name,
                feature: "\(Self.workgroupInvocations) invocations per workgroup (has \(device.info.maxComputeWorkGroupInvocations))")
        }
        self.device = device
        self.stream = Mutex(try CommandStream(device: device))
    }

    public var deviceDescription: String { device.info.summary }

    // MARK: Tensors

    public func tensor(_ values: [Float], shape: [Int], dtype: DType, name: String) throws -> Tensor {
        _ = try ShapeRules.creation(shape: shape, values: values.count, name: name)
        try ShapeRules.valueCreation(dtype: dtype, name: name)
        let tensor = try empty(shape: shape, dtype: dtype, name: name)
        let buffer = try self.buffer(tensor, op: "tensor")
        try stream.withLock { stream in
            switch dtype {
            case .f32: try values.withUnsafeBytes { try stream.write($0, to: buffer) }
            case .f16: try Half.bits(values).withUnsafeBytes { try stream.write($0, to: buffer) }
            default: break // block types: refused by valueCreation
            }
        }
        return tensor
    }

    public func tensor(rawBytes: UnsafeRawBufferPointer, shape: [Int], dtype: DType, name: String) throws -> Tensor {
        _ = try ShapeRules.rawCreation(shape: shape, dtype: dtype, byteCount: rawBytes.count, name: name)
        let tensor = try empty(shape: shape, dtype: dtype, name: name)
        let buffer = try self.buffer(tensor, op: "tensor")
        if !rawBytes.isEmpty { try stream.withLock { try $0.write(rawBytes, to: buffer) } }
        return tensor
    }

    public func empty(shape: [Int], dtype: DType, name: String) throws -> Tensor {
        _ = try ShapeRules.creation(shape: shape, values: nil, name: name)
        let bytes = try ShapeRules.storageBytes(shape: shape, dtype: dtype, name: name)
        let limit = Int(device.info.maxStorageBufferRange)
        guard bytes <= limit else {
            throw ComputeError.tooLarge(tensor: "\(name)\(shape)", bytes: bytes, limit: limit,
                                        limitName: "maxStorageBufferRange")
        }
        do {
            // Kernels bind buffers as 32-bit words, and quantized blocks (34, 18, 20 bytes) can end
            // mid-word: round up so the last word read lies inside the buffer.
            let buffer = try VulkanBuffer(device: device, size: max((bytes + 3) / 4 * 4, 4), location: .device)
            return Tensor(shape: shape, dtype: dtype, storage: VulkanStorage(owner: ObjectIdentifier(self), buffer: buffer), name: name)
        } catch let error as VulkanError where error.isOutOfMemory {
            throw ComputeError.outOfMemory(tensor: "\(name)\(shape)", bytes: bytes, device: device.info.name)
        }
    }

    public func read(_ tensor: Tensor) throws -> [Float] {
        let buffer = try self.buffer(tensor, op: "read")
        try ShapeRules.valueCreation(dtype: tensor.dtype, name: tensor.name, op: "read")
        let count = tensor.count
        return try stream.withLock { stream in
            switch tensor.dtype {
            case .f32:
                return try [Float](unsafeUninitializedCapacity: count) { values, initialized in
                    if let base = values.baseAddress { try stream.read(buffer, count: count * 4, into: base) }
                    initialized = count
                }
            case .f16:
                let bits = try [UInt16](unsafeUninitializedCapacity: count) { values, initialized in
                    if let base = values.baseAddress { try stream.read(buffer, count: count * 2, into: base) }
                    initialized = count
                }
                return bits.withUnsafeBufferPointer { Half.floats($0) }
            default: return [] // block types: refused above
            }
        }
    }

    public func fill(_ tensor: Tensor, with value: Float) throws {
        let buffer = try self.buffer(tensor, op: "fill")
        try ShapeRules.valueCreation(dtype: tensor.dtype, name: tensor.name, op: "fill")
        let word: UInt32 = switch tensor.dtype {
        case .f32: value.bitPattern
        case .f16: UInt32(Float16(value).bitPattern) * 0x1_0001
        default: 0 // block types: refused above
        }
        try stream.withLock { try $0.fill(buffer, word: word) }
    }

    public func synchronize() throws {
        try stream.withLock { try $0.submitAndWait() }
    }

    // MARK: Timing

    /// Records a GPU timestamp after everything recorded so far; see `timestamps()`.
    public func recordTimestamp() throws -> Int {
        try stream.withLock { try $0.writeTimestamp() }
    }

    /// Runs what was recorded and returns the timestamps it wrote, in nanoseconds.
    public func timestamps() throws -> [Double] {
        try stream.withLock { stream in
            try stream.submitAndWait()
            return stream.timestamps()
        }
    }

    /// Counters of the command stream (dispatches and barriers recorded so far).
    public var streamCounters: (dispatches: Int, barriers: Int) {
        stream.withLock { ($0.dispatchCount, $0.barrierCount) }
    }

    // MARK: Internals

    func buffer(_ tensor: Tensor, op: String) throws -> VulkanBuffer {
        guard let storage = tensor.storage as? VulkanStorage, storage.owner == ObjectIdentifier(self) else {
            throw ComputeError.foreignTensor(op: op, tensor: tensor.name, backend: name)
        }
        // A Tensor can be rebuilt over existing storage with any shape; one larger than its
        // buffer would send kernels and copies past the end (the CPU backend refuses it too).
        guard tensor.shape.allSatisfy({ $0 >= 0 }), tensor.byteCount <= storage.buffer.size else {
            throw ComputeError.invalidArgument(
                op: op, detail: "\(tensor.shapeDescription) (\(tensor.dtype)) does not fit its buffer of \(storage.buffer.size) bytes")
        }
        return storage.buffer
    }

    func pipeline(_ kernel: String, bindings: Int, pushWords: Int, specialization: [UInt32] = []) throws -> ComputePipeline {
        try device.pipeline(kernel, spirv: {
            guard let words = Kernels.spirv(kernel) else { throw VulkanError.unknownKernel(kernel) }
            return words
        }, bindings: bindings, pushConstantWords: pushWords, specialization: specialization)
    }

    /// Records one dispatch.
    func dispatch(_ pipeline: ComputePipeline, _ bindings: [CommandStream.Binding], push: [UInt32],
                  groups: (x: Int, y: Int, z: Int)) throws {
        try stream.withLock { try $0.dispatch(pipeline, bindings: bindings, push: push, groups: groups) }
    }

    /// Spreads `count` workgroups over x and y, since x alone is limited (65535 at minimum).
    func grid(_ count: Int) -> (x: Int, y: Int, z: Int) {
        let maxX = Int(device.info.maxComputeWorkGroupCount[0])
        let x = min(count, maxX)
        return (x, (count + x - 1) / x, 1)
    }
}
