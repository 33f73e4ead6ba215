/// Reads an architecture's `<arch>.*` metadata keys the way llama.cpp's `llama_model_loader::get_key`
/// does: a missing optional key takes its default, a present key of the wrong kind or range is an
/// error naming the file and the full key.
public struct GGUFHyperparameters: Sendable {
    public let gguf: GGUFFile
    /// `general.architecture`: the prefix of every key read here.
    public let architecture: String

    public init(gguf: GGUFFile, architecture: String) {
        self.gguf = gguf
        self.architecture = architecture
    }

    public var file: String { gguf.path }
    public func fullKey(_ key: String) -> String { architecture + "." + key }
    public func has(_ key: String) -> Bool { gguf.metadata[fullKey(key)] != nil }
    public func hasTensor(_ name: String) -> Bool { gguf.tensors.contains { $0.name == name } }

    public func error(_ key: String, _ detail: String) -> FormatError {
        .badMetadata(file: file, key: fullKey(key), detail: detail)
    }

    /// A count in 1...2³⁰; `fallback` nil makes the key required.
    public func integer(_ key: String, default fallback: Int? = nil) throws(FormatError) -> Int {
        guard let value = gguf.metadata[fullKey(key)] else {
            if let fallback { return fallback }
            throw error(key, "missing")
        }
        guard let int = value.int, int >= 1, int <= 1 << 30 else {
            throw error(key, "must be an integer in 1...2³⁰, found \(value)")
        }
        return int
    }

    /// A count in 0...2³⁰ (0 often meaning "off"), or nil when the key is absent.
    public func optionalCount(_ key: String) throws(FormatError) -> Int? {
        guard let value = gguf.metadata[fullKey(key)] else { return nil }
        guard let int = value.int, int >= 0, int <= 1 << 30 else {
            throw error(key, "must be an integer in 0...2³⁰, found \(value)")
        }
        return int
    }

    /// A finite positive number, or `fallback` when the key is absent.
    public func real(_ key: String, default fallback: Float) throws(FormatError) -> Float {
        try optionalReal(key) ?? fallback
    }

    public func optionalReal(_ key: String) throws(FormatError) -> Float? {
        guard let value = gguf.metadata[fullKey(key)] else { return nil }
        guard let double = value.float, double.isFinite, double > 0, double <= Double(Float.greatestFiniteMagnitude) else {
            throw error(key, "must be a positive number, found \(value)")
        }
        return Float(double)
    }

    /// A number ≥ 0 where 0 means "off" (llama.cpp's soft-capping keys), or `fallback`.
    public func realOrZero(_ key: String, default fallback: Float) throws(FormatError) -> Float {
        guard let value = gguf.metadata[fullKey(key)] else { return fallback }
        guard let double = value.float, double.isFinite, double >= 0, double <= Double(Float.greatestFiniteMagnitude) else {
            throw error(key, "must be a number ≥ 0, found \(value)")
        }
        return Float(double)
    }

    public func string(_ key: String) throws(FormatError) -> String? {
        guard let value = gguf.metadata[fullKey(key)] else { return nil }
        guard let string = value.string else { throw error(key, "must be a string, found \(value)") }
        return string
    }

    /// llama.cpp's `load_swa_pattern`: `attention.sliding_window_pattern` is either a per-layer
    /// array of booleans or a period n (layer l slides unless l % n == n − 1; n = 0: all slide);
    /// absent, `period` applies.
    public func slidingLayers(layers: Int, period fallback: Int) throws(FormatError) -> [Bool] {
        let key = "attention.sliding_window_pattern"
        guard let value = gguf.metadata[fullKey(key)] else { return Self.slidingPattern(layers: layers, period: fallback) }
        if let array = value.array {
            let flags = array.compactMap(\.bool)
            guard flags.count == array.count, flags.count >= layers else {
                throw error(key, "must hold a boolean for each of the \(layers) layers, found \(array.count) entries")
            }
            return Array(flags.prefix(layers))
        }
        guard let period = value.int, period >= 0, period <= 1 << 30 else {
            throw error(key, "must be a layer period ≥ 0 or a boolean per layer, found \(value)")
        }
        return Self.slidingPattern(layers: layers, period: period)
    }

    static func slidingPattern(layers: Int, period: Int) -> [Bool] {
        (0..<layers).map { period == 0 || $0 % period < period - 1 }
    }
}
