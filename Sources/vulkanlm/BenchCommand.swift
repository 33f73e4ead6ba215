import ArgumentParser
import FoundationEssentials
import KernelBenchmarks
import VulkanLM

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time kernels at GPT-2 (or quantized SmolLM2) shapes on a device, against OpenBLAS in the same run.")

    @Option(name: .long, help: "Timed runs per kernel (the median is reported).")
    var runs = 20

    @Option(name: .long, help: "Untimed warm-up runs per kernel.")
    var warmups = 3

    @Flag(name: .long, help: "A few small cases only (a smoke test, not a measurement).")
    var quick = false

    @Flag(name: .long, help: "SmolLM2-135M shapes with Q8_0/Q4_1 weights instead of GPT-2's f32/f16 ones.")
    var quantized = false

    @Flag(name: .long, help: "On the CPU, round x to int8 blocks for quantized mat-vecs (faster, approximate).")
    var int8Activations = false

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var options: DeviceOptions

    func validate() throws {
        guard runs >= 1, warmups >= 0 else { throw ValidationError("--runs must be ≥ 1 and --warmups ≥ 0") }
    }

    func run() throws {
        let logger = options.logger()
        let vulkanOptions = options.vulkanOptions()
        let selected = try Backends.open(Backends.selector(flag: options.device), options: vulkanOptions, logger: logger,
                                         cpuInt8Activations: int8Activations)
        var benchmark = KernelBenchmark(backend: selected.backend)
        benchmark.runs = runs
        benchmark.warmups = warmups
        let cases = quantized ? BenchmarkCase.quantized(quick: quick) : BenchmarkCase.gpt2(quick: quick)
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

struct BenchReport: Encodable {
    let device: String
    let backend: String
    let selection: String
    let runs: Int
    let results: [BenchmarkResult]
}
