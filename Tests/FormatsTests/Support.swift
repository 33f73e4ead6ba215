import Foundation
import Testing
import TestSupport
@testable import Formats

/// A fresh directory under the system temp dir, removed when the value is deinitialised.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("formats-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    @discardableResult
    func write(_ bytes: [UInt8], to name: String) throws -> String {
        let target = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        return target
    }

    @discardableResult
    func write(_ text: String, to name: String) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        return target
    }
}

/// One tensor to put in a hand-made safetensors file; `data` is the raw little-endian bytes.
struct TestTensor {
    var name: String
    var dtype: String
    var shape: [Int]
    var data: [UInt8]

    static func f32(_ name: String, _ shape: [Int], _ values: [Float]) -> TestTensor {
        TestTensor(name: name, dtype: "F32", shape: shape, data: values.flatMap { bytes(of: $0.bitPattern) })
    }

    static func f16(_ name: String, _ shape: [Int], _ values: [Float]) -> TestTensor {
        TestTensor(name: name, dtype: "F16", shape: shape, data: values.flatMap { bytes(of: Float16($0).bitPattern) })
    }

    static func bf16(_ name: String, _ shape: [Int], _ values: [Float]) -> TestTensor {
        TestTensor(name: name, dtype: "BF16", shape: shape,
                   data: values.flatMap { bytes(of: UInt16($0.bitPattern >> 16)) })
    }

    static func i64(_ name: String, _ shape: [Int], _ values: [Int64]) -> TestTensor {
        TestTensor(name: name, dtype: "I64", shape: shape, data: values.flatMap { bytes(of: $0) })
    }

    static func bytes<T: FixedWidthInteger>(of value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}

/// Builds safetensors bytes the way the format specifies, laying tensors out back to back.
/// `headerPadding` spaces follow the JSON, as real writers pad to a multiple of 8.
func safetensorsBytes(_ tensors: [TestTensor], metadata: [String: String]? = nil, headerPadding: Int = 0) -> [UInt8] {
    var entries: [String] = []
    if let metadata {
        let pairs = metadata.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }
        entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
    }
    var offset = 0
    var data: [UInt8] = []
    for tensor in tensors {
        let shape = tensor.shape.map(String.init).joined(separator: ",")
        entries.append("\"\(tensor.name)\":{\"dtype\":\"\(tensor.dtype)\",\"shape\":[\(shape)],"
            + "\"data_offsets\":[\(offset),\(offset + tensor.data.count)]}")
        offset += tensor.data.count
        data += tensor.data
    }
    let header = "{" + entries.joined(separator: ",") + "}" + String(repeating: " ", count: headerPadding)
    return safetensorsBytes(header: header, data: data)
}

/// Raw assembly from a header text, for headers no honest writer would produce.
func safetensorsBytes(header: String, data: [UInt8], declaredLength: UInt64? = nil) -> [UInt8] {
    let json = Array(header.utf8)
    return TestTensor.bytes(of: declaredLength ?? UInt64(json.count)) + json + data
}

/// Runs `body`, which must throw a `FormatError` matching `kind`, whose message mentions every
/// string in `mentions` (file, tensor, offending value...). Returns the error for further checks.
@discardableResult
func expectFormatError(_ mentions: [String], sourceLocation: SourceLocation = #_sourceLocation,
                       _ body: () throws -> Void,
                       where kind: (FormatError) -> Bool) -> FormatError? {
    let error = #expect(throws: FormatError.self, sourceLocation: sourceLocation) { try body() }
    guard let error else { return nil }
    #expect(kind(error), "unexpected error: \(error)", sourceLocation: sourceLocation)
    for mention in mentions {
        #expect(error.description.contains(mention), "'\(error)' does not mention '\(mention)'",
                sourceLocation: sourceLocation)
    }
    return error
}

/// The repository root, found from this file's location (Tests/FormatsTests/Support.swift).
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

let isCI = TestVulkan.isCI
