import ArgumentParser
import Logging
import VulkanLM

@main
struct VulkanLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vulkanlm",
        abstract: "Run transformer models and kernels on any GPU through Vulkan, or on the CPU.",
        subcommands: [DevicesCommand.self, BenchCommand.self, TokenizeCommand.self, EmbedCommand.self,
                      GenerateCommand.self, ChatCommand.self, PerplexityCommand.self, InfoCommand.self])
}

/// Options shared by every command that runs work on a device.
struct DeviceOptions: ParsableArguments {
    @Option(name: .long, help: "auto | cpu | device index | device-name substring (default: $VULKANLM_DEVICE or auto). auto never picks a CPU-type Vulkan device such as lavapipe; name it to use it.")
    var device: String?

    @Flag(name: .long, help: "Enable the Khronos validation layer (also $VULKANLM_VALIDATION=1).")
    var validation = false

    @Flag(name: .shortAndLong, help: "Log more.")
    var verbose = false

    func logger() -> Logger {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "vulkanlm")
        logger.logLevel = verbose ? .debug : .notice
        return logger
    }

    /// Environment settings, with `--validation` added.
    func vulkanOptions() -> VulkanOptions {
        var options = VulkanOptions.fromEnvironment()
        options.validation = options.validation || validation
        return options
    }
}
