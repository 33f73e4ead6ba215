#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory. The only owner of a raw pointer in this module:
/// everything else sees `UnsafeRawBufferPointer` views whose lifetime is tied to this object.
///
/// Sendable because the mapping is read-only (PROT_READ, MAP_PRIVATE) and never changes after init.
final class MappedFile: @unchecked Sendable {
    let path: String
    /// All bytes of the file; empty (and unmapped) for a zero-length file, which mmap refuses.
    let bytes: UnsafeRawBufferPointer

    init(path: String) throws(FormatError) {
        self.path = path
        // The kind is checked before `open`: opening a FIFO for reading blocks until a writer
        // appears, which may be never. O_NONBLOCK covers a file swapped for a FIFO in between.
        try FileSystem.requireRegularFile(path)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            let code = errno
            throw code == ENOENT ? .missingFile(file: path) : .cannotRead(file: path, reason: Self.describe(code))
        }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw .cannotRead(file: path, reason: Self.describe(errno))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw .cannotRead(file: path, reason: "not a regular file")
        }
        guard let size = Int(exactly: status.st_size), size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let address, address != MAP_FAILED else {
            throw .cannotRead(file: path, reason: "mmap: \(Self.describe(errno))")
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }

    static func describe(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "errno \(code)" }
        return String(cString: message)
    }
}
