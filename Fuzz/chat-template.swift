/// The chat-template renderer (compiled together with Sources/Generation/ChatTemplate.swift):
/// the input as a GGUF's template source to detect, as a template name, and as message text.
func fuzz(_ bytes: UnsafeRawBufferPointer) {
    let text = String(decoding: bytes, as: UTF8.self)
    _ = try? ChatTemplate(named: text)
    var templates = ChatTemplate.Format.allCases.map(ChatTemplate.init)
    if let detected = try? ChatTemplate(detecting: text) { templates.append(detected) }
    for template in templates {
        let messages = [ChatMessage(.system, text), ChatMessage(.user, text), ChatMessage(.assistant, text)]
        _ = template.render(messages, addGenerationPrompt: true)
        _ = template.nextTurn(user: text)
    }
}
