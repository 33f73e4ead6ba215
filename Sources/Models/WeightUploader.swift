import Compute
import Formats

/// Moves checked weights onto a backend, once. Matrices (Linear weights, embedding tables) keep
/// f16 when the checkpoint stores f16, since the matmul and embedding kernels read f16 directly;
/// everything else (f32, bf16, and all vectors: biases and norms, which the ops want in f32)
/// is uploaded as f32.
struct WeightUploader {
    let weights: CheckedWeights
    let backend: any Backend

    func has(_ name: String) -> Bool { weights.tensors[name] != nil }

    func upload(_ name: String) throws -> Tensor {
        guard let info = weights.tensors[name] else {
            throw FormatError.tensorNotFound(file: weights.source.sourceName, tensor: name, tried: [name])
        }
        let dtype: DType = info.shape.count == 2 && info.dtype == .f16 ? .f16 : .f32
        return try backend.tensor(try weights.floats(name), shape: info.shape, dtype: dtype, name: info.name)
    }

    func uploadIfPresent(_ name: String) throws -> Tensor? {
        has(name) ? try upload(name) : nil
    }

    /// For the few small weights used on the host (the classifier after the pooler's tanh).
    func hostFloats(_ name: String) throws -> [Float] {
        try weights.floats(name)
    }
}
