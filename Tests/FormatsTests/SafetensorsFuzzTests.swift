import Foundation
import Compute
import Testing
@testable import Formats

/// Mutated files must either fail with a `FormatError` or load into something self-consistent;
/// a crash here fails the whole test run, which is the point.
@Suite struct SafetensorsFuzzTests {
    let valid = safetensorsBytes([
        .f32("h.0.attn.c_attn.weight", [2, 3], [1, 2, 3, 4, 5, 6]),
        .f16("ln.weight", [4], [1, 2, 3, 4]),
        .bf16("ln.bias", [2], [0.5, 0.25]),
        .i64("position_ids", [1, 3], [0, 1, 2]),
    ], metadata: ["format": "pt"], headerPadding: 3)

    /// Loads `bytes` and, if that succeeds, checks everything the loader promised and touches
    /// every byte it hands out. Returns whether the load succeeded.
    @discardableResult
    func loadAndVerify(_ bytes: [UInt8], in directory: TemporaryDirectory) throws -> Bool {
        let path = try directory.write(bytes, to: "fuzz.safetensors")
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile(path: path)
        } catch {
            #expect(!error.description.isEmpty)
            return false
        }
        var covered: [Range<Int>] = []
        for tensor in file.allTensors {
            let raw = try file.rawBytes(of: tensor)
            #expect(raw.count == tensor.byteRange.count)
            #expect(raw.count == tensor.shape.reduce(tensor.dtype.byteSize, *))
            var checksum: UInt8 = 0
            withExtendedLifetime(file) { for byte in raw { checksum &+= byte } }
            _ = checksum
            if tensor.dtype.isConvertibleToFloat {
                #expect(try file.floats(of: tensor).count == tensor.elementCount)
            }
            if !tensor.byteRange.isEmpty { covered.append(tensor.byteRange) }
        }
        covered.sort { $0.lowerBound < $1.lowerBound }
        for (a, b) in zip(covered, covered.dropFirst()) { #expect(a.upperBound <= b.lowerBound) }
        return true
    }

    @Test func validFileLoads() throws {
        #expect(try loadAndVerify(valid, in: TemporaryDirectory()))
    }

    @Test func truncatedAtEveryLength() throws {
        let directory = try TemporaryDirectory()
        for length in 0..<valid.count {
            // Any cut inside the header or data must be caught; only cutting trailing padding can pass.
            let loaded = try loadAndVerify(Array(valid.prefix(length)), in: directory)
            #expect(!loaded, "truncated to \(length) of \(valid.count) bytes and still loaded")
        }
    }

    @Test func randomByteFlips() throws {
        let directory = try TemporaryDirectory()
        var random = SplitMix64(seed: 1)
        let headerEnd = 8 + Int(valid[0]) + Int(valid[1]) << 8
        var loaded = 0
        for _ in 0..<2000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                // Mostly the header, where the parsing happens; sometimes the length prefix.
                let index = Int.random(in: 0..<headerEnd, using: &random)
                bytes[index] = Bool.random(using: &random) ? UInt8.random(in: 0...255, using: &random)
                    : bytes[index] ^ (1 << UInt8.random(in: 0..<8, using: &random))
            }
            if try loadAndVerify(bytes, in: directory) { loaded += 1 }
        }
        // Flips inside names or padding are harmless, so some must load; most must not.
        #expect(loaded > 0 && loaded < 2000)
    }

    @Test func randomOffsetsShapesAndLengths() throws {
        let directory = try TemporaryDirectory()
        var random = SplitMix64(seed: 2)
        let interesting: [Int] = [0, 1, 2, 3, 4, 8, 12, 16, 24, 31, 32, 39, 40, 48, 100, -1, -8,
                                  Int.max, Int.min, Int.max - 3, 1 << 32, 1 << 62]
        func pick() -> Int {
            Bool.random(using: &random) ? interesting.randomElement(using: &random) ?? 0
                : Int.random(in: -4...64, using: &random)
        }
        let dtypes = ["F32", "F16", "BF16", "I64", "U8", "BOOL", "F64", "X"] // the last is unknown
        var loaded = 0
        for _ in 0..<1500 {
            // Start from a consistent layout (so some files are valid), then break one number
            // most of the time.
            var entries: [(name: String, dtype: String, shape: [Int], offsets: [Int])] = []
            var offset = 0
            for index in 0..<Int.random(in: 1...4, using: &random) {
                let dtype = dtypes.dropLast().randomElement(using: &random) ?? "F32"
                let shape = (0..<Int.random(in: 0...3, using: &random)).map { _ in Int.random(in: 0...3, using: &random) }
                let size = shape.reduce(SafetensorsDType(rawValue: dtype)?.byteSize ?? 1, *)
                entries.append(("t\(index)", dtype, shape, [offset, offset + size]))
                offset += size
            }
            if Int.random(in: 0..<4, using: &random) != 0, let victim = entries.indices.randomElement(using: &random) {
                switch Int.random(in: 0..<4, using: &random) {
                case 0: entries[victim].offsets[Int.random(in: 0...1, using: &random)] = pick()
                case 1: entries[victim].shape.append(pick())
                case 2: entries[victim].dtype = dtypes.randomElement(using: &random) ?? "X"
                default: entries[victim].offsets = [pick(), pick()]
                }
            }
            let header = "{" + entries.map { entry in
                "\"\(entry.name)\":{\"dtype\":\"\(entry.dtype)\",\"shape\":\(entry.shape),\"data_offsets\":\(entry.offsets)}"
            }.joined(separator: ",") + "}"
            let data = [UInt8](repeating: 0x3C, count: offset + Int.random(in: -2...2, using: &random).clamped(to: -offset...2))
            let skew = Int.random(in: 0..<8, using: &random) == 0 ? Int.random(in: -2...2, using: &random) : 0
            let declared = UInt64(max(0, header.utf8.count + skew))
            if try loadAndVerify(safetensorsBytes(header: header, data: data, declaredLength: declared), in: directory) {
                loaded += 1
            }
        }
        #expect(loaded > 100 && loaded < 1400, "\(loaded) of 1500 loaded: the mix of valid and broken files is off")
    }
}

private extension Int {
    func clamped(to range: ClosedRange<Int>) -> Int { Swift.min(Swift.max(self, range.lowerBound), range.upperBound) }
}
