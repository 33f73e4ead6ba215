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
/// templates do (`llm_chat_apply_template` in src/llama-chat.cpp) rather than by running the
/// GGUF's Jinja source: a fixed format per model family covers the models this project runs,
/// with no template engine to trust. Formats are recognised from the Jinja source as llama.cpp's
/// `llm_chat_detect_template` recognises them, and named as llama.cpp names them.
///
/// Nothing is added that the conversation does not hold: in particular no default system
/// prompt (SmolLM2's Jinja template inserts one; llama.cpp's ChatML does not) and no BOS text:
/// the tokenizer adds BOS where the model's file asks for it, as llama.cpp does.
public struct ChatTemplate: Sendable, Equatable {
    /// llama.cpp's names (`LLM_CHAT_TEMPLATES`), which `--chat-template` takes.
    public enum Format: String, Sendable, CaseIterable {
        /// `<|im_start|>role\ncontent<|im_end|>\n` (SmolLM2, Qwen, …).
        case chatml
        /// `<|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>`, content trimmed.
        case llama3
        /// `<start_of_turn>user\n…<end_of_turn>\n`, the assistant called "model", a system
        /// message merged into the next user message, content trimmed (Gemma 1–3).
        case gemma
        /// ` [INST] user [/INST] assistant</s>` (Mistral 7B v0.1/v0.2 "v1").
        case mistralV1 = "mistral-v1"
        /// `[INST] user[/INST] assistant</s>`, assistant trimmed (Mistral "v3").
        case mistralV3 = "mistral-v3"
        /// `[INST]user[/INST]assistant</s>` (Mistral Nemo, "v3-tekken").
        case mistralV3Tekken = "mistral-v3-tekken"
        /// `[SYSTEM_PROMPT] …[/SYSTEM_PROMPT][INST] user[/INST] assistant</s>` (Mistral "v7").
        case mistralV7 = "mistral-v7"
        /// v7 without the spaces (Mistral Small 3.1, "v7-tekken").
        case mistralV7Tekken = "mistral-v7-tekken"
        /// `<|role|>\ncontent<|end|>\n` (Phi-3).
        case phi3
        /// `[INST] user [/INST]assistant</s>`; a system message written plainly (Llama 2).
        case llama2
        /// Llama 2 with `<<SYS>>\n…\n<</SYS>>\n\n` system messages.
        case llama2Sys = "llama2-sys"
        /// llama2-sys with `<s>` before each later `[INST]`.
        case llama2SysBOS = "llama2-sys-bos"
        /// llama2-sys with every message trimmed.
        case llama2SysStrip = "llama2-sys-strip"
    }

    public let format: Format

    public init(_ format: Format) {
        self.format = format
    }

    /// The format named on the command line (`chatml`, `gemma`, `mistral-v7`, …).
    public init(named name: String) throws(ChatTemplateError) {
        guard let format = Format(rawValue: name.lowercased()) else { throw .unknownName(name) }
        self.format = format
    }

    /// The format of a GGUF's `tokenizer.chat_template` (nil when the file has none), recognised
    /// by the markers it writes, in llama.cpp's order (`llm_chat_detect_template`). Formats
    /// llama.cpp knows and this library does not render are `.notImplemented`, never another format.
    public init(detecting source: String?) throws(ChatTemplateError) {
        guard let source, !source.isEmpty else { throw .missing }
        if let format = Format(rawValue: source) {
            self.format = format
            return
        }
        func contains(_ marker: String) -> Bool { source.contains(marker) }
        if contains("<|im_start|>") {
            if contains("<|im_sep|>") { throw .notImplemented(llamaCppName: "phi4", source) }
            if contains("<end_of_utterance>") { throw .notImplemented(llamaCppName: "smolvlm", source) }
            format = .chatml
        } else if source.hasPrefix("mistral") || contains("[INST]") {
            if contains("[SYSTEM_PROMPT]") {
                format = .mistralV7
            } else if contains("' [INST] ' + system_message") || contains("[AVAILABLE_TOOLS]") {
                format = contains(" [INST]") ? .mistralV1 : contains("\"[INST]\"") ? .mistralV3Tekken : .mistralV3
            } else if contains("content.strip()") {
                format = .llama2SysStrip
            } else if contains("bos_token + '[INST]") {
                format = .llama2SysBOS
            } else if contains("<<SYS>>") {
                format = .llama2Sys
            } else {
                format = .llama2
            }
        } else if contains("<|assistant|>") && contains("<|end|>") {
            format = .phi3
        } else if let other = Self.unimplementedBeforeGemma(source) {
            throw .notImplemented(llamaCppName: other, source)
        } else if contains("<start_of_turn>") {
            format = .gemma
        } else if let other = Self.unimplementedBeforeLlama3(source) {
            throw .notImplemented(llamaCppName: other, source)
        } else if contains("<|start_header_id|>") && contains("<|end_header_id|>") {
            format = .llama3
        } else {
            throw .unrecognised(source)
        }
    }

    /// llama.cpp's checks between Phi-3 and Gemma, for formats not rendered here: a template
    /// they catch must not fall through to Gemma.
    private static func unimplementedBeforeGemma(_ source: String) -> String? {
        func contains(_ marker: String) -> Bool { source.contains(marker) }
        if contains("[gMASK]<sop>") { return "chatglm4" }
        if contains("<|assistant|>") && contains("<|user|>") {
            if contains("<|tool_declare|>") { return "exaone-moe" }
            return contains("</s>") ? "falcon3" : "glmedge"
        }
        if contains("<|{{ item['role'] }}|>") && contains("<|begin_of_image|>") { return "glmedge" }
        if contains("<|user|>") && contains("<|endoftext|>") { return "zephyr" }
        if contains("bos_token + message['role']") { return "monarch" }
        return nil
    }

    /// llama.cpp's checks between Gemma and Llama 3.
    private static func unimplementedBeforeLlama3(_ source: String) -> String? {
        func contains(_ marker: String) -> Bool { source.contains(marker) }
        if contains("'\\n\\nAssistant: ' + eos_token") { return "orion" }
        if contains("GPT4 Correct ") { return "openchat" }
        if contains("USER: ") && contains("ASSISTANT: ") { return contains("SYSTEM: ") ? "vicuna-orca" : "vicuna" }
        if contains("### Instruction:") && contains("<|EOT|>") { return "deepseek" }
        if contains("<|START_OF_TURN_TOKEN|>") && contains("<|USER_TOKEN|>") { return "command-r" }
        return nil
    }

    /// The whole conversation; with `addGenerationPrompt`, followed by what opens the
    /// assistant's turn (nothing for the Mistral and Llama 2 formats, whose `[/INST]` does).
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        switch format {
        case .chatml:
            return messages.map { "<|im_start|>\($0.role.rawValue)\n\($0.content)<|im_end|>\n" }.joined()
                + (addGenerationPrompt ? "<|im_start|>assistant\n" : "")
        case .llama3:
            return messages.map { "<|start_header_id|>\($0.role.rawValue)<|end_header_id|>\n\n\(Self.trim($0.content))<|eot_id|>" }.joined()
                + (addGenerationPrompt ? "<|start_header_id|>assistant<|end_header_id|>\n\n" : "")
        case .phi3:
            return messages.map { "<|\($0.role.rawValue)|>\n\($0.content)<|end|>\n" }.joined()
                + (addGenerationPrompt ? "<|assistant|>\n" : "")
        case .gemma:
            return renderGemma(messages, addGenerationPrompt: addGenerationPrompt)
        case .mistralV7, .mistralV7Tekken:
            let space = format == .mistralV7 ? " " : ""
            return messages.map { message in
                switch message.role {
                case .system: "[SYSTEM_PROMPT]\(space)\(message.content)[/SYSTEM_PROMPT]"
                case .user: "[INST]\(space)\(message.content)[/INST]"
                case .assistant: "\(space)\(message.content)</s>"
                }
            }.joined()
        case .mistralV1, .mistralV3, .mistralV3Tekken:
            return renderMistral(messages)
        case .llama2, .llama2Sys, .llama2SysBOS, .llama2SysStrip:
            return renderLlama2(messages)
        }
    }

    /// What closes an assistant reply. A reply the model ended itself has this marker's token
    /// (`stopToken`) as its last token; the rest must still be written before the next turn.
    public var endOfTurn: String {
        switch format {
        case .chatml: "<|im_end|>\n"
        case .llama3: "<|eot_id|>"
        case .gemma: "<end_of_turn>\n"
        case .phi3: "<|end|>\n"
        case .mistralV1, .mistralV3, .mistralV3Tekken, .mistralV7, .mistralV7Tekken,
             .llama2, .llama2Sys, .llama2SysBOS, .llama2SysStrip: "</s>"
        }
    }

    /// The token that ends the assistant's turn: generation stops when the model writes it.
    public var stopToken: String {
        switch format {
        case .chatml: "<|im_end|>"
        case .llama3: "<|eot_id|>"
        case .gemma: "<end_of_turn>"
        case .phi3: "<|end|>"
        case .mistralV1, .mistralV3, .mistralV3Tekken, .mistralV7, .mistralV7Tekken,
             .llama2, .llama2Sys, .llama2SysBOS, .llama2SysStrip: "</s>"
        }
    }

    /// What to append after an assistant reply whose text is already in place without its
    /// end-of-turn marker: the marker, the user's message, and what opens the assistant's turn,
    /// as a full rendering has them there.
    public func nextTurn(user: String) -> String {
        endOfTurn + (format == .llama2SysBOS ? "<s>" : "")
            + render([ChatMessage(.user, user)], addGenerationPrompt: true)
    }

    // MARK: - Formats with state across messages

    private func renderGemma(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        var text = ""
        var systemPrompt = ""
        for message in messages {
            if message.role == .system {
                // Gemma has no system role: llama.cpp merges it into the next user message.
                systemPrompt += Self.trim(message.content)
                continue
            }
            let role = message.role == .assistant ? "model" : message.role.rawValue
            text += "<start_of_turn>\(role)\n"
            if !systemPrompt.isEmpty && role != "model" {
                text += systemPrompt + "\n\n"
                systemPrompt = ""
            }
            text += Self.trim(message.content) + "<end_of_turn>\n"
        }
        return text + (addGenerationPrompt ? "<start_of_turn>model\n" : "")
    }

    private func renderMistral(_ messages: [ChatMessage]) -> String {
        let leadingSpace = format == .mistralV1 ? " " : ""
        let trailingSpace = format == .mistralV3Tekken ? "" : " "
        var text = ""
        var insideTurn = false
        for message in messages {
            if !insideTurn {
                text += leadingSpace + "[INST]" + trailingSpace
                insideTurn = true
            }
            switch message.role {
            case .system: text += message.content + "\n\n"
            case .user: text += message.content + leadingSpace + "[/INST]"
            case .assistant:
                text += trailingSpace + (format == .mistralV3 ? Self.trim(message.content) : message.content) + "</s>"
                insideTurn = false
            }
        }
        return text
    }

    private func renderLlama2(_ messages: [ChatMessage]) -> String {
        var text = "[INST] "
        var insideTurn = true
        for message in messages {
            let content = format == .llama2SysStrip ? Self.trim(message.content) : message.content
            if !insideTurn {
                insideTurn = true
                text += format == .llama2SysBOS ? "<s>[INST] " : "[INST] "
            }
            switch message.role {
            case .system:
                // Plain Llama 2 has no system marker: llama.cpp writes the text into the first turn.
                text += format == .llama2 ? content + "\n" : "<<SYS>>\n" + content + "\n<</SYS>>\n\n"
            case .user:
                text += content + " [/INST]"
            case .assistant:
                text += content + "</s>"
                insideTurn = false
            }
        }
        return text
    }

    /// llama.cpp's `trim`: C `isspace` (space, \t, \n, \v, \f, \r) off both ends.
    static func trim(_ text: String) -> String {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        let bytes = Array(text.utf8)
        var start = 0, end = bytes.count
        while start < end && isSpace(bytes[start]) { start += 1 }
        while end > start && isSpace(bytes[end - 1]) { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

public enum ChatTemplateError: Error, Equatable, CustomStringConvertible {
    case missing
    case unrecognised(String)
    /// A format llama.cpp recognises (by its name there) that this library does not render.
    case notImplemented(llamaCppName: String, String)
    case unknownName(String)

    static let names = ChatTemplate.Format.allCases.map(\.rawValue)
    static let flag = "--chat-template " + names.joined(separator: "|")

    public var description: String {
        switch self {
        case .missing:
            "the model has no chat template (tokenizer.chat_template); give one with \(Self.flag)"
        case let .unrecognised(source):
            "unrecognised chat template \"\(Self.preview(source))\"; give one with \(Self.flag)"
        case let .notImplemented(name, source):
            "chat template \"\(Self.preview(source))\" is llama.cpp's \(name), which is not implemented; give one with \(Self.flag)"
        case let .unknownName(name):
            "--chat-template \(name): unknown template; known: \(Self.names.joined(separator: ", "))"
        }
    }

    /// The template's first characters on one line (templates run to kilobytes of Jinja).
    static func preview(_ source: String, length: Int = 60) -> String {
        let flat = source.prefix(length).map { $0.isNewline ? " " : String($0) }.joined()
        return source.count > length ? flat + "…" : flat
    }
}
