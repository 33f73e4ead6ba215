#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials

/// The few file-system questions the loaders ask, answered with plain POSIX calls.
public enum FileSystem {
    enum Kind { case missing, file, directory, other }

    static func kind(of path: String) -> Kind {
        var status = stat()
        guard stat(path, &status) == 0 else { return .missing }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    static func isFile(_ path: String) -> Bool { kind(of: path) == .file }

    /// The S_IFMT bits of what is at `path` (following symlinks); `.missingFile` when nothing is.
    private static func existingType(_ path: String) throws(FormatError) -> mode_t {
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            throw code == ENOENT || code == ENOTDIR
                ? .missingFile(file: path) : .cannotRead(file: path, reason: MappedFile.describe(code))
        }
        return status.st_mode & S_IFMT
    }

    /// Throws unless `path` is a regular file (following symlinks): `.missingFile` when nothing
    /// is there, else a message saying what is there instead (a directory, a FIFO, a device…).
    static func requireRegularFile(_ path: String) throws(FormatError) {
        let type = try existingType(path)
        guard type == S_IFREG else {
            throw .cannotRead(file: path, reason: "not a regular file (\(describe(type: type)))")
        }
    }

    /// Throws unless `path` is a directory, saying what is there instead.
    static func requireDirectory(_ path: String) throws(FormatError) {
        let type = try existingType(path)
        guard type == S_IFDIR else {
            throw .cannotRead(file: path, reason: "not a model folder (\(describe(type: type)))")
        }
    }

    static func describe(type: mode_t) -> String {
        switch type {
        case S_IFREG: "a regular file"
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "file type \(type)"
        }
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// A small file's whole contents (configs, indexes). Missing files throw `.missingFile`.
    /// Public for the tokenizer loaders: one place refuses FIFOs and devices before reading.
    public static func contents(of path: String) throws(FormatError) -> Data {
        let mapping = try MappedFile(path: path)
        return Data(mapping.bytes)
    }
}

/// Decoding of JSON config files into typed values, with errors that name file and field.
enum JSONFile {
    static func decode<T: Decodable>(_ type: T.Type, from path: String) throws(FormatError) -> T {
        let data = try FileSystem.contents(of: path)
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as FormatError {
            throw error
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                if DecodingErrorText.isJSONObject(data) {
                    throw .badConfig(file: path, field: "(unknown)",
                                     detail: "valid JSON, but a number does not fit its field (a fraction where an integer belongs, say)")
                }
                throw .badJSON(file: path, detail: context.debugDescription)
            }
            throw .badConfig(file: path, field: DecodingErrorText.field(error) ?? "(top level)",
                             detail: DecodingErrorText.describe(error))
        } catch {
            throw .badJSON(file: path, detail: "\(error)")
        }
    }
}
