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
    /// `input` is written to the child's stdin, which is then closed (EOF); without it the
    /// child shares this process's stdin.
    public static func run(_ executable: URL, _ arguments: [String],
                           environment extra: [String: String] = [:], input: String? = nil) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = input.map { _ in Pipe() }
        if let stdin { process.standardInput = stdin }
        try process.run()
        if let stdin, let input {
            // A child that exits without reading its input must fail the test, not kill this
            // process with SIGPIPE.
            signal(SIGPIPE, SIG_IGN)
            // Written from another thread: a child that prints before it has read everything
            // would otherwise block on a full stdout pipe while this one blocks on a full stdin.
            let writer = stdin.fileHandleForWriting
            Thread.detachNewThread {
                writer.write(Data(input.utf8))
                try? writer.close()
            }
        }
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
