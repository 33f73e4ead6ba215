extension LlamaConfig {
    /// Checks `<arch>.block_count` against the `blk.N.*` tensors the file actually holds, before
    /// anything is sized by it: a count of 2³⁰ would otherwise reserve per-layer storage for a
    /// billion layers, and a count of 2 in a 30-layer file would run 2 layers without a word.
    public func checkBlockCount(in gguf: GGUFFile) throws(FormatError) {
        let present = Self.blocksPresent(in: gguf)
        guard present == layers else {
            throw .badMetadata(file: gguf.path, key: "\(architecture).block_count",
                               detail: "says \(layers) blocks, but the file holds tensors for \(present)"
                                   + (present > 0 ? " (blk.0 … blk.\(present - 1))" : " (no blk.N tensors)"))
        }
    }

    /// One more than the highest N among tensors named `blk.N.…`; 0 when there are none.
    static func blocksPresent(in gguf: GGUFFile) -> Int {
        var highest = -1
        for tensor in gguf.tensors where tensor.name.hasPrefix("blk.") {
            let digits = tensor.name.utf8.dropFirst(4).prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            // More than 9 digits cannot be a real layer index; such a name counts as no block.
            guard !digits.isEmpty, digits.count <= 9, let index = Int(String(decoding: digits, as: UTF8.self)) else { continue }
            highest = max(highest, index)
        }
        return highest + 1
    }
}
