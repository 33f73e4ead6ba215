import Formats
import FoundationEssentials

/// Reading tokenizer files, with every failure turned into a `TokenizerError` naming the file.
enum TokenizerFileReader {
    /// The whole file. FIFOs, devices and directories are refused before anything is opened
    /// (reading a FIFO would block until some writer appears).
    static func read(_ path: String) throws(TokenizerError) -> Data {
        do {
            return try FileSystem.contents(of: path)
        } catch .missingFile {
            throw .fileNotFound(path: path)
        } catch .cannotRead(_, let reason) {
            throw .unreadableFile(path: path, reason: reason)
        } catch {
            throw .unreadableFile(path: path, reason: "\(error)")
        }
    }

    static func readText(_ path: String) throws(TokenizerError) -> String {
        let data = try read(path)
        // Refuse rather than repair: a vocabulary with replacement characters would silently
        // map to the wrong tokens.
        guard let text = String(validating: data, as: UTF8.self) else {
            throw .invalidFile(path: path, reason: "not valid UTF-8")
        }
        return text
    }

    static func decodeJSON<T: Decodable>(_ type: T.Type, from path: String) throws(TokenizerError) -> T {
        let data = try read(path)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw .invalidFile(path: path, reason: "JSON does not match the expected layout (\(error))")
        }
    }

    /// Splits on "\n" only (and drops a trailing "\r"), the way Rust's `lines()` reads vocab files.
    /// Works on scalars: as Characters, "\r\n" is one grapheme and would not split on "\n".
    static func lines(_ text: String) -> [Substring] {
        text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let line = Substring(line)
            return line.unicodeScalars.last == "\r" ? Substring(line.unicodeScalars.dropLast()) : line
        }
    }
}
