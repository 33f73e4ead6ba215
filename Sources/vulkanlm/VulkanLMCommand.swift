import ArgumentParser
import Logging
import VulkanLM

#if canImport(Glibc)
import Glibc
#endif

@main
struct VulkanLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vulkanlm",
        abstract: "Run transformer models and kernels on any GPU through Vulkan, or on the CPU.",
        subcommands: [DevicesCommand.self, BenchCommand.self, TokenizeCommand.self, EmbedCommand.self,
                      GenerateCommand.self, ChatCommand.self, PerplexityCommand.self, InfoCommand.self])

    /// Exit statuses: 0 success; 64 a usage error (ArgumentParser's message and the usage text);
    /// 1 a runtime error (bad file, failed write, …): one line on stderr, no usage text; 130
    /// Ctrl-C at the chat prompt. `ValidationError` means a usage error wherever it is thrown.
    static func main() {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            var command = command
            try command.run()
            try StandardStreams.finish()
        } catch let error where error is ValidationError || error is ExitCode || error is CleanExit
                                    || exitCode(for: error) == .success {
            // The last: ArgumentParser's own requests that surface from run() (`--help` and
            // `help SUBCOMMAND` run its built-in help command), printed as it prints them.
            exit(withError: error)
        } catch {
            // Whatever else stdout held is moot; only the message matters now.
            StandardStreams.error("Error: " + Self.oneLine("\(error)"))
            Glibc.exit(1)
        }
    }

    /// Messages that span lines (a wrapped underlying error) on one line.
    static func oneLine(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline).map { $0.trimmingPrefix(while: \.isWhitespace) }.joined(separator: " ")
    }
}

/// Options shared by every command that runs work on a device.
struct DeviceOptions: ParsableArguments {
    @Option(name: .long, help: "auto | cpu | device index | device-name substring (default: $VULKANLM_DEVICE or auto). auto never picks a CPU-type Vulkan device such as lavapipe; name it to use it.")
    var device: String?

    @Flag(name: .long, help: "Enable the Khronos validation layer (also $VULKANLM_VALIDATION=1).")
    var validation = false

    @Flag(name: .shortAndLong, help: "Log more.")
    var verbose = false

    func validate() throws {
        if let device, device.allSatisfy(\.isWhitespace) {
            throw ValidationError("--device is empty; give auto, cpu, a device index or part of a device name")
        }
    }

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
