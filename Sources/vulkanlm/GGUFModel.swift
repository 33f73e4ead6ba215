import Formats
import Logging
import Models
import Tokenizers
import VulkanLM

#if canImport(Glibc)
import Glibc
#endif

/// A Llama-family GGUF as the commands open it: file, tokenizer and model on the chosen backend.
struct GGUFModel {
    /// The KV cache default when --context is not given: trained contexts run to 128k positions,
    /// whose cache alone would take gigabytes.
    static let defaultContextCap = 4096

    let file: GGUFFile
    let tokenizer: any LanguageModelTokenizer
    let model: LlamaModel
    let selected: SelectedBackend

    /// Whether `path` names a GGUF file rather than a model folder: a `.gguf` name (so a missing
    /// one is reported as a missing file), or any existing file that is not a directory.
    static func isGGUF(_ path: String) -> Bool {
        if path.lowercased().hasSuffix(".gguf") { return true }
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT != S_IFDIR
    }

    /// The tokenizer alone (for `tokenize`): only the metadata is read.
    static func tokenizer(path: String) throws -> any LanguageModelTokenizer {
        try GGUFTokenizer.load(path: path)
    }

    /// `context`: KV-cache positions; nil takes the model's, capped at `defaultContextCap`.
    init(path: String, context: Int?, device: DeviceOptions, logger: Logger) throws {
        try self.init(file: GGUFFile(path: path), context: context, device: device, logger: logger)
    }

    init(file: GGUFFile, context: Int?, device: DeviceOptions, logger: Logger, cpuInt8Activations: Bool = false) throws {
        self.file = file
        // Tokenizer and config first: both are cheap and name what is wrong with the file
        // before a backend is opened and weights are uploaded.
        tokenizer = try GGUFTokenizer.load(gguf: file)
        let config = try LlamaConfig(gguf: file)
        try config.checkBlockCount(in: file)
        let context = context ?? min(config.contextLength, Self.defaultContextCap)
        try Self.checkCacheFits(config: config, context: context, file: file.path)
        selected = try Backends.open(Backends.selector(flag: device.device), options: device.vulkanOptions(), logger: logger,
                                     cpuInt8Activations: cpuInt8Activations)
        var options = LlamaModel.Options(contextLength: context)
        if let bar = LoadProgressBar(label: "loading " + (file.path.split(separator: "/").last.map(String.init) ?? file.path)) {
            options.progress = { done, total in bar.update(done: done, total: total) }
        }
        model = try LlamaModel(gguf: file, backend: selected.backend, options: options)
    }

    /// The KV cache (f32 keys and values for every layer and position) must fit in the
    /// machine's memory; a --context the model allows can still ask for far more.
    static func checkCacheFits(config: LlamaConfig, context: Int, file: String) throws {
        let bytes = 2.0 * Double(config.layers) * Double(context) * Double(config.keyValueHeads * config.headDimension) * 4
        let memory = Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
        guard memory <= 0 || bytes <= memory else {
            throw CommandError("\(file): a context of \(context) positions needs a \(gib(bytes)) GiB KV cache "
                + "(\(config.layers) layers), more than this machine's \(gib(memory)) GiB of memory; use a smaller --context")
        }
    }

    private static func gib(_ bytes: Double) -> String {
        String(Int((bytes / Double(1 << 30)).rounded(.up)))
    }
}
