#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How rotary position embedding turns a position into angles, and which elements of a head it
/// rotates together: everything llama.cpp's `ggml_rope_ext` takes for the model families we run
/// (without YaRN's ramp, which none of them uses unless `rope.scaling.type` asks for it).
public struct RotaryEmbedding: Sendable, Hashable {
    public enum Pairing: String, Sendable, Hashable {
        /// llama.cpp's "normal" mode (LLaMA GGUF files, whose converter permuted Q/K rows):
        /// the adjacent pair (2i, 2i+1) is rotated together.
        case adjacent
        /// llama.cpp's NEOX mode (Qwen 2/3, Gemma 2/3, Phi-3): element i pairs with
        /// i + headDim/2, Hugging Face's `rotate_half`.
        case halves
    }

    public var pairing: Pairing
    /// θ base: pair i turns by p · base^(−2i/headDim) radians at position p.
    public var base: Float
    /// Linear scaling (`rope.scaling.factor` f gives 1/f): positions are multiplied by it.
    public var frequencyScale: Float
    /// Per-pair divisors of the frequency (`rope_freqs.weight` of Llama 3.x, Phi-3's long/short
    /// factors); nil: all 1. Their count must be headDim/2.
    public var frequencyFactors: [Float]?

    public init(pairing: Pairing = .adjacent, base: Float, frequencyScale: Float = 1, frequencyFactors: [Float]? = nil) {
        self.pairing = pairing
        self.base = base
        self.frequencyScale = frequencyScale
        self.frequencyFactors = frequencyFactors
    }

    /// θᵢ = scale · base^(−2i/headDim) / factorᵢ for i in 0..<headDim/2, in double: the backends
    /// multiply it by the position, and an f32 θ would be off by ~1e-4 rad at p ≈ 2048.
    public func frequencies(headDim: Int) -> [Double] {
        (0..<headDim / 2).map { i in
            let factor = frequencyFactors.map { Double($0[i]) } ?? 1
            return Double(frequencyScale) * pow(Double(base), -2 * Double(i) / Double(headDim)) / factor
        }
    }
}
