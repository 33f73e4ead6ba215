/// Anything tensors can be looked up in by name: one safetensors file, or a sharded checkpoint.
/// Shape checks and model loaders are written against this, so they don't care which.
public protocol TensorSource: Sendable {
    /// What error messages name when a tensor is missing (a file path, or an index file's).
    var sourceName: String { get }
    /// Stored names, in file order.
    var tensorNames: [String] { get }
    /// The tensor stored under exactly this name, or nil.
    func lookup(_ name: String) -> TensorInfo?
    /// The tensor's bytes. Valid only while this source (or a copy of it) is alive:
    /// use `withExtendedLifetime(source)` around any use that outlives the last other reference.
    func rawBytes(of tensor: TensorInfo) throws(FormatError) -> UnsafeRawBufferPointer
}

extension TensorSource {
    /// Stored names minus the buffers in `TensorNames.nonWeightBufferPatterns`.
    public var weightNames: [String] { tensorNames.filter { !TensorNames.isNonWeightBuffer($0) } }

    public func info(named name: String) throws(FormatError) -> TensorInfo {
        guard let tensor = lookup(name) else {
            throw .tensorNotFound(file: sourceName, tensor: name, tried: [name])
        }
        return tensor
    }

    public func rawBytes(named name: String) throws(FormatError) -> UnsafeRawBufferPointer {
        try rawBytes(of: info(named: name))
    }

    /// The tensor's elements widened to f32. F32, F16 and BF16 only.
    public func floats(of tensor: TensorInfo) throws(FormatError) -> [Float] {
        let bytes = try rawBytes(of: tensor)
        guard let values = withExtendedLifetime(self, { FloatWidening.floats(bytes, dtype: tensor.dtype) }) else {
            throw .unsupportedDType(file: tensor.file, tensor: tensor.name, dtype: tensor.dtype.rawValue,
                                    operation: "conversion to f32")
        }
        return values
    }

    public func floats(named name: String) throws(FormatError) -> [Float] {
        try floats(of: info(named: name))
    }

    /// Finds a tensor under its canonical name however this checkpoint spells it: with any of
    /// `prefixes`, or with the legacy `gamma`/`beta` norm names (see `TensorNames.candidates`).
    /// The returned info carries the name actually stored.
    public func tensor(named name: String,
                       prefixes: [String] = TensorNames.defaultPrefixes) throws(FormatError) -> TensorInfo {
        let candidates = TensorNames.candidates(for: name, prefixes: prefixes)
        for candidate in candidates {
            if let tensor = lookup(candidate) { return tensor }
        }
        throw .tensorNotFound(file: sourceName, tensor: name, tried: candidates)
    }

    /// Like `tensor(named:prefixes:)`, nil when absent (for optional tensors).
    public func optionalTensor(named name: String,
                               prefixes: [String] = TensorNames.defaultPrefixes) -> TensorInfo? {
        TensorNames.candidates(for: name, prefixes: prefixes).lazy.compactMap(lookup).first
    }
}
