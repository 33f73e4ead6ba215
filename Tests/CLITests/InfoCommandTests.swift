import Foundation
import Testing

/// `vulkanlm info` on a GGUF written here (no model download needed).
@Suite struct InfoCommandTests {
    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    static func string(_ text: String) -> [UInt8] { le(UInt64(text.utf8.count)) + Array(text.utf8) }

    /// GGUF v3: two metadata keys (a string, a 20-element u32 array), 25 F32 tensors of shape [2, 4] (ggml [4, 2]).
    static func tinyGGUF() -> [UInt8] {
        var out = Array("GGUF".utf8) + le(UInt32(3)) + le(UInt64(25)) + le(UInt64(2))
        out += string("general.architecture") + le(UInt32(8)) + string("llama")
        out += string("test.list") + le(UInt32(9)) + le(UInt32(4)) + le(UInt64(20)) + (0..<20).flatMap { le(UInt32($0)) }
        for index in 0..<25 {
            out += string("t\(index).weight") + le(UInt32(2)) + le(UInt64(4)) + le(UInt64(2)) + le(UInt32(0)) + le(UInt64(index * 32))
        }
        while out.count % 32 != 0 { out.append(0) }
        return out + [UInt8](repeating: 0, count: 25 * 32)
    }

    static func writeTiny() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("info-\(UUID().uuidString).gguf").path
        try Data(tinyGGUF()).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func textSummary() throws {
        let path = try Self.writeTiny()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try CLITests.run(["info", path])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("GGUF version 3, alignment 32"))
        #expect(output.stdout.contains("general.architecture: string = \"llama\""))
        #expect(output.stdout.contains("test.list: array = [u32 × 20] [0, 1, 2, 3, 4, 5, 6, 7, …]"))
        #expect(output.stdout.contains("tensors: 25, 800 bytes"))
        #expect(output.stdout.contains("F32: 25 tensors, 800 bytes"))
        #expect(output.stdout.contains("t19.weight"))
        #expect(!output.stdout.contains("t20.weight"))
        #expect(output.stdout.contains("5 more (--tensors lists all)"))
        let all = try CLITests.run(["info", "--tensors", path])
        #expect(all.stdout.contains("t24.weight  F32   [4, 2]     [2, 4]             32"), "\(all.stdout)")
    }

    @Test func json() throws {
        let path = try Self.writeTiny()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try CLITests.run(["info", "--json", "--tensors", path])
        #expect(output.status == 0, "\(output.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(report["version"] as? Int == 3)
        #expect(report["tensorCount"] as? Int == 25)
        #expect((report["tensors"] as? [Any])?.count == 25)
        let metadata = try #require(report["metadata"] as? [String: [String: Any]])
        #expect(metadata["general.architecture"]?["value"] as? String == "llama")
        #expect(metadata["test.list"]?["count"] as? Int == 20)
        #expect(metadata["test.list"]?["elementType"] as? String == "u32")
        let first = try #require((report["tensors"] as? [[String: Any]])?.first)
        #expect(first["shape"] as? [Int] == [2, 4])
        #expect(first["ne"] as? [Int] == [4, 2])
    }

    @Test func badFileIsOneClearError() throws {
        let path = try Self.writeTiny()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var bytes = Self.tinyGGUF()
        bytes[0] = 0
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let output = try CLITests.run(["info", path])
        #expect(output.status != 0)
        #expect(output.stderr.contains("not a GGUF file"), "\(output.stderr)")
    }
}
