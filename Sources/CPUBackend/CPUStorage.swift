import Compute
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Host memory behind a CPU tensor: one 64-byte-aligned block, so SIMD loads never split a cache
/// line at the start of a row and OpenBLAS gets the alignment its kernels prefer.
///
/// `@unchecked Sendable`: the pointer never changes; the bytes behind it are written only by the
/// owning backend's ops, which the `Backend` contract already orders.
final class CPUStorage: TensorStorage, @unchecked Sendable {
    static let alignment = 64

    let owner: ObjectIdentifier
    let byteCount: Int
    let bytes: UnsafeMutableRawPointer
    /// Set for bytes borrowed from a memory-mapped file: they are not ours to free (the mapping
    /// object is kept alive instead), and they are read-only.
    private let mapping: (AnyObject & Sendable)?
    var isReadOnly: Bool { mapping != nil }

    /// Throws instead of trapping: the size comes from model files and user shapes. `tensor`
    /// names the tensor in errors.
    init(owner: ObjectIdentifier, byteCount: Int, tensor: String) throws {
        let limit = CPUStorage.physicalMemory
        // Linux overcommits, so an impossible size would "succeed" here and be killed later.
        guard byteCount <= limit else {
            throw ComputeError.tooLarge(tensor: tensor, bytes: byteCount, limit: limit, limitName: "physical memory")
        }
        var pointer: UnsafeMutableRawPointer?
        // Empty tensors still get a block, so every storage has a valid, freeable pointer.
        let status = posix_memalign(&pointer, CPUStorage.alignment, max(byteCount, CPUStorage.alignment))
        guard status == 0, let pointer else {
            throw ComputeError.outOfMemory(tensor: tensor, bytes: byteCount, device: "host memory")
        }
        self.owner = owner
        self.byteCount = byteCount
        self.bytes = pointer
        self.mapping = nil
    }

    /// Storage over `mapped` in place; `mapping` keeps the bytes alive as long as this storage.
    init(owner: ObjectIdentifier, mapped: UnsafeRawBufferPointer, mapping: AnyObject & Sendable) {
        self.owner = owner
        self.byteCount = mapped.count
        // Never written through: ops only write outputs, and fill refuses read-only storage.
        self.bytes = UnsafeMutableRawPointer(mutating: mapped.baseAddress ?? UnsafeRawPointer(bitPattern: CPUStorage.alignment)!)
        self.mapping = mapping
    }

    deinit { if mapping == nil { free(bytes) } }

    var floats: UnsafeMutablePointer<Float> { bytes.assumingMemoryBound(to: Float.self) }
    /// f16 elements as their IEEE bit patterns.
    var halves: UnsafeMutablePointer<UInt16> { bytes.assumingMemoryBound(to: UInt16.self) }

    static let physicalMemory: Int = {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return Int.max }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
        return overflow ? Int.max : bytes
    }()
}
