import Foundation
import PackagePlugin

/// Compiles every `Shaders/*.comp` to SPIR-V with glslang and embeds the words in the
/// target as Swift source, so a built executable needs no resource files at run time.
@main
struct EmbedShaders: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let shaderDirectory = context.package.directoryURL.appending(path: "Shaders")
        let files = try FileManager.default.contentsOfDirectory(
            at: shaderDirectory, includingPropertiesForKeys: nil)
            .filter { ["comp", "glsl"].contains($0.pathExtension) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let shaders = files.filter { $0.pathExtension == "comp" }
        // SwiftPM's tool lookup does not see executables installed in the system, so search PATH.
        guard let glslang = Self.findOnPath("glslangValidator") else {
            throw PluginError(
                "glslangValidator not found on PATH; install glslang-tools (scripts/setup.sh does).")
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedShaders.swift")
        return [
            .buildCommand(
                displayName: "Compiling \(shaders.count) compute shaders to SPIR-V",
                executable: try context.tool(named: "ShaderCompiler").url,
                arguments: [glslang.path, shaderDirectory.path, output.path]
                    + shaders.map(\.path),
                inputFiles: files,
                outputFiles: [output])
        ]
    }

    static func findOnPath(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appending(path: name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}

struct PluginError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
