import Testing
@testable import Formats

@Suite struct GGUFReadTests {
    @Test(arguments: [UInt32(2), 3])
    func everyMetadataTypeReadsBackExactly(version: UInt32) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(GGUFFixture.builder(version: version).bytes(), to: "fixture.gguf")
        let file = try GGUFFile(path: path)
        #expect(file.version == version)
        #expect(file.metadataKeys == GGUFFixture.metadata.map(\.0))
        for (key, value) in GGUFFixture.metadata {
            #expect(file.metadata[key] == value, "\(key)")
        }
        #expect(file.alignment == 32)
        #expect(file.dataStart % 32 == 0)
    }

    @Test func typedAccessors() throws {
        let directory = try TemporaryDirectory()
        let file = try GGUFFile(path: directory.write(GGUFFixture.builder().bytes(), to: "fixture.gguf"))
        #expect(file.metadata["general.architecture"]?.string == "llama")
        #expect(file.metadata["test.u8"]?.int == 200)
        #expect(file.metadata["test.i64"]?.int == Int(Int64.min))
        #expect(file.metadata["test.u64"]?.int == nil)  // beyond Int.max
        #expect(file.metadata["test.u32"]?.int == 4_000_000_000)
        #expect(file.metadata["test.f32"]?.float == Double(Float(1.5e-5)))
        #expect(file.metadata["test.u32"]?.float == nil)
        #expect(file.metadata["test.bool"]?.bool == true)
        #expect(file.metadata["test.array_string"]?.array?.compactMap(\.string) == ["a", "", "Ġthe"])
        #expect(file.metadata["test.array_nested"]?.array?.first?.array?.compactMap(\.int) == [1, 2])
        #expect(file.metadata["test.array_empty"] == .array(elementType: .float32, []))
    }

    @Test(arguments: [UInt32(2), 3])
    func tensorsReadBackExactly(version: UInt32) throws {
        let directory = try TemporaryDirectory()
        let layout = GGUFFixture.builder(version: version).layout()
        let file = try GGUFFile(path: directory.write(layout.bytes, to: "fixture.gguf"))
        #expect(file.dataStart == layout.dataStart)
        #expect(file.tensors.map(\.name) == GGUFFixture.tensors.map(\.name))
        #expect(file.tensors.map(\.type) == [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1])
        for (info, written) in zip(file.tensors, GGUFFixture.tensors) {
            #expect(info.dimensions == written.dimensions.map { Int($0) })
            #expect(info.shape == info.dimensions.reversed())
            #expect(info.byteCount == written.data.count)
            #expect(info.byteRange.lowerBound == file.dataStart + info.offset)
            #expect(info.offset % 32 == 0)
            let raw = try file.withRawBytes(of: info.name) { Array($0) }
            #expect(raw == written.data, "\(info.name)")
            let values = try file.floats(named: info.name)
            #expect(values.count == info.elementCount)
            #expect(values == GGUFFixture.expected[info.name], "\(info.name)")
        }
        let q4_0 = try file.tensor(named: "q4_0")
        #expect(q4_0.dimensions == [32, 2] && q4_0.shape == [2, 32])
        #expect(try file.tensor(named: "q8_0").byteCount == 68)
        #expect(try file.tensor(named: "q4_0").byteCount == 36)
        #expect(try file.tensor(named: "q4_1").byteCount == 20)
    }

    @Test func customAlignmentIsHonoured() throws {
        var builder = GGUFFixture.builder()
        builder.metadata.append(("general.alignment", .uint32(64)))
        builder.alignment = 64
        let directory = try TemporaryDirectory()
        let file = try GGUFFile(path: directory.write(builder.bytes(), to: "aligned.gguf"))
        #expect(file.alignment == 64)
        #expect(file.dataStart % 64 == 0)
        for tensor in file.tensors {
            #expect(tensor.offset % 64 == 0)
            #expect(try file.floats(named: tensor.name) == GGUFFixture.expected[tensor.name])
        }
    }

    @Test func headerOnlyFileLoads() throws {
        let directory = try TemporaryDirectory()
        let builder = GGUFBuilder(metadata: [("general.name", .string("empty"))])
        let file = try GGUFFile(path: directory.write(builder.bytes(), to: "empty.gguf"))
        #expect(file.tensors.isEmpty)
        #expect(file.metadata["general.name"]?.string == "empty")
    }

    @Test func missingTensorIsNamed() throws {
        let directory = try TemporaryDirectory()
        let file = try GGUFFile(path: directory.write(GGUFFixture.builder().bytes(), to: "fixture.gguf"))
        expectFormatError(["nope"]) { _ = try file.floats(named: "nope") }
            where: { if case .tensorNotFound = $0 { true } else { false } }
    }
}
