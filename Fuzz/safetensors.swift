import Formats

/// The safetensors reader: header, then every tensor's bytes widened to floats.
func fuzz(_ bytes: UnsafeRawBufferPointer) {
    let path = Fuzz.write(bytes, name: "model.safetensors")
    guard let file = try? SafetensorsFile(path: path) else { return }
    for tensor in file.allTensors.prefix(64) { _ = try? file.floats(of: tensor) }
}
