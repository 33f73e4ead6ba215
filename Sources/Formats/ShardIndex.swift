/// `model.safetensors.index.json`: which shard file holds each tensor.
public struct ShardIndex: Sendable, Equatable {
    public let path: String
    /// Tensor name → shard file name (relative to the folder).
    public let weightMap: [String: String]
    /// Distinct shard file names, sorted (HF names them `model-00001-of-0000N.safetensors`).
    public let shardFiles: [String]

    private struct Raw: Decodable {
        let weightMap: [String: String]
        enum CodingKeys: String, CodingKey { case weightMap = "weight_map" }
    }

    public static func load(from path: String) throws(FormatError) -> ShardIndex {
        let weightMap = try JSONFile.decode(Raw.self, from: path).weightMap
        let shardFiles = Set(weightMap.values).sorted()
        // Shards are siblings of the index; anything else would let an index reach outside the folder.
        for file in shardFiles where file.isEmpty || file.contains("/") || file == "." || file == ".." {
            throw .badConfig(file: path, field: "weight_map", detail: "shard name '\(file)' is not a file name")
        }
        guard !shardFiles.isEmpty else {
            throw .badConfig(file: path, field: "weight_map", detail: "lists no tensors")
        }
        return ShardIndex(path: path, weightMap: weightMap, shardFiles: shardFiles)
    }
}
