import Generation
import Testing

/// Renderings against strings written out by hand from the formats' definitions: ChatML
/// (`<|im_start|>{role}\n{content}<|im_end|>\n`, as llama.cpp's `LLM_CHAT_TEMPLATE_CHATML`) and
/// Meta's Llama 3 prompt format.
@Suite struct ChatTemplateTests {
    static let conversation = [
        ChatMessage(.system, "You are terse."),
        ChatMessage(.user, "What is the capital of France?"),
        ChatMessage(.assistant, "Paris."),
        ChatMessage(.user, "And of Germany?"),
    ]

    @Test func chatMLWithAndWithoutTheGenerationPrompt() {
        let template = ChatTemplate(.chatml)
        let body = "<|im_start|>system\nYou are terse.<|im_end|>\n"
            + "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n"
            + "<|im_start|>assistant\nParis.<|im_end|>\n"
            + "<|im_start|>user\nAnd of Germany?<|im_end|>\n"
        #expect(template.render(Self.conversation, addGenerationPrompt: false) == body)
        #expect(template.render(Self.conversation, addGenerationPrompt: true) == body + "<|im_start|>assistant\n")
        #expect(template.endOfTurn == "<|im_end|>\n")
        // No default system prompt is made up (SmolLM2's Jinja template would add one).
        #expect(template.render([ChatMessage(.user, "Hi")], addGenerationPrompt: true)
            == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    }

    @Test func llama3BeginsOnceAndTrimsContent() {
        let template = ChatTemplate(.llama3)
        let expected = "<|begin_of_text|>"
            + "<|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nWhat is the capital of France?<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\nParis.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nAnd of Germany?<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n"
        #expect(template.render(Self.conversation, addGenerationPrompt: true) == expected)
        #expect(template.render([ChatMessage(.user, "  Hi \n")], addGenerationPrompt: false)
            == "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>")
    }

    /// Incremental chat appends, after a reply's text, exactly what a full rendering has there.
    @Test(arguments: ChatTemplate.Format.allCases)
    func nextTurnContinuesAFullRendering(format: ChatTemplate.Format) {
        let template = ChatTemplate(format)
        let untilReply = template.render(Array(Self.conversation.prefix(2)), addGenerationPrompt: true) + "Paris."
        let full = template.render(Self.conversation, addGenerationPrompt: true)
        #expect(untilReply + template.nextTurn(user: "And of Germany?") == full)
    }

    static let smolLM2Source = """
        {% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system
        You are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>
        ' }}{% endif %}{{'<|im_start|>' + message['role'] + '
        ' + message['content'] + '<|im_end|>' + '
        '}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant
        ' }}{% endif %}
        """
    static let llama3Source = """
        {% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' \
        + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}\
        {% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}\
        {{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}
        """

    @Test func detectsTheFormatFromTheJinjaSource() throws {
        #expect(try ChatTemplate(detecting: Self.smolLM2Source).format == .chatml)
        #expect(try ChatTemplate(detecting: Self.llama3Source).format == .llama3)
        #expect(try ChatTemplate(named: "ChatML").format == .chatml)
        #expect(try ChatTemplate(named: "llama3").format == .llama3)
    }

    @Test func unknownOrMissingTemplatesAreErrorsNamingTheFlag() {
        let mistral = "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% endif %}{% endfor %}"
        #expect(throws: ChatTemplateError.unrecognised(mistral)) { try ChatTemplate(detecting: mistral) }
        let error = ChatTemplateError.unrecognised(mistral).description
        #expect(error.contains("\"{{ bos_token }}{% for message in messages %}{% if message['r…\""), "\(error)")
        #expect(error.contains("--chat-template chatml|llama3"))
        #expect(!error.contains("\n"))

        #expect(throws: ChatTemplateError.missing) { try ChatTemplate(detecting: nil) }
        #expect(throws: ChatTemplateError.missing) { try ChatTemplate(detecting: "") }
        #expect(ChatTemplateError.missing.description.contains("--chat-template chatml|llama3"))
        // ChatML markers with Phi-4's separator are another format, not ChatML.
        let phi4 = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '<|im_sep|>' + message['content'] + '<|im_end|>'}}{% endfor %}"
        #expect(throws: ChatTemplateError.unrecognised(phi4)) { try ChatTemplate(detecting: phi4) }

        #expect(throws: ChatTemplateError.unknownName("nonsense")) { try ChatTemplate(named: "nonsense") }
        #expect(ChatTemplateError.unknownName("nonsense").description.contains("--chat-template nonsense"))
    }
}
