#if canImport(Glibc)
import Glibc
#endif
import Formats

/// config.json and its neighbours: every loader reads the same bytes, and a folder holding them
/// with a real (tiny) BERT checkpoint checks the config against the weights.
let folder: String = {
    let weights = Fuzz.repository("Tests/ModelTests/Fixtures/bert-mlm/model.safetensors")
    let folder = Fuzz.directory + "/folder"
    mkdir(folder, 0o700)
    symlink(weights, folder + "/model.safetensors")
    return folder
}()

func fuzz(_ bytes: UnsafeRawBufferPointer) {
    _ = folder  // created (with its weights) before the first write into it
    let path = Fuzz.write(bytes, name: "folder/config.json")
    _ = try? PoolingConfig.load(from: path)
    _ = try? ShardIndex.load(from: path)
    guard (try? ModelConfig.load(from: path)) != nil, let model = try? ModelFolder(path: folder) else { return }
    _ = try? model.openCheckedWeights()
}
