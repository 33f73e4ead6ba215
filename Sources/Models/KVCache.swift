import Compute

/// Keys and values of every position seen so far, per layer: [positions, width] each (width =
/// K/V heads · head size), filled row by row as chunks are appended. GPT-2 and Llama share it.
struct KVCache: Sendable {
    let keys: [Tensor]
    let values: [Tensor]

    init(backend: any Backend, layers: Int, rows: Int, width: Int) throws {
        keys = try (0..<layers).map { try backend.empty(shape: [rows, width], dtype: .f32, name: "key cache \($0)") }
        values = try (0..<layers).map { try backend.empty(shape: [rows, width], dtype: .f32, name: "value cache \($0)") }
    }
}
