#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials

/// The few file-system questions the loaders ask, answered with plain POSIX calls.
enum FileSystem {
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

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// A small file's whole contents (configs, indexes). Missing files throw `.missingFile`.
    static func contents(of path: String) throws(FormatError) -> Data {
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
                throw .badJSON(file: path, detail: context.debugDescription)
            }
            throw .badConfig(file: path, field: DecodingErrorText.field(error) ?? "(top level)",
                             detail: DecodingErrorText.describe(error))
        } catch {
            throw .badJSON(file: path, detail: "\(error)")
        }
    }
}
