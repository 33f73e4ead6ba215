import ArgumentParser
import Formats
import FoundationEssentials
import KernelBenchmarks
import Logging
import VulkanLM

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time a .gguf model llama-bench style (prompt and generation tokens/s), or without one, kernels at GPT-2 (or quantized SmolLM2) shapes against OpenBLAS.",
        discussion: """
        With a model: ppN feeds N random prompt tokens in one pass, tgN generates N tokens one pass each, both \
        from an empty cache; t/s is the mean ± sample stddev over the repetitions (as llama-bench reports), \
        with the median beside it. --json gives every run's seconds.
        """)

    @Argument(help: "A .gguf model to benchmark (without one, kernels are timed).")
    var model: String?

    @Option(name: .customLong("pp"), help: "Model: prompt lengths, comma separated (llama-bench -p; 0 skips).")
    var promptLengths = CountList([512])

    @Option(name: .customLong("tg"), help: "Model: generation lengths, comma separated (llama-bench -n; 0 skips).")
    var generationLengths = CountList([128])

    @Option(name: [.customShort("r"), .long], help: "Model: timed repetitions of each test.")
    var repetitions = 5

    @Flag(name: .long, inversion: .prefixedNo, help: "Model: one untimed run of each test first.")
    var warmup = true

    @Option(name: .long, help: "Timed runs per kernel (the median is reported).")
    var runs = 20

    @Option(name: .long, help: "Untimed warm-up runs per kernel.")
    var warmups = 3

    @Flag(name: .long, help: "A few small cases only (a smoke test, not a measurement).")
    var quick = false

    @Flag(name: .long, help: "SmolLM2-135M shapes with Q8_0/Q4_1 weights instead of GPT-2's f32/f16 ones.")
    var quantized = false

    @Flag(name: .long, help: "With --quantized: decode (1-row) cases only, every quantized weight type.")
    var decode = false

    @Flag(name: .long, help: "Quantized kernels: x as drawn, not rounded as llama.cpp rounds it (the CPU's f32 path).")
    var unroundedX = false

    @Flag(name: .long, help: "On the CPU, round x to int8 blocks for quantized mat-vecs (faster, approximate).")
    var int8Activations = false

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var options: DeviceOptions

    func validate() throws {
        guard runs >= 1, warmups >= 0 else { throw ValidationError("--runs must be ≥ 1 and --warmups ≥ 0") }
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be ≥ 1") }
        if model != nil, quick || quantized {
            throw ValidationError("--quick and --quantized choose kernel cases; with a model, use --pp, --tg and -r")
        }
    }

    func run() throws {
        let logger = options.logger()
        if let model { return try benchmarkModel(model, logger: logger) }
        let vulkanOptions = options.vulkanOptions()
        let selected = try Backends.open(Backends.selector(flag: options.device), options: vulkanOptions, logger: logger,
                                         cpuInt8Activations: int8Activations)
        var benchmark = KernelBenchmark(backend: selected.backend)
        benchmark.runs = runs
        benchmark.warmups = warmups
        benchmark.roundActivations = !unroundedX
        let cases = quantized ? (decode && !quick ? BenchmarkCase.quantizedDecode() : BenchmarkCase.quantized(quick: quick))
            : BenchmarkCase.gpt2(quick: quick)
        if json {
            let results = try benchmark.run(cases)
            let report = BenchReport(device: selected.backend.deviceDescription, backend: selected.backend.name,
                                     selection: selected.reason, runs: runs, results: results)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("device: \(selected.backend.deviceDescription)")
            print("median of \(runs) runs after \(warmups) warm-ups; × peer = peer time ÷ our time (above 1: faster)\n")
            print(Report.header())
            _ = try benchmark.run(cases) { print(Report.row($0)) }
        }
        let messages = selected.drainValidationMessages()
        for message in messages { logger.error("validation: \(message)") }
        if !messages.isEmpty { throw ExitCode.failure }
    }
}

extension BenchCommand {
    /// llama-bench on a GGUF model: rows print as each test finishes (JSON at the end).
    func benchmarkModel(_ path: String, logger: Logger) throws {
        let tests = ModelBenchmark.tests(prompts: promptLengths.values, generations: generationLengths.values)
        guard !tests.isEmpty else { throw CommandError("nothing to run: every --pp and --tg length is 0") }
        let file = try GGUFFile(path: path)
        // The cache holds the longest test; nothing more is allocated.
        let context = tests.map(\.tokens).max() ?? 1
        let loaded = try GGUFModel(file: file, context: context, device: options, logger: logger,
                                   cpuInt8Activations: int8Activations)
        let benchmark = ModelBenchmark(model: loaded.model, repetitions: repetitions, warmup: warmup)
        let described = ModelBenchReport.Model(file)
        let backend = loaded.selected.backend.name, threads = loaded.selected.cpuThreads
        if !json { print(ModelBenchReport.header()) }
        var results: [ModelBenchmark.Result] = []
        for test in tests {
            let result = try benchmark.run(test)
            results.append(result)
            if !json { print(ModelBenchReport.row(model: described, backend: backend, threads: threads, result)) }
        }
        let messages = loaded.selected.drainValidationMessages()
        if json {
            let report = ModelBenchReport(model: path, modelType: described.type, modelSize: described.size,
                                          modelParams: described.params, backend: backend,
                                          device: loaded.selected.backend.deviceDescription, threads: threads,
                                          repetitions: repetitions, warmup: warmup, results: results)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("\ndevice: \(loaded.selected.backend.deviceDescription)")
        }
        for message in messages { logger.error("validation: \(message)") }
        if !messages.isEmpty { throw ExitCode.failure }
    }
}

/// A comma-separated list of counts (`--pp 128,512`).
struct CountList: ExpressibleByArgument, Sendable {
    let values: [Int]

    init(_ values: [Int]) { self.values = values }

    init?(argument: String) {
        var values: [Int] = []
        for field in argument.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Int(field.filter { $0 != " " }), value >= 0 else { return nil }
            values.append(value)
        }
        self.values = values
    }

    var defaultValueDescription: String { values.map(String.init).joined(separator: ",") }
}

struct BenchReport: Encodable {
    let device: String
    let backend: String
    let selection: String
    let runs: Int
    let results: [BenchmarkResult]
}
