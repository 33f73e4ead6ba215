import FoundationEssentials

/// Several safetensors files acting as one checkpoint, as listed by a
/// `model.safetensors.index.json` (`{"metadata": {...}, "weight_map": {tensor: shard file}}`).
public struct ShardedCheckpoint: TensorSource {
    public let indexPath: String
    public let shards: [SafetensorsFile]
    public let tensorNames: [String]
    private let owner: [String: Int]

    /// Opens the shards and checks that each tensor lives in exactly one of them and that the
    /// index and the shards agree about where.
    public init(indexPath: String, shardPaths: [String], weightMap: [String: String]) throws(FormatError) {
        var shards: [SafetensorsFile] = []
        for shardPath in shardPaths { shards.append(try SafetensorsFile(path: shardPath)) }
        try self.init(indexPath: indexPath, shards: shards, weightMap: weightMap)
    }

    public init(indexPath: String, shards: [SafetensorsFile], weightMap: [String: String]) throws(FormatError) {
        var owner: [String: Int] = [:]
        var names: [String] = []
        for (index, shard) in shards.enumerated() {
            for name in shard.tensorNames {
                if let previous = owner[name] {
                    throw .duplicateTensor(file: shard.path, tensor: name, otherFile: shards[previous].path)
                }
                owner[name] = index
                names.append(name)
            }
        }
        for (name, shardFile) in weightMap.sorted(by: { $0.key < $1.key }) {
            guard let index = owner[name] else {
                throw .tensorNotFound(file: shardFile, tensor: name, tried: [name])
            }
            guard Self.lastComponent(shards[index].path) == Self.lastComponent(shardFile) else {
                throw .badConfig(file: indexPath, field: "weight_map.\(name)",
                                 detail: "says \(shardFile), but the tensor is in \(shards[index].path)")
            }
        }
        self.indexPath = indexPath
        self.shards = shards
        self.owner = owner
        self.tensorNames = names
    }

    public var sourceName: String { indexPath }

    public func lookup(_ name: String) -> TensorInfo? {
        owner[name].flatMap { shards[$0].lookup(name) }
    }

    public func rawBytes(of tensor: TensorInfo) throws(FormatError) -> UnsafeRawBufferPointer {
        guard let index = owner[tensor.name] else {
            throw .tensorNotFound(file: indexPath, tensor: tensor.name, tried: [tensor.name])
        }
        return try shards[index].rawBytes(of: tensor)
    }

    private static func lastComponent(_ path: String) -> Substring {
        path.split(separator: "/").last ?? Substring(path)
    }
}
