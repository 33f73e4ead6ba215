import Foundation
import Testing
import TestSupport

/// The reproductions of issue 10 ("hostile inputs") that need the command line: each ends in a
/// one-line error with exit status 1 (runtime) or 64 (usage), or in correct output; never a
/// crash, a hang or a runaway allocation.
@Suite struct HostileInputTests {
    static func run(_ arguments: [String], input: String? = nil) throws -> ProcessOutput {
        try CLITests.run(arguments, input: input)
    }

    /// Runs the binary through /bin/sh with `redirect` applied to its stdout.
    static func run(_ arguments: [String], stdout redirect: String) throws -> ProcessOutput {
        try Subprocess.run(URL(fileURLWithPath: "/bin/sh"),
                           ["-c", "exec \"$0\" \"$@\" \(redirect)", CLITests.executable.path] + arguments)
    }

    /// A runtime error: status 1, one line on stderr naming `mentions`, no usage text.
    static func expectRuntimeError(_ output: ProcessOutput, mentions: [String],
                                   sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(output.status == 1, "status \(output.status): \(output.stderr)", sourceLocation: sourceLocation)
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(output.stderr)", sourceLocation: sourceLocation)
        #expect(!output.stderr.contains("USAGE"), "\(output.stderr)", sourceLocation: sourceLocation)
        for text in mentions {
            #expect(output.stderr.contains(text), "'\(text)' not in: \(output.stderr)", sourceLocation: sourceLocation)
        }
    }

    static func expectUsageError(_ output: ProcessOutput, mentions: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(output.status == 64, "status \(output.status): \(output.stderr)", sourceLocation: sourceLocation)
        #expect(output.stderr.contains(mentions), "\(output.stderr)", sourceLocation: sourceLocation)
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appending(path: "vulkanlm-hostile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    // MARK: sizes from the file checked against what it holds

    @Test func blockCountOfTwoToTheThirtyIsAnErrorNotAnAllocation() throws {
        let path = try TinyLlamaGGUF(blockCount: 1 << 30).write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try Self.run(["generate", path, "-p", "hi", "-n", "2", "--device", "cpu"])
        Self.expectRuntimeError(output, mentions: ["llama.block_count", "1073741824", "2"])
    }

    @Test func blockCountBelowTheStoredLayersIsAnError() throws {
        let path = try TinyLlamaGGUF(blockCount: 2, layers: 3).write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try Self.run(["generate", path, "-p", "hi", "-n", "2", "--device", "cpu"])
        Self.expectRuntimeError(output, mentions: ["llama.block_count", "says 2 blocks", "holds tensors for 3"])
    }

    @Test func theTinyModelItselfGenerates() throws {
        let path = try TinyLlamaGGUF().write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try Self.run(["generate", path, "-p", "hi", "-n", "3", "--device", "cpu"])
        #expect(output.status == 0, "\(output.stderr)")
    }

    @Test func aKVCacheLargerThanMemoryIsRefusedBeforeAllocating() throws {
        let path = try TinyLlamaGGUF(contextLength: 1 << 30, embedding: 64, heads: 2).write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        // 2 layers × 2 (K, V) × 2³⁰ positions × 64 × 4 bytes = 1 TiB.
        let output = try Self.run(["generate", path, "-p", "hi", "-n", "2", "--context", "\(1 << 30)", "--device", "cpu"])
        Self.expectRuntimeError(output, mentions: ["KV cache", "--context"])
    }

    // MARK: files that are not files

    @Test func aFIFOIsRefusedWithoutBlocking() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fifo = directory + "/model.gguf"
        #expect(mkfifo(fifo, 0o600) == 0)
        let start = ContinuousClock.now
        for arguments in [["info", fifo], ["tokenize", fifo, "hi"], ["generate", fifo, "-p", "hi"]] {
            let output = try Self.run(arguments)
            Self.expectRuntimeError(output, mentions: [fifo, "not a regular file", "FIFO"])
        }
        let embedFile = try Self.run(["embed", directory, "--file", fifo])
        #expect(embedFile.status == 1 && !embedFile.stderr.contains("USAGE"), "\(embedFile.stderr)")
        #expect(ContinuousClock.now - start < .seconds(30))
    }

    @Test func aDirectoryOrFIFOIsNotReportedAsMissing() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fifo = directory + "/folder"
        #expect(mkfifo(fifo, 0o600) == 0)
        let output = try Self.run(["embed", fifo, "text", "--device", "cpu"])
        Self.expectRuntimeError(output, mentions: [fifo, "FIFO"])
        #expect(!output.stderr.contains("not found"))
        let info = try Self.run(["info", directory])
        Self.expectRuntimeError(info, mentions: [directory, "directory"])
        #expect(!info.stderr.contains("not found"))
    }

    // MARK: exit statuses and messages

    @Test func runtimeErrorsAreOneLineWithoutUsage() throws {
        let path = try TinyLlamaGGUF().write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let decode = try Self.run(["tokenize", path, "--decode", "49152"])
        Self.expectRuntimeError(decode, mentions: ["49152", "0..<259"])

    }

    @Test func generateOnABERTFolderIsARuntimeError() throws {
        guard let miniLM = FetchedModels.path("all-MiniLM-L6-v2") else { return }
        let output = try Self.run(["generate", miniLM, "-p", "hi"])
        Self.expectRuntimeError(output, mentions: ["model_type is bert"])
    }

    @Test(arguments: [
        (["--top-p", "2"], "top-p"), (["--top-p", "0"], "top-p"), (["--temp", "-1"], "temperature"),
        (["--beams", "1000"], "--beams"), (["--beams", "0"], "--beams"), (["-n", "-2"], "-n"),
        (["--device", ""], "--device"), (["--context", "0"], "--context"),
    ])
    func badSettingsAreUsageErrors(flags: [String], mentions: String) throws {
        let path = try TinyLlamaGGUF().write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        Self.expectUsageError(try Self.run(["generate", path, "-p", "hi"] + flags), mentions: mentions)
    }

    @Test func embedBatchSizeIsBounded() throws {
        Self.expectUsageError(try Self.run(["embed", "/nonexistent", "x", "--batch-size", "100000"]), mentions: "--batch-size")
    }

    @Test func minusOneTokensMeansUntilTheContextIsFull() throws {
        let path = try TinyLlamaGGUF(contextLength: 48).write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try Self.run(["generate", path, "-p", "hi", "-n", "-1", "--device", "cpu"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("context full"), "\(output.stderr)")
        let chat = try Self.run(["chat", path, "-p", "hi", "-n", "-1", "--device", "cpu"])
        #expect(chat.status == 0, "\(chat.stderr)")
    }

    @Test func anUnsupportedGGUFArchitectureIsNamedAsSuch() throws {
        let path = try TinyLlamaGGUF(architecture: "mamba").write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try Self.run(["generate", path, "-p", "hi", "--device", "cpu"])
        Self.expectRuntimeError(output, mentions: ["general.architecture", "mamba", "supported: gemma2, gemma3, llama, phi3, qwen2, qwen3"])
        #expect(!output.stderr.contains("model_type") && !output.stderr.contains("gpt2, bert"), "\(output.stderr)")
    }

    @Test func aTooLongPromptIsRefusedNamingTheContext() throws {
        let path = try TinyLlamaGGUF(contextLength: 64).write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Over the context after tokenizing: 200 tokens (no merges: one per byte).
        let tokenized = try Self.run(["generate", path, "-p", String(repeating: "a", count: 200), "--context", "32", "--device", "cpu"])
        Self.expectRuntimeError(tokenized, mentions: ["200 tokens", "context holds at most 32"])
        #expect(!tokenized.stderr.contains("n_positions"))
        // So long that no tokenization could fit: refused before tokenizing.
        let huge = try Self.run(["generate", path, "-p", String(repeating: "a", count: 100_000), "--device", "cpu"])
        Self.expectRuntimeError(huge, mentions: ["100000 bytes", "context holds at most 64"])
    }

    @Test func aHugeIdInAWordPieceTokenizerJSONIsAnError() throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{"model": {"type": "WordPiece", "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "a": 99999999999}}}"#
            .write(toFile: folder + "/tokenizer.json", atomically: true, encoding: .utf8)
        let output = try Self.run(["tokenize", folder, "a"])
        Self.expectRuntimeError(output, mentions: ["99999999999", "tokenizer.json"])
    }

    // MARK: NaN in, no invalid JSON out

    /// The tiny BERT fixture with NaN embedding-norm weights (every output is NaN) and a
    /// vocab.txt of its 101 tokens.
    static func nanBERTFolder() throws -> String {
        let fixture = RandomGPT2Checkpoint.repositoryRoot + "/Tests/ModelTests/Fixtures/bert-mlm"
        let folder = try temporaryDirectory()
        try FileManager.default.copyItem(atPath: fixture + "/config.json", toPath: folder + "/config.json")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture + "/model.safetensors")))
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) as? [String: Any])
        let entry = try #require(header["bert.embeddings.LayerNorm.weight"] as? [String: Any])
        let offsets = try #require(entry["data_offsets"] as? [Int])
        let nan = Float.nan.bitPattern
        for position in stride(from: 8 + headerLength + offsets[0], to: 8 + headerLength + offsets[1], by: 4) {
            for byte in 0..<4 { bytes[position + byte] = UInt8(truncatingIfNeeded: nan >> (8 * UInt32(byte))) }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/model.safetensors"))
        let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + (5..<101).map { "w\($0)" }
        try (vocabulary.joined(separator: "\n") + "\n").write(toFile: folder + "/vocab.txt", atomically: true, encoding: .utf8)
        return folder
    }

    /// JSON has no NaN: `embed` refuses (exit 1, naming the text) rather than print `nan`.
    @Test func embedRefusesNaNInsteadOfPrintingInvalidJSON() throws {
        let folder = try Self.nanBERTFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for flags in [[], ["--similarity"]] {
            let output = try Self.run(["embed", folder, "w5 w6", "w7", "--device", "cpu"] + flags)
            Self.expectRuntimeError(output, mentions: ["text 1", "non-finite"])
            #expect(!output.stdout.contains("nan"), "\(output.stdout)")
        }
    }

    // MARK: write failures

    @Test(arguments: ["> /dev/full", ">&-"])
    func aFailedWriteIsAnError(redirect: String) throws {
        let path = try TinyLlamaGGUF().write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        for arguments in [["info", path], ["tokenize", path, "hello"],
                          ["generate", path, "-p", "hi", "-n", "4", "--device", "cpu"]] {
            let output = try Self.run(arguments, stdout: redirect)
            Self.expectRuntimeError(output, mentions: ["cannot write to standard output"])
        }
    }
}
