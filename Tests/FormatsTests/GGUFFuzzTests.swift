import Compute
import Testing
@testable import Formats

/// Mutated GGUF headers must either fail with a `FormatError` or load into something
/// self-consistent; a crash (or a huge allocation) here fails the whole run, which is the point.
/// Parses from memory (the mmap path is covered by the other suites) to keep thousands of cases fast.
@Suite struct GGUFFuzzTests {
    let layout = GGUFFixture.builder().layout()

    /// Parses and, on success, checks every promise the header makes and reads every tensor.
    @discardableResult
    func loadAndVerify(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            let header: GGUFHeader
            do throws(FormatError) {
                header = try GGUFHeader(parsing: buffer, file: "fuzz.gguf")
            } catch {
                #expect(!error.description.isEmpty)
                return false
            }
            #expect(header.dataStart % header.alignment == 0)
            var ranges: [Range<Int>] = []
            for tensor in header.tensors {
                #expect(tensor.byteRange.lowerBound >= header.dataStart)
                #expect(tensor.byteRange.upperBound <= buffer.count)
                #expect(tensor.offset % header.alignment == 0)
                let values = GGUFDequantize.floats(UnsafeRawBufferPointer(rebasing: buffer[tensor.byteRange]),
                                                   type: tensor.type)
                #expect(values.count == tensor.elementCount)
                if !tensor.byteRange.isEmpty { ranges.append(tensor.byteRange) }
            }
            ranges.sort { $0.lowerBound < $1.lowerBound }
            for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound <= b.lowerBound) }
            return true
        }
    }

    @Test func validFixtureLoads() {
        #expect(loadAndVerify(layout.bytes))
    }

    @Test func byteFlipsInTheHeader() {
        var generator = SplitMix64(seed: 1)
        var loaded = 0, refused = 0
        for _ in 0..<3000 {
            var bytes = layout.bytes
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let at = Int.random(in: 0..<layout.headerEnd, using: &generator)
                bytes[at] ^= UInt8.random(in: 1...255, using: &generator)
            }
            if loadAndVerify(bytes) { loaded += 1 } else { refused += 1 }
        }
        // Both outcomes must occur, or the mutations are not reaching the parser's decisions.
        #expect(loaded > 0 && refused > 0, "loaded \(loaded), refused \(refused)")
        print("GGUF fuzz: loaded \(loaded), refused \(refused)")
    }

    @Test func randomLengthsAndCounts() {
        // Overwrite 8 or 4 bytes at a random header position (lengths, counts, dims, offsets, tags)
        // with boundary values or plausible sizes.
        var generator = SplitMix64(seed: 2)
        let interesting: [UInt64] = [0, 1, 3, 4, 8, 31, 32, 33, 255, 1 << 31, 1 << 32, 1 << 62, .max, .max - 7, UInt64(Int.max)]
        var loaded = 0, refused = 0
        for _ in 0..<3000 {
            var bytes = layout.bytes
            let width = Bool.random(using: &generator) ? 8 : 4
            let at = Int.random(in: 0...(layout.headerEnd - width), using: &generator)
            let value = Bool.random(using: &generator)
                ? interesting.randomElement(using: &generator) ?? 0
                : UInt64.random(in: 0...UInt64(bytes.count * 2), using: &generator)
            bytes.replaceSubrange(at..<at + width, with: width == 8 ? le(value) : le(UInt32(truncatingIfNeeded: value)))
            if loadAndVerify(bytes) { loaded += 1 } else { refused += 1 }
        }
        // Both outcomes must occur, or the mutations are not reaching the parser's decisions.
        #expect(loaded > 0 && refused > 0, "loaded \(loaded), refused \(refused)")
        print("GGUF fuzz: loaded \(loaded), refused \(refused)")
    }

    @Test func truncationsAndExtensions() {
        var generator = SplitMix64(seed: 3)
        var loaded = 0, refused = 0
        for _ in 0..<1000 {
            let length = Int.random(in: 0...layout.bytes.count, using: &generator)
            var bytes = Array(layout.bytes[0..<length])
            if Bool.random(using: &generator) {
                bytes += (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            if loadAndVerify(bytes) { loaded += 1 } else { refused += 1 }
        }
        // Both outcomes must occur, or the mutations are not reaching the parser's decisions.
        #expect(loaded > 0 && refused > 0, "loaded \(loaded), refused \(refused)")
        print("GGUF fuzz: loaded \(loaded), refused \(refused)")
    }
}
