import Generation
import Testing

/// Renderings against strings written out by hand from llama.cpp's `llm_chat_apply_template`
/// (src/llama-chat.cpp). llama.cpp's own test cases for every format are checked in
/// LlamaTests/ChatTemplateFixtureTests.
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

    /// No `<|begin_of_text|>`: as in llama.cpp, the tokenizer adds BOS (Llama 3 files ask for it).
    @Test func llama3TrimsContent() {
        let template = ChatTemplate(.llama3)
        let expected = "<|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nWhat is the capital of France?<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\nParis.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nAnd of Germany?<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n"
        #expect(template.render(Self.conversation, addGenerationPrompt: true) == expected)
        #expect(template.render([ChatMessage(.user, "  Hi \n")], addGenerationPrompt: false)
            == "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>")
    }

    /// Gemma calls the assistant "model" and has no system role: the system text opens the
    /// first user message.
    @Test func gemmaMergesTheSystemMessage() {
        let expected = "<start_of_turn>user\nYou are terse.\n\nWhat is the capital of France?<end_of_turn>\n"
            + "<start_of_turn>model\nParis.<end_of_turn>\n"
            + "<start_of_turn>user\nAnd of Germany?<end_of_turn>\n"
            + "<start_of_turn>model\n"
        #expect(ChatTemplate(.gemma).render(Self.conversation, addGenerationPrompt: true) == expected)
        #expect(ChatTemplate(.gemma).stopToken == "<end_of_turn>")
    }

    /// Incremental chat appends, after a reply's text, exactly what a full rendering has there.
    /// (The Mistral formats write a space before a reply, which the model's reply then starts with.)
    @Test(arguments: ChatTemplate.Format.allCases)
    func nextTurnContinuesAFullRendering(format: ChatTemplate.Format) {
        let template = ChatTemplate(format)
        let reply = [.mistralV1, .mistralV3, .mistralV7].contains(format) ? " Paris." : "Paris."
        let untilReply = template.render(Array(Self.conversation.prefix(2)), addGenerationPrompt: true) + reply
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
        #expect(try ChatTemplate(named: "mistral-v7").format == .mistralV7)
        #expect(try ChatTemplate(detecting: "{{ '<start_of_turn>' + role }}").format == .gemma)
        #expect(try ChatTemplate(detecting: "{{ '<|user|>' }}{{ '<|assistant|>' }}{{ '<|end|>' }}").format == .phi3)
    }

    @Test func unknownOrMissingTemplatesAreErrorsNamingTheFlag() {
        let unknown = "{{ bos_token }}{% for message in messages %}{{ '### ' + message['role'] + ': ' + message['content'] }}{% endfor %}"
        #expect(throws: ChatTemplateError.unrecognised(unknown)) { try ChatTemplate(detecting: unknown) }
        let error = ChatTemplateError.unrecognised(unknown).description
        #expect(error.contains("\"{{ bos_token }}{% for message in messages %}{{ '### ' + mess…\""), "\(error)")
        #expect(error.contains("--chat-template chatml|llama3|gemma|mistral-v1|"))
        #expect(!error.contains("\n"))

        #expect(throws: ChatTemplateError.missing) { try ChatTemplate(detecting: nil) }
        #expect(throws: ChatTemplateError.missing) { try ChatTemplate(detecting: "") }
        #expect(ChatTemplateError.missing.description.contains("--chat-template chatml|llama3|gemma"))
        // ChatML markers with Phi-4's separator are another format (llama.cpp's phi4), not ChatML.
        let phi4 = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '<|im_sep|>' + message['content'] + '<|im_end|>'}}{% endfor %}"
        #expect(throws: ChatTemplateError.notImplemented(llamaCppName: "phi4", phi4)) { try ChatTemplate(detecting: phi4) }
        #expect(ChatTemplateError.notImplemented(llamaCppName: "phi4", phi4).description.contains("llama.cpp's phi4"))

        #expect(throws: ChatTemplateError.unknownName("nonsense")) { try ChatTemplate(named: "nonsense") }
        #expect(ChatTemplateError.unknownName("nonsense").description.contains("--chat-template nonsense"))
    }
}
