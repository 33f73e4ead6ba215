import Foundation
import PackagePlugin

/// Compiles every `Shaders/*.comp` to SPIR-V with glslang and embeds the words in the
/// target as Swift source, so a built executable needs no resource files at run time.
///
/// A prebuild command, run on every build: SwiftPM re-plans build commands only when the
/// manifest or the target's own files change, so a build command would miss shaders added to
/// or removed from `Shaders/`. Unchanged shaders leave the generated file untouched.
@main
struct EmbedShaders: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let packageDirectory = context.package.directoryURL
        // SwiftPM's tool lookup does not see executables installed in the system, so search PATH.
        guard let glslang = Self.findOnPath("glslangValidator") else {
            throw PluginError(
                "glslangValidator not found on PATH; install glslang-tools (scripts/setup.sh does).")
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        return [
            .prebuildCommand(
                displayName: "Compiling Shaders/*.comp to SPIR-V",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [packageDirectory.appending(path: "Plugins/EmbedShaders/compile-shaders.sh").path,
                            glslang.path, packageDirectory.appending(path: "Shaders").path, output.path],
                outputFilesDirectory: output)
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
