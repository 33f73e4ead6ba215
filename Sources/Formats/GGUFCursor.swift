/// A bounds-checked little-endian reader over a GGUF file's bytes. Every read checks the bytes
/// left first, so a length or count from the file is never trusted further than the file goes.
struct GGUFCursor {
    let bytes: UnsafeRawBufferPointer
    let file: String
    private(set) var offset = 0

    init(bytes: UnsafeRawBufferPointer, file: String) {
        self.bytes = bytes
        self.file = file
    }

    var remaining: Int { bytes.count - offset }

    /// Throws unless `count` more bytes exist; `field` says what was being read.
    func require(_ count: UInt64, _ field: @autoclosure () -> String) throws(FormatError) {
        guard count <= UInt64(remaining) else {
            throw .truncatedGGUF(file: file, field: field(), offset: offset, needed: count, fileSize: bytes.count)
        }
    }

    mutating func read<T: FixedWidthInteger>(_ type: T.Type,
                                             _ field: @autoclosure () -> String) throws(FormatError) -> T {
        try require(UInt64(MemoryLayout<T>.size), field())
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += MemoryLayout<T>.size
        return value
    }

    /// The next `count` bytes; the count was checked against the file before any use.
    mutating func take(_ count: UInt64, _ field: @autoclosure () -> String) throws(FormatError) -> UnsafeRawBufferPointer {
        try require(count, field())
        let length = Int(count)  // ≤ remaining, so it fits
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length])
        offset += length
        return slice
    }

    /// A GGUF string: u64 byte length, then that many bytes of UTF-8 (no terminator).
    /// `strict` refuses invalid UTF-8 (keys and tensor names must match exactly); otherwise
    /// invalid sequences become U+FFFD, so one odd vocabulary entry does not sink a whole file.
    mutating func readString(_ field: @autoclosure () -> String, strict: Bool) throws(FormatError) -> String {
        let length = try read(UInt64.self, "length of " + field())
        let raw = try take(length, field() + " (\(length)-byte string)")
        if strict {
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw .badMetadata(file: file, key: field(), detail: "is not valid UTF-8")
            }
            return text
        }
        return String(decoding: raw, as: UTF8.self)
    }
}
