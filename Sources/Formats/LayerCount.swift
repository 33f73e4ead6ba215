/// A config's layer count checked against the layers the checkpoint actually holds, before any
/// per-layer list is built: `num_hidden_layers: 16777216` would otherwise build sixteen million
/// layers' worth of expected tensors (gigabytes) only to find layer 1 missing, and a count below
/// the stored layers would silently run a truncated model.
enum LayerCount {
    /// One more than the highest N in weight names `<prefix><stem>N.…` (say `bert.encoder.layer.11.…`).
    static func present(in source: any TensorSource, stem: String,
                        prefixes: [String] = TensorNames.defaultPrefixes) -> Int {
        var highest = -1
        for name in source.weightNames {
            for prefix in prefixes where name.hasPrefix(prefix + stem) {
                let rest = name.utf8.dropFirst(prefix.utf8.count + stem.utf8.count)
                let digits = rest.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                guard !digits.isEmpty, digits.count <= 9, rest.dropFirst(digits.count).first == UInt8(ascii: "."),
                      let index = Int(String(decoding: digits, as: UTF8.self)) else { continue }
                highest = max(highest, index)
            }
        }
        return highest + 1
    }

    static func check(declared: Int, field: String, configFile: String, stem: String,
                      in source: any TensorSource) throws(FormatError) {
        let found = present(in: source, stem: stem)
        guard found == declared else {
            throw .badConfig(file: configFile, field: field,
                             detail: "says \(declared) layers, but \(source.sourceName) holds weights for \(found)"
                                 + (found > 0 ? " (\(stem)0 … \(stem)\(found - 1))" : ""))
        }
    }
}
