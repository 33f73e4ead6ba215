import ArgumentParser
import Formats
import Generation
import VulkanLM

#if canImport(Glibc)
import Glibc
#endif

struct ChatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Chat with a Llama-family .gguf model: one reply with -p, else a conversation read from stdin.",
        discussion: """
        Messages are written in the model's chat template (detected from tokenizer.chat_template as llama.cpp does; \
        --chat-template overrides). Interactively each input line is a message; the reply streams to stdout \
        and stays in the KV cache with the rest of the conversation, so only new text is processed each turn. \
        /reset starts a new conversation; end of input (Ctrl-D) exits. Tokens/s go to stderr after each reply.
        """)

    @Argument(help: "A .gguf file (Llama family).")
    var model: String

    @Option(name: .shortAndLong, help: "Reply to this one message, print the reply and exit.")
    var prompt: String?

    @Option(name: .long, help: "A system message sent at the start of every conversation.")
    var system: String?

    @Option(name: .long, help: "The chat template: \(ChatTemplate.Format.allCases.map(\.rawValue).joined(separator: " | ")) (default: detected from the model).")
    var chatTemplate: String?

    @Option(name: [.customShort("n"), .long], parsing: .unconditional,
            help: "Maximum number of tokens per reply; -1: until the context is full.")
    var maxTokens = 256

    @OptionGroup var sampling: SamplingFlags

    @Option(name: .long, help: "Positions the KV cache holds: the whole conversation must fit (default: the model's context length, at most \(GGUFModel.defaultContextCap)).")
    var context: Int?

    @OptionGroup var options: DeviceOptions

    func validate() throws {
        guard maxTokens >= 1 || maxTokens == -1 else { throw ValidationError("-n must be -1 (until the context is full) or at least 1") }
        if let context, context < 1 { throw ValidationError("--context must be at least 1") }
    }

    func run() throws {
        let logger = options.logger()
        // The template is settled before any weights are read: a bad one fails at once.
        let named = try chatTemplate.map { name in try ChatTemplate(named: name) }
        let file = try GGUFFile(path: model)
        let template: ChatTemplate
        do {
            template = try named ?? ChatTemplate(detecting: file.metadata["tokenizer.chat_template"]?.string)
        } catch {
            throw CommandError("\(model): \(error)")
        }
        let loaded = try GGUFModel(file: file, context: context, device: options, logger: logger)
        let session = ChatSession(model: loaded.model, tokenizer: loaded.tokenizer, template: template, systemPrompt: system)
        let generation = GenerationOptions(maxNewTokens: maxTokens == -1 ? Int.max : maxTokens, sampling: sampling.sampling)
        let backend = loaded.selected.backend.name

        func reply(_ message: String) throws {
            let result = try Interrupt.replying {
                try session.reply(to: message, options: generation, onText: { StandardStreams.output($0) },
                                  shouldStop: { Interrupt.isRequested || StandardStreams.outputFailed })
            }
            StandardStreams.output("\n")
            try StandardStreams.finish()
            if result.stats.stopReason == .interrupted, Interrupt.isRequested { StandardStreams.error("(reply stopped)") }
            for message in loaded.selected.drainValidationMessages() { logger.error("validation: \(message)") }
            StandardStreams.error("\(backend): \(result.stats.summary)")
        }

        if let prompt {
            try reply(prompt)
            return
        }
        // Prompts and hints only for a person at a terminal; piped input gets replies alone.
        let terminal = isatty(STDIN_FILENO) != 0
        if terminal { StandardStreams.error("chatting with \(model) (\(template.format.rawValue)); /reset starts over, Ctrl-C stops a reply, Ctrl-D exits") }
        Interrupt.install()
        while !StandardStreams.outputFailed {
            if terminal { StandardStreams.output("> ") }
            guard let line = readLine() else { break }
            // Surrounding blanks (a pasted line's "\r", say) are no part of the message.
            let message = String(line.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
            if message.isEmpty { continue }
            if message == "/reset" {
                session.reset()
                StandardStreams.error("(new conversation)")
                continue
            }
            do {
                try reply(message)
            } catch let error as ChatError {
                // A full context ends the conversation, not the program.
                StandardStreams.error("\(error); /reset starts a new conversation")
            }
        }
        if terminal { StandardStreams.output("\n") }
    }
}
