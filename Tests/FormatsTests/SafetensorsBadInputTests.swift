import Foundation
import Testing
@testable import Formats

/// Each malformed file must fail with its own error, naming the file, the tensor and the value.
@Suite struct SafetensorsBadInputTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory() }

    func open(_ bytes: [UInt8], name: String = "bad.safetensors") throws {
        _ = try SafetensorsFile(path: directory.write(bytes, to: name))
    }

    func entry(_ name: String, dtype: String = "F32", shape: String, offsets: String) -> String {
        "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":\(offsets)}"
    }

    @Test func missingFile() {
        expectFormatError(["does-not-exist.safetensors"]) {
            _ = try SafetensorsFile(path: directory.file("does-not-exist.safetensors"))
        } where: { if case .missingFile = $0 { true } else { false } }
    }

    @Test func directoryIsNotAFile() {
        expectFormatError([directory.path]) { _ = try SafetensorsFile(path: directory.path) }
            where: { if case .cannotRead = $0 { true } else { false } }
    }

    @Test(arguments: [0, 1, 7])
    func fileShorterThanTheLengthPrefix(size: Int) {
        expectFormatError(["bad.safetensors", "\(size) bytes"]) { try open([UInt8](repeating: 0, count: size)) }
            where: { $0 == .truncatedFile(file: directory.file("bad.safetensors"), size: size, needed: 8) }
    }

    @Test func headerLengthPastTheEnd() {
        let bytes = safetensorsBytes(header: "{}", data: [], declaredLength: 3)
        expectFormatError(["bad.safetensors", "3", "10-byte"]) { try open(bytes) }
            where: { if case .headerPastEnd(_, 3, 10) = $0 { true } else { false } }
    }

    @Test func headerLengthOverTheSanityLimit() {
        let bytes = safetensorsBytes(header: "{}", data: [], declaredLength: UInt64.max)
        expectFormatError(["bad.safetensors", "\(UInt64.max)", "100000000"]) { try open(bytes) }
            where: { if case .headerTooLarge = $0 { true } else { false } }
    }

    @Test(arguments: ["", "{", "not json", "[1,2]", "{\"a\":}", "{\"a\":{\"dtype\":\"F32\"", "\u{FF}{}"])
    func malformedJSON(header: String) {
        expectFormatError(["bad.safetensors"]) { try open(safetensorsBytes(header: header, data: [])) }
            where: { if case .badJSON = $0 { true } else { false } }
    }

    @Test func invalidUTF8InHeader() {
        let bytes = TestTensor.bytes(of: UInt64(4)) + [0x7B, 0x22, 0xC3, 0x28] // {"<bad utf-8>
        expectFormatError(["bad.safetensors"]) { try open(bytes) }
            where: { if case .badJSON = $0 { true } else { false } }
    }

    @Test func entryMissingAField() {
        let header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}"
        expectFormatError(["bad.safetensors", "'w'", "data_offsets"]) { try open(safetensorsBytes(header: header, data: [0, 0, 0, 0])) }
            where: { if case .badTensorEntry(_, "w", _) = $0 { true } else { false } }
    }

    @Test func fractionalShape() {
        let header = "{" + entry("w", shape: "[1.5]", offsets: "[0,4]") + "}"
        expectFormatError(["bad.safetensors", "'w'", "shape"]) { try open(safetensorsBytes(header: header, data: [0, 0, 0, 0])) }
            where: { if case .badTensorEntry(_, "w", _) = $0 { true } else { false } }
    }

    @Test func metadataThatIsNotAStringMap() {
        let header = "{\"__metadata__\":{\"n\":1}}"
        expectFormatError(["bad.safetensors", "__metadata__"]) { try open(safetensorsBytes(header: header, data: [])) }
            where: { if case .badTensorEntry(_, "__metadata__", _) = $0 { true } else { false } }
    }

    @Test func tensorNamedTwiceLoadsAsOneTensor() throws {
        // JSON decoders keep one of the repeated keys (as the reference serde HashMap does);
        // what matters is that the name cannot refer to two ranges.
        let header = "{" + entry("w", shape: "[1]", offsets: "[0,4]") + "," + entry("w", shape: "[1]", offsets: "[4,8]") + "}"
        let file = try SafetensorsFile(path: directory.write(safetensorsBytes(header: header, data: .init(repeating: 0, count: 8)), to: "twice.safetensors"))
        #expect(file.tensorNames == ["w"])
    }

    @Test func unknownDType() {
        let header = "{" + entry("w", dtype: "F12", shape: "[1]", offsets: "[0,4]") + "}"
        expectFormatError(["bad.safetensors", "'w'", "F12"]) { try open(safetensorsBytes(header: header, data: [0, 0, 0, 0])) }
            where: { $0 == .unknownDType(file: directory.file("bad.safetensors"), tensor: "w", dtype: "F12") }
    }

    @Test func negativeDimension() {
        let header = "{" + entry("w", shape: "[2,-2]", offsets: "[0,16]") + "}"
        expectFormatError(["bad.safetensors", "'w'", "-2"]) { try open(safetensorsBytes(header: header, data: .init(repeating: 0, count: 16))) }
            where: { if case .badShape(_, "w", [2, -2], _) = $0 { true } else { false } }
    }

    @Test func shapeWhoseByteSizeOverflows() {
        let header = "{" + entry("w", shape: "[4611686018427387904,4]", offsets: "[0,16]") + "}"
        expectFormatError(["bad.safetensors", "'w'", "overflow"]) { try open(safetensorsBytes(header: header, data: .init(repeating: 0, count: 16))) }
            where: { if case .badShape(_, "w", _, _) = $0 { true } else { false } }
    }

    @Test func shapeAndSizeDisagree() {
        // [2, 3] F32 is 24 bytes; the offsets give it 20.
        let header = "{" + entry("w", shape: "[2,3]", offsets: "[0,20]") + "}"
        expectFormatError(["bad.safetensors", "'w'", "24", "20"]) { try open(safetensorsBytes(header: header, data: .init(repeating: 0, count: 24))) }
            where: { if case .sizeMismatch(_, "w", [2, 3], "F32", 24, 20) = $0 { true } else { false } }
    }

    @Test func offsetsPastTheEnd() {
        let header = "{" + entry("a", shape: "[2]", offsets: "[0,8]") + "," + entry("b", shape: "[2]", offsets: "[8,16]") + "}"
        expectFormatError(["bad.safetensors", "'b'", "16", "12-byte"]) { try open(safetensorsBytes(header: header, data: .init(repeating: 0, count: 12))) }
            where: { if case .offsetsPastEnd(_, "b", 8, 16, 12) = $0 { true } else { false } }
    }

    @Test func hugeOffsetsDoNotOverflow() {
        let header = "{" + entry("w", shape: "[1]", offsets: "[9223372036854775803,9223372036854775807]") + "}"
        expectFormatError(["bad.safetensors", "'w'"]) { try open(safetensorsBytes(header: header, data: [0, 0, 0, 0])) }
            where: { if case .offsetsPastEnd(_, "w", _, _, 4) = $0 { true } else { false } }
    }

    @Test(arguments: ["[4,0]", "[-4,0]", "[0]", "[0,4,8]"])
    func offsetsThatAreNotAnOrderedPair(offsets: String) {
        let header = "{" + entry("w", shape: "[1]", offsets: offsets) + "}"
        expectFormatError(["bad.safetensors", "'w'", "data_offsets"]) { try open(safetensorsBytes(header: header, data: [0, 0, 0, 0])) }
            where: { if case .badTensorEntry(_, "w", _) = $0 { true } else { false } }
    }

    @Test func overlappingTensors() {
        let header = "{" + entry("a", shape: "[4]", offsets: "[0,16]") + "," + entry("b", shape: "[2]", offsets: "[12,20]") + "}"
        expectFormatError(["bad.safetensors", "'b'", "'a'"]) { try open(safetensorsBytes(header: header, data: .init(repeating: 0, count: 20))) }
            where: { if case .overlappingTensors(_, "b", "a", _) = $0 { true } else { false } }
    }

    @Test func tensorNestedInsideALongerOne() {
        let header = "{" + entry("outer", shape: "[8]", offsets: "[0,32]") + "," + entry("inner", shape: "[1]", offsets: "[8,12]")
            + "," + entry("after", shape: "[1]", offsets: "[16,20]") + "}"
        expectFormatError(["bad.safetensors", "outer"]) { try open(safetensorsBytes(header: header, data: .init(repeating: 0, count: 32))) }
            where: { if case .overlappingTensors(_, _, "outer", _) = $0 { true } else { false } }
    }

    @Test func twoTensorsSharingBytes() {
        let header = "{" + entry("a", shape: "[1]", offsets: "[0,4]") + "," + entry("b", shape: "[1]", offsets: "[0,4]") + "}"
        expectFormatError(["bad.safetensors"]) { try open(safetensorsBytes(header: header, data: [0, 0, 0, 0])) }
            where: { if case .overlappingTensors = $0 { true } else { false } }
    }

    @Test func emptyTensorsOverlapNothing() throws {
        let header = "{" + entry("a", shape: "[2]", offsets: "[0,8]") + "," + entry("none", shape: "[0]", offsets: "[4,4]") + "}"
        let file = try SafetensorsFile(path: directory.write(safetensorsBytes(header: header, data: .init(repeating: 0, count: 8)), to: "ok.safetensors"))
        #expect(try file.floats(named: "none") == [])
    }

    @Test func gapsBetweenTensorsAreAllowed() throws {
        let header = "{" + entry("a", shape: "[1]", offsets: "[0,4]") + "," + entry("b", shape: "[1]", offsets: "[8,12]") + "}"
        let data = TestTensor.bytes(of: Float(1).bitPattern) + [9, 9, 9, 9] + TestTensor.bytes(of: Float(2).bitPattern)
        let file = try SafetensorsFile(path: directory.write(safetensorsBytes(header: header, data: data), to: "gaps.safetensors"))
        #expect(try file.floats(named: "b") == [2])
    }
}
