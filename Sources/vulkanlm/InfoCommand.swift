import ArgumentParser
import Formats
import FoundationEssentials

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a GGUF model file: version, alignment, metadata and tensors.")

    @Argument(help: "A .gguf file.")
    var model: String

    @Flag(name: .long, help: "List every tensor (default: the first \(InfoCommand.defaultTensorRows)).")
    var tensors = false

    @Flag(name: .long, help: "Print JSON (the tensor list follows --tensors too).")
    var json = false

    static let defaultTensorRows = 20

    func run() throws {
        let file = try GGUFFile(path: model)
        let rows = tensors ? file.tensors.count : min(Self.defaultTensorRows, file.tensors.count)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(InfoJSON.report(file, rows: rows)), as: UTF8.self))
        } else {
            print(InfoText.report(file, rows: rows), terminator: "")
        }
    }
}
