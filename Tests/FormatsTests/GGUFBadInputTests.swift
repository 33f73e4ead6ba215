import Testing
@testable import Formats

/// Each kind of bad file fails at open with its own error, naming the file, the key or tensor
/// and the offending value or limit.
@Suite struct GGUFBadInputTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    func open(_ bytes: [UInt8]) throws -> GGUFFile {
        try GGUFFile(path: directory.write(bytes, to: "bad.gguf"))
    }

    func oneTensor(type: UInt32 = 0, dimensions: [UInt64] = [8], data: [UInt8] = Array(repeating: 0, count: 32),
                   offset: UInt64? = nil) -> GGUFBuilder {
        GGUFBuilder(metadata: [("general.name", .string("bad"))],
                    tensors: [TestGGUFTensor(name: "weight", type: type, dimensions: dimensions, data: data, offset: offset)])
    }

    @Test func wrongMagic() throws {
        var bytes = GGUFFixture.builder().bytes()
        bytes[0] = UInt8(ascii: "X")
        expectFormatError(["bad.gguf", "not a GGUF file"]) { _ = try open(bytes) }
            where: { if case .notGGUF = $0 { true } else { false } }
    }

    @Test func versionOneAndFutureVersionsAreRefused() throws {
        for version: UInt32 in [1, 4, 0x0300_0000] {
            var builder = GGUFFixture.builder()
            builder.version = version
            expectFormatError(["version \(version)", "supported: 2, 3"]) { _ = try open(builder.bytes()) }
                where: { if case .unsupportedGGUFVersion = $0 { true } else { false } }
        }
    }

    /// Every proper prefix of a valid file fails: inside the header with a truncation naming
    /// what was being read, past it with a tensor whose data runs off the end.
    @Test func truncatedAtEveryLength() throws {
        let layout = GGUFFixture.builder().layout()
        for length in 0..<layout.bytes.count {
            let prefix = Array(layout.bytes[0..<length])
            let error = #expect(throws: FormatError.self, "length \(length)") {
                try prefix.withUnsafeBytes { _ = try GGUFHeader(parsing: $0, file: "cut.gguf") }
            }
            guard let error else { continue }
            switch error {
            case .truncatedGGUF, .badMetadata:
                #expect(length < layout.headerEnd, "length \(length): \(error)")
                #expect(error.description.contains("remain"), "\(error)")
            case .tensorPastEnd:
                #expect(length >= layout.headerEnd, "length \(length): \(error)")
            default:
                Issue.record("length \(length): unexpected \(error)")
            }
        }
    }

    @Test func kQuantRowsHoldWholeSuperBlocks() throws {
        // llama-quantize never writes a k-quant row of 576 (SmolLM2's width): 576 is no multiple of 256.
        expectFormatError(["bad.gguf", "'weight'", "576", "Q4_K", "256"]) {
            _ = try open(oneTensor(type: 12, dimensions: [576, 2], data: Array(repeating: 0, count: 2 * 324)).bytes())
        } where: { if case .badShape = $0 { true } else { false } }
    }

    @Test func tensorOffsetPastTheEnd() throws {
        let bytes = oneTensor(offset: 1 << 20).bytes()
        expectFormatError(["bad.gguf", "'weight'", "past the end", "\(bytes.count)-byte"]) { _ = try open(bytes) }
            where: { if case .tensorPastEnd = $0 { true } else { false } }
        // An offset near 2^64 must not wrap around into the file.
        expectFormatError(["'weight'"]) { _ = try open(oneTensor(offset: UInt64.max - 31).bytes()) }
            where: { if case .tensorPastEnd = $0 { true } else { false } }
    }

    @Test func unsupportedAndUnknownTensorTypes() throws {
        // A type ggml defines but the kernels do not read (IQ2_XXS: 66-byte blocks of 256) opens,
        // sized and placed; reading its values is the error, naming tensor, type and the list.
        let file = try open(oneTensor(type: 16, dimensions: [256], data: Array(repeating: 0, count: 66)).bytes())
        #expect(try file.tensor(named: "weight").byteCount == 66)
        expectFormatError(["bad.gguf", "'weight'", "IQ2_XXS", "(16)", "supported: F32", "Q4_K"]) {
            _ = try file.floats(named: "weight")
        } where: { if case .unsupportedTensorType(_, _, 16, "IQ2_XXS") = $0 { true } else { false } }
        expectFormatError(["'weight'", "999 (unknown)"]) { _ = try open(oneTensor(type: 999).bytes()) }
            where: { if case .unsupportedTensorType(_, _, 999, nil) = $0 { true } else { false } }
    }

    @Test func metadataStringLengthBeyondTheFile() throws {
        // general.name's value is a string: replace its u64 length (after key and type tag).
        var bytes = oneTensor().bytes()
        let lengthAt = 4 + 4 + 8 + 8 + (8 + "general.name".utf8.count) + 4
        bytes.replaceSubrange(lengthAt..<lengthAt + 8, with: le(UInt64(1) << 62))
        expectFormatError(["bad.gguf", "general.name", "\(UInt64(1) << 62)", "remain"]) { _ = try open(bytes) }
            where: { if case .truncatedGGUF = $0 { true } else { false } }
    }

    @Test func arrayCountBeyondTheFileIsRefusedBeforeAllocating() throws {
        var builder = oneTensor()
        builder.metadata = [("tokenizer.ggml.tokens", .array(elementType: .string, [.string("a")]))]
        var bytes = builder.bytes()
        let countAt = 4 + 4 + 8 + 8 + (8 + "tokenizer.ggml.tokens".utf8.count) + 4 + 4
        bytes.replaceSubrange(countAt..<countAt + 8, with: le(UInt64.max / 2))
        expectFormatError(["tokenizer.ggml.tokens", "\(UInt64.max / 2)", "limit"]) { _ = try open(bytes) }
            where: { if case .badMetadata = $0 { true } else { false } }
    }

    @Test func misalignedOffset() throws {
        var builder = oneTensor()
        builder.tensors.append(TestGGUFTensor(name: "second", type: 0, dimensions: [1], data: [0, 0, 0, 0], offset: 36))
        expectFormatError(["'second'", "offset 36", "alignment 32"]) { _ = try open(builder.bytes()) }
            where: { if case .misalignedTensor = $0 { true } else { false } }
    }

    @Test func overlappingTensors() throws {
        var builder = oneTensor(dimensions: [16], data: Array(repeating: 0, count: 64))
        builder.tensors.append(TestGGUFTensor(name: "second", type: 0, dimensions: [8], data: [], offset: 32))
        builder.tensors[1].data = Array(repeating: 0, count: 32)
        expectFormatError(["'second'", "'weight'"]) { _ = try open(builder.bytes()) }
            where: { if case .overlappingTensors = $0 { true } else { false } }
    }

    @Test func badShapes() throws {
        expectFormatError(["'weight'", "n_dims is 5", "limit of 4"]) {
            _ = try open(oneTensor(dimensions: [1, 1, 1, 1, 8]).bytes())
        } where: { if case .badTensorEntry = $0 { true } else { false } }
        expectFormatError(["'weight'", "overflows"]) {
            _ = try open(oneTensor(dimensions: [1 << 32, 1 << 32, 1 << 32]).bytes())
        } where: { if case .badShape = $0 { true } else { false } }
        expectFormatError(["'weight'", "dimension \(UInt64.max)"]) {
            _ = try open(oneTensor(dimensions: [8, UInt64.max]).bytes())
        } where: { if case .badShape = $0 { true } else { false } }
        expectFormatError(["'weight'", "48", "block size 32"]) {
            _ = try open(oneTensor(type: 8, dimensions: [48], data: Array(repeating: 0, count: 68)).bytes())
        } where: { if case .badShape = $0 { true } else { false } }
    }

    @Test func badMetadata() throws {
        var duplicate = oneTensor()
        duplicate.metadata.append(("general.name", .string("again")))
        expectFormatError(["general.name", "more than once"]) { _ = try open(duplicate.bytes()) }
            where: { if case .badMetadata = $0 { true } else { false } }

        var alignment = oneTensor()
        alignment.metadata.append(("general.alignment", .uint32(24)))
        expectFormatError(["general.alignment", "power of two", "24"]) { _ = try open(alignment.bytes()) }
            where: { if case .badMetadata = $0 { true } else { false } }

        var nested: GGUFValue = .array(elementType: .uint8, [])
        for _ in 0..<20 { nested = .array(elementType: .array, [nested]) }
        var deep = oneTensor()
        deep.metadata = [("deep", nested)]
        expectFormatError(["deep", "nested deeper"]) { _ = try open(deep.bytes()) }
            where: { if case .badMetadata = $0 { true } else { false } }

        var badTag = oneTensor().bytes()
        badTag[4 + 4 + 8 + 8 + 8 + "general.name".utf8.count] = 13
        expectFormatError(["general.name", "unknown value type 13"]) { _ = try open(badTag) }
            where: { if case .badMetadata = $0 { true } else { false } }
    }

    @Test func duplicateTensorNames() throws {
        var builder = oneTensor()
        builder.tensors.append(builder.tensors[0])
        builder.tensors[1].offset = nil
        expectFormatError(["'weight'", "more than once"]) { _ = try open(builder.bytes()) }
            where: { if case .badTensorEntry = $0 { true } else { false } }
    }

    @Test func hugeTensorCountFailsWithoutAllocating() throws {
        var bytes = oneTensor().bytes()
        bytes.replaceSubrange(8..<16, with: le(UInt64.max))
        expectFormatError(["tensor count \(UInt64.max)"]) { _ = try open(bytes) }
            where: { if case .truncatedGGUF = $0 { true } else { false } }
    }
}
