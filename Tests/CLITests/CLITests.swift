import Foundation
import Testing
import TestSupport

/// The `vulkanlm` executable as a user runs it.
@Suite struct CLITests {
    /// The binary built next to the test bundle.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vulkanlm")
    }

    static func run(_ arguments: [String], environment extra: [String: String] = [:], input: String? = nil) throws -> ProcessOutput {
        try Subprocess.run(executable, arguments, environment: extra, input: input)
    }

    @Test func devicesSaysWhatAutoPicksAndWhy() throws {
        let output = try Self.run(["devices"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("cpu: CPU backend"))
        #expect(output.stdout.contains("auto "))
    }

    @Test func devicesAsJSON() throws {
        let output = try Self.run(["devices", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(object["devices"] is [Any])
        #expect(object["choice"] is String)
    }

    @Test func missingLoaderIsExplainedInOneLine() throws {
        let output = try Self.run(["devices"], environment: ["VULKANLM_VULKAN_LIBRARY": "/nonexistent/libvulkan.so.1"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("/nonexistent/libvulkan.so.1"))
        #expect(output.stdout.contains("CPU backend"))
    }

    @Test func benchOnTheFallbackBackendGivesJSON() throws {
        let output = try Self.run(["bench", "--quick", "--runs", "3", "--json"],
                                  environment: ["VULKANLM_VULKAN_LIBRARY": "/nonexistent/libvulkan.so.1"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("/nonexistent/libvulkan.so.1"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(report["backend"] as? String == "cpu")
        let results = try #require(report["results"] as? [[String: Any]])
        #expect(results.count == 4)
        for result in results {
            #expect((result["medianMicroseconds"] as? Double ?? 0) > 0)
            #expect((result["gflops"] as? Double ?? 0) > 0)
        }
        #expect(results.contains { $0["peer"] as? String == "OpenBLAS sgemv" && ($0["speedupOverPeer"] as? Double ?? 0) > 0 })
    }

    @Test func benchOnLavapipeWithValidation() throws {
        let devices = try Self.run(["devices"])
        guard devices.stdout.contains("llvmpipe") else {
            if TestVulkan.isCI { Issue.record("no lavapipe in CI") } else { print("skipped: no lavapipe") }
            return
        }
        let output = try Self.run(["bench", "--quick", "--runs", "3", "--device", "llvmpipe", "--validation"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("| vulkan |"))
        #expect(!output.stderr.lowercased().contains("validation"), "\(output.stderr)")
    }

    /// Help is the first thing a user asks for: printed to stdout, exit 0, every way it is asked.
    @Test(arguments: [["--help"], ["-h"], ["help"], ["generate", "--help"], ["help", "perplexity"], ["chat", "-h"]])
    func helpIsPrintedAndExitsZero(_ arguments: [String]) throws {
        let output = try Self.run(arguments)
        #expect(output.status == 0, "\(arguments): \(output.stderr)")
        #expect(output.stdout.contains("USAGE:"), "\(arguments): \(output.stdout)")
        #expect(output.stderr.isEmpty, "\(arguments): \(output.stderr)")
    }

    @Test func unknownDeviceIsAnErrorNamingTheDevices() throws {
        let output = try Self.run(["bench", "--quick", "--device", "no-such-gpu"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("no-such-gpu"))
    }
}

/// `vulkanlm tokenize` on the real tokenizer files that scripts/fetch-models.sh puts in place.
@Suite struct TokenizeCommandTests {
    static func folder(_ name: String) -> String? { FetchedModels.path(name) }

    // Published ids: GPT-2 "Hello world" = [15496, 995]; bert-base-uncased "hello world" = [CLS] 7592 2088 [SEP].
    @Test func gpt2IdsAndBack() throws {
        guard let gpt2 = Self.folder("gpt2") else { return }
        let encoded = try CLITests.run(["tokenize", gpt2, "Hello world"])
        #expect(encoded.status == 0, "\(encoded.stderr)")
        #expect(encoded.stdout == "15496 995\n")
        let decoded = try CLITests.run(["tokenize", gpt2, "--decode", "15496", "995"])
        #expect(decoded.stdout == "Hello world\n")
    }

    @Test func wordPieceIdsFromTokenizerJSON() throws {
        guard let miniLM = Self.folder("all-MiniLM-L6-v2") else { return }
        let encoded = try CLITests.run(["tokenize", miniLM, "Hello World"])
        #expect(encoded.stdout == "101 7592 2088 102\n")
    }

    @Test func missingTokenizerNamesTheFile() throws {
        let output = try CLITests.run(["tokenize", "/nonexistent-model", "text"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("/nonexistent-model/tokenizer.json"))
    }

    @Test func decodeRejectsIdsOutsideTheVocabulary() throws {
        guard let gpt2 = Self.folder("gpt2") else { return }
        let output = try CLITests.run(["tokenize", gpt2, "--decode", "50257000"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("50257000"))
    }

}

/// `vulkanlm embed` on all-MiniLM-L6-v2 (from scripts/fetch-models.sh).
@Suite struct EmbedCommandTests {
    static func folder(_ name: String) -> String? { TokenizeCommandTests.folder(name) }

    @Test func embedPrintsNormalisedVectorsAsJSON() throws {
        guard let miniLM = Self.folder("all-MiniLM-L6-v2") else { return }
        let output = try CLITests.run(["embed", miniLM, "A man is eating food.", "Hi", "--device", "cpu"])
        #expect(output.status == 0, "\(output.stderr)")
        let vectors = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[Double]])
        #expect(vectors.count == 2 && vectors.allSatisfy { $0.count == 384 })
        let norm = vectors[0].reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(norm - 1) < 1e-5)
    }

    @Test func embedSimilarityFromAFileReportsThroughput() throws {
        guard let miniLM = Self.folder("all-MiniLM-L6-v2") else { return }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("embed-\(UUID().uuidString).txt")
        try "A man is eating food.\nA man is eating a piece of bread.\n\nA monkey is playing drums.\n"
            .write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try CLITests.run(["embed", miniLM, "--file", file.path, "--similarity", "--device", "cpu",
                                       "--batch-size", "2"])
        #expect(output.status == 0, "\(output.stderr)")
        let matrix = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[Double]])
        #expect(matrix.count == 3 && matrix.allSatisfy { $0.count == 3 })
        #expect(matrix[0][1] > 0.7 && matrix[0][2] < 0.2, "\(matrix)")
        #expect(output.stderr.contains("sentences/s") && output.stderr.contains("tokens/s"), "\(output.stderr)")
    }

    @Test func embedWithoutAModelNamesTheMissingFile() throws {
        let output = try CLITests.run(["embed", "/nonexistent-model", "text", "--device", "cpu"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("/nonexistent-model"), "\(output.stderr)")
    }
}
