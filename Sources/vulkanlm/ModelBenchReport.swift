import Compute
import Formats

/// `bench MODEL` output: llama-bench's markdown table (one row per test, printed as each
/// finishes) or one JSON object with every run's seconds.
struct ModelBenchReport: Encodable {
    let model: String
    /// llama-bench's `model_type`: architecture, size label, file type ("llama 135M Q4_1").
    let modelType: String
    let modelSize: Int
    let modelParams: Int
    let backend: String
    let device: String
    /// The CPU backend's threads; absent on Vulkan.
    let threads: Int?
    let repetitions: Int
    let warmup: Bool
    let results: [ModelBenchmark.Result]

    /// What the table says about the model, from the file alone.
    struct Model {
        let path: String, type: String, size: Int, params: Int

        init(_ file: GGUFFile) {
            path = file.path
            size = file.tensors.reduce(0) { $0 + $1.byteCount }
            params = file.tensors.reduce(0) { $0 + $1.elementCount }
            let architecture = file.metadata["general.architecture"]?.string ?? "?"
            let label = file.metadata["general.size_label"]?.string ?? Self.sizeLabel(params)
            type = "\(architecture) \(label) \(Self.fileType(file))"
        }

        static func sizeLabel(_ params: Int) -> String {
            params >= 1_000_000_000 ? "\((Double(params) / 1e9).fixed(1))B" : "\(params / 1_000_000)M"
        }

        /// llama.cpp's name of `general.file_type` (`llama_ftype`); else the type with the most bytes.
        static func fileType(_ file: GGUFFile) -> String {
            let names = [0: "all F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1",
                         10: "Q2_K - Medium", 11: "Q3_K - Small", 12: "Q3_K - Medium", 13: "Q3_K - Large",
                         14: "Q4_K - Small", 15: "Q4_K - Medium", 16: "Q5_K - Small", 17: "Q5_K - Medium",
                         18: "Q6_K", 32: "BF16"]
            if let code = file.metadata["general.file_type"]?.int, let name = names[code] { return name }
            var bytes: [GGMLType: Int] = [:]
            for tensor in file.tensors { bytes[tensor.type, default: 0] += tensor.byteCount }
            return bytes.max { $0.value < $1.value }.map { "\($0.key)" } ?? "?"
        }
    }

    static let columns: [(title: String, width: Int, right: Bool)] = [
        ("model", 30, false), ("size", 10, true), ("params", 10, true), ("backend", 10, false),
        ("threads", 7, true), ("test", 15, true), ("t/s", 20, true), ("median t/s", 12, true),
    ]

    static func header() -> String {
        line(columns.map(\.title)) + "\n"
            + "| " + columns.map { String(repeating: "-", count: $0.width - 1) + ($0.right ? ":" : "-") }
                .joined(separator: " | ") + " |"
    }

    static func row(model: Model, backend: String, threads: Int?, _ result: ModelBenchmark.Result) -> String {
        let size = Double(model.size) / 1_048_576
        let params = Double(model.params)
        return line([
            model.type,
            size < 1024 ? "\(size.fixed(2)) MiB" : "\((size / 1024).fixed(2)) GiB",
            params < 1e9 ? "\((params / 1e6).fixed(2)) M" : "\((params / 1e9).fixed(2)) B",
            backend, threads.map(String.init) ?? "-", result.test,
            "\(result.meanTokensPerSecond.fixed(2)) ± \(result.stddevTokensPerSecond.fixed(2))",
            result.medianTokensPerSecond.fixed(2),
        ])
    }

    private static func line(_ cells: [String]) -> String {
        "| " + zip(columns, cells).map { column, cell in
            let padding = String(repeating: " ", count: max(0, column.width - cell.count))
            return column.right ? padding + cell : cell + padding
        }.joined(separator: " | ") + " |"
    }
}
