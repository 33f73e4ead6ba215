import Foundation
import Generation
import Testing

/// Chat templates against llama.cpp's own test cases (Fixtures/chat-templates.json, extracted by
/// scripts/make-chat-template-fixtures.py from its tests/test-chat-template.cpp): each case's
/// Jinja source is detected, the conversation rendered with the generation prompt, and the text
/// must equal llama.cpp's expected output. A source of a format not implemented here must be
/// refused, never rendered as another format.
@Suite struct ChatTemplateFixtureTests {
    struct Fixture: Decodable {
        struct Message: Decodable { let role: String; let content: String }
        struct Case: Decodable {
            let name: String
            let template: String
            // swiftlint:disable:next identifier_name
            let expected_output: String
        }
        let conversation: [Message]
        let cases: [Case]
    }

    static let fixture: Fixture? = try? JSONDecoder().decode(
        Fixture.self, from: Data(contentsOf: LlamaFixtures.directory.appending(path: "chat-templates.json")))

    /// The cases llama.cpp renders with the formats implemented here.
    static let expectedFormats: [String: ChatTemplate.Format] = [
        "teknium/OpenHermes-2.5-Mistral-7B": .chatml,
        "mistralai/Mistral-7B-Instruct-v0.2 (NOTE: Old pre-v1 without a system prompt)": .llama2,
        "TheBloke/FusionNet_34Bx2_MoE-AWQ": .llama2SysBOS,
        "bofenghuang/vigogne-2-70b-chat": .llama2SysStrip,
        "google/gemma-7b-it": .gemma,
        "Llama-3": .llama3,
        "Phi-3-mini": .phi3, "Phi-3-small": .phi3, "Phi-3-medium": .phi3, "Phi-3-vision": .phi3,
        "mistralai/Mistral-7B-Instruct-v0.2 (mistralai 'v1' template with a system prompt)": .mistralV1,
        "Mistral-Large-Instruct-2407 (mistralai 'v3' template; modified to have system prompt at start)": .mistralV3,
        "Mistral-Nemo-Instruct-2407 (mistralai 'v3-tekken' template; modified to have system prompt at start)": .mistralV3Tekken,
        "mistralai/Mistral-Large-Instruct-2411 (mistralai 'v7' template)": .mistralV7,
    ]

    @Test func rendersExactlyAsLlamaCpp() throws {
        let fixture = try #require(Self.fixture, "Fixtures/chat-templates.json is missing or unreadable")
        let conversation = try fixture.conversation.map { message in
            ChatMessage(try #require(ChatMessage.Role(rawValue: message.role)), message.content)
        }
        var rendered = 0
        for testCase in fixture.cases {
            let expectedFormat = Self.expectedFormats[testCase.name]
            do {
                let template = try ChatTemplate(detecting: testCase.template)
                #expect(template.format == expectedFormat, "\(testCase.name): detected \(template.format)")
                #expect(template.render(conversation, addGenerationPrompt: true) == testCase.expected_output, "\(testCase.name)")
                rendered += 1
            } catch {
                #expect(expectedFormat == nil, "\(testCase.name): \(error)")
            }
        }
        print("chat templates: \(rendered) of llama.cpp's \(fixture.cases.count) test cases rendered identically; "
              + "the rest are formats not implemented here and are refused")
        #expect(rendered == Self.expectedFormats.count)
    }

    /// Every format's name is llama.cpp's, and llama.cpp's detection takes a bare name as the template.
    @Test(arguments: ChatTemplate.Format.allCases)
    func namesAreLlamaCppNames(format: ChatTemplate.Format) throws {
        #expect(try ChatTemplate(named: format.rawValue).format == format)
        #expect(try ChatTemplate(detecting: format.rawValue).format == format)
    }
}
