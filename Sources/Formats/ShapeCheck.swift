/// A tensor an architecture needs (or may have), under its canonical name: the one the bare
/// model class uses, without `bert.`/`transformer.` prefixes and with `weight`/`bias` norms.
public struct ExpectedTensor: Sendable, Equatable, CustomStringConvertible {
    public let name: String
    public let shape: [Int]
    /// Optional tensors are checked when present and skipped when absent.
    public let isRequired: Bool

    public init(_ name: String, _ shape: [Int], required: Bool = true) {
        self.name = name
        self.shape = shape
        self.isRequired = required
    }

    public var description: String { "\(name)\(shape)\(isRequired ? "" : " (optional)")" }
}

/// Weights that passed a shape check: canonical name → the stored tensor.
public struct CheckedWeights: Sendable {
    public let source: any TensorSource
    public let tensors: [String: TensorInfo]
    /// Stored tensors nobody expected and that are not known buffers: harmless, but worth a log
    /// line, since they usually mean a head this loader ignores.
    public let unused: [String]

    public func floats(_ canonicalName: String) throws(FormatError) -> [Float] {
        guard let tensor = tensors[canonicalName] else {
            throw .tensorNotFound(file: source.sourceName, tensor: canonicalName, tried: [canonicalName])
        }
        return try source.floats(of: tensor)
    }
}

public enum ShapeCheck {
    /// Resolves every expected tensor (prefixes and legacy names allowed) and compares shapes.
    /// Throws on the first missing required tensor or wrong shape, in `expected` order, and on a
    /// weight stored in a type that is not a float.
    public static func check(_ expected: [ExpectedTensor], in source: any TensorSource,
                             prefixes: [String] = TensorNames.defaultPrefixes) throws(FormatError) -> CheckedWeights {
        var resolved: [String: TensorInfo] = [:]
        for tensor in expected {
            guard let found = source.optionalTensor(named: tensor.name, prefixes: prefixes) else {
                if tensor.isRequired {
                    throw .shapeMismatch(file: source.sourceName, tensor: tensor.name, expected: tensor.shape, found: nil)
                }
                continue
            }
            guard found.shape == tensor.shape else {
                throw .shapeMismatch(file: found.file, tensor: found.name, expected: tensor.shape, found: found.shape)
            }
            guard found.dtype.isConvertibleToFloat else {
                throw .unsupportedDType(file: found.file, tensor: found.name, dtype: found.dtype.rawValue,
                                        operation: "a model weight")
            }
            resolved[tensor.name] = found
        }
        let used = Set(resolved.values.map(\.name))
        let unused = source.weightNames.filter { !used.contains($0) }
        return CheckedWeights(source: source, tensors: resolved, unused: unused)
    }
}
