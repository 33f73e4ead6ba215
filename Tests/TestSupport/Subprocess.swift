import Foundation

/// What a finished child process printed, and how it exited.
public struct ProcessOutput: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs programs from tests: the `vulkanlm` binary, python3 with the project's scripts.
public enum Subprocess {
    /// Runs `executable` with `arguments` in this process's environment plus `extra`, and waits.
    public static func run(_ executable: URL, _ arguments: [String],
                           environment extra: [String: String] = [:]) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProcessOutput(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                             stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs a program found on PATH (`arguments[0]`), as `/usr/bin/env` finds it.
    public static func run(_ arguments: [String]) throws -> ProcessOutput {
        try run(URL(fileURLWithPath: "/usr/bin/env"), arguments)
    }
}
