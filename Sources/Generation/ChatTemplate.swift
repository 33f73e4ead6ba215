/// One message of a conversation.
public struct ChatMessage: Sendable, Equatable {
    public enum Role: String, Sendable, Equatable {
        case system, user, assistant
    }

    public var role: Role
    public var content: String

    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// How a model's conversation is written as text, rendered the way llama.cpp's built-in
/// templates do (`llm_chat_apply_template`) rather than by running the GGUF's Jinja source:
/// a fixed format per model family covers the models this project runs, with no template
/// engine to trust.
///
/// Nothing is added that the conversation does not hold: in particular no default system
/// prompt (SmolLM2's Jinja template inserts one; llama.cpp's ChatML does not, and the model
/// answers worse with it).
public struct ChatTemplate: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable {
        /// `<|im_start|>role\ncontent<|im_end|>\n` (SmolLM2, Qwen, …).
        case chatml
        /// `<|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>` after one `<|begin_of_text|>`.
        case llama3
    }

    public let format: Format

    public init(_ format: Format) {
        self.format = format
    }

    /// The format named on the command line (`chatml`, `llama3`).
    public init(named name: String) throws(ChatTemplateError) {
        guard let format = Format(rawValue: name.lowercased()) else { throw .unknownName(name) }
        self.format = format
    }

    /// The format of a GGUF's `tokenizer.chat_template` (nil when the file has none), recognised
    /// by the marker tokens it writes, in llama.cpp's order (`llm_chat_detect_template`).
    public init(detecting source: String?) throws(ChatTemplateError) {
        guard let source, !source.isEmpty else { throw .missing }
        if source.contains("<|im_start|>") {
            // Phi-4 and SmolVLM write ChatML markers with other separators; llama.cpp renders
            // them differently, so they are not ChatML here either.
            guard !source.contains("<|im_sep|>"), !source.contains("<end_of_utterance>") else {
                throw .unrecognised(source)
            }
            format = .chatml
        } else if source.contains("<|start_header_id|>") && source.contains("<|end_header_id|>") {
            format = .llama3
        } else {
            throw .unrecognised(source)
        }
    }

    /// Text before the first message: Llama 3's `<|begin_of_text|>` (its Jinja template writes
    /// the BOS token itself, so the tokenizer must not add another).
    public var beginning: String {
        switch format {
        case .chatml: ""
        case .llama3: "<|begin_of_text|>"
        }
    }

    /// One whole message, its end-of-turn marker included.
    public func message(_ message: ChatMessage) -> String {
        header(message.role) + content(message) + endOfTurn
    }

    /// What opens the assistant's turn: the model continues from here.
    public var generationPrompt: String { header(.assistant) }

    /// What closes a turn. A reply the model ended itself has its first token (`<|im_end|>`,
    /// `<|eot_id|>`) as the stop token; the rest must still be appended before the next turn.
    public var endOfTurn: String {
        switch format {
        case .chatml: "<|im_end|>\n"
        case .llama3: "<|eot_id|>"
        }
    }

    /// The whole conversation; with `addGenerationPrompt`, followed by the assistant's header.
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        beginning + messages.map(message).joined() + (addGenerationPrompt ? generationPrompt : "")
    }

    /// What to append after an assistant reply whose text is already in place without its
    /// end-of-turn marker: the marker, the user's message, and the assistant's header.
    public func nextTurn(user: String) -> String {
        endOfTurn + message(ChatMessage(.user, user)) + generationPrompt
    }

    private func header(_ role: ChatMessage.Role) -> String {
        switch format {
        case .chatml: "<|im_start|>\(role.rawValue)\n"
        case .llama3: "<|start_header_id|>\(role.rawValue)<|end_header_id|>\n\n"
        }
    }

    /// Llama 3's template trims each message (`message['content'] | trim`); ChatML keeps it as is.
    private func content(_ message: ChatMessage) -> String {
        switch format {
        case .chatml: message.content
        case .llama3: String(message.content.trimmingWhitespace())
        }
    }
}

public enum ChatTemplateError: Error, Equatable, CustomStringConvertible {
    case missing
    case unrecognised(String)
    case unknownName(String)

    static let flag = "--chat-template " + ChatTemplate.Format.allCases.map(\.rawValue).joined(separator: "|")

    public var description: String {
        switch self {
        case .missing:
            "the model has no chat template (tokenizer.chat_template); give one with \(Self.flag)"
        case let .unrecognised(source):
            "unrecognised chat template \"\(Self.preview(source))\"; give one with \(Self.flag)"
        case let .unknownName(name):
            "--chat-template \(name): unknown template; known: \(ChatTemplate.Format.allCases.map(\.rawValue).joined(separator: ", "))"
        }
    }

    /// The template's first characters on one line (templates run to kilobytes of Jinja).
    static func preview(_ source: String, length: Int = 60) -> String {
        let flat = source.prefix(length).map { $0.isNewline ? " " : String($0) }.joined()
        return source.count > length ? flat + "…" : flat
    }
}

extension StringProtocol {
    /// Without leading and trailing whitespace (Jinja's `trim`), FoundationEssentials-free.
    func trimmingWhitespace() -> SubSequence {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return self[start..<end]
    }
}
