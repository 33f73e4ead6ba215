import Compute

/// One kernel configuration to time, with the work it must do (for GFLOP/s and GB/s).
public struct BenchmarkCase: Sendable {
    public enum Op: Sendable {
        case matmul(m: Int, k: Int, n: Int, weight: DType)
        case softmax(shape: [Int], causal: Bool)
        case layerNorm(rows: Int, columns: Int)
    }

    public let op: Op

    public var name: String {
        switch op {
        case let .matmul(m, k, n, weight): "matmul \(m)×\(k)·\(k)×\(n) \(weight.rawValue) weights\(weight.isQuantized ? " [N,K]" : "")"
        case let .softmax(shape, causal): "softmax \(shape.map(String.init).joined(separator: "×"))\(causal ? " causal" : "")"
        case let .layerNorm(rows, columns): "layernorm \(rows)×\(columns)"
        }
    }

    /// Floating-point operations, counting a fused multiply-add as two.
    public var flops: Double {
        switch op {
        case let .matmul(m, k, n, _): 2 * Double(m) * Double(k) * Double(n)
        case let .softmax(shape, _): 5 * Double(shape.reduce(1, *))
        case let .layerNorm(rows, columns): 8 * Double(rows * columns)
        }
    }

    /// The fewest bytes the kernel must move: each input read once, each output written once.
    public var bytes: Double {
        switch op {
        case let .matmul(m, k, n, weight):
            Double(4 * m * k + (weight.byteCount(shape: [n, k]) ?? 0) + 4 * n + 4 * m * n)
        case let .softmax(shape, _): Double(8 * shape.reduce(1, *))
        case let .layerNorm(rows, columns): Double(8 * rows * columns + 8 * columns)
        }
    }

    /// GPT-2 (124M) shapes: the four linear layers of a block at 1 row (decode) and 128 rows
    /// (prompt), attention-score softmax, the LM-head softmax, and layernorm rows.
    public static func gpt2(quick: Bool) -> [BenchmarkCase] {
        let linear = [(768, 768), (768, 2304), (768, 3072), (3072, 768)]
        if quick {
            return [BenchmarkCase(op: .matmul(m: 1, k: 768, n: 768, weight: .f32)),
                    BenchmarkCase(op: .matmul(m: 17, k: 64, n: 65, weight: .f16)),
                    BenchmarkCase(op: .softmax(shape: [2, 16, 16], causal: true)),
                    BenchmarkCase(op: .layerNorm(rows: 4, columns: 768))]
        }
        var cases: [BenchmarkCase] = []
        for m in [1, 128] {
            for (k, n) in linear { cases.append(BenchmarkCase(op: .matmul(m: m, k: k, n: n, weight: .f32))) }
        }
        for (k, n) in linear { cases.append(BenchmarkCase(op: .matmul(m: 1, k: k, n: n, weight: .f16))) }
        cases.append(BenchmarkCase(op: .matmul(m: 128, k: 768, n: 3072, weight: .f16)))
        cases += [BenchmarkCase(op: .softmax(shape: [12, 128, 128], causal: true)),
                  BenchmarkCase(op: .softmax(shape: [1, 50257], causal: false)),
                  BenchmarkCase(op: .layerNorm(rows: 1, columns: 768)),
                  BenchmarkCase(op: .layerNorm(rows: 128, columns: 768))]
        return cases
    }

    /// SmolLM2-135M's linear layers (model width 576, MLP 1536) with Q8_0 and Q4_1 weights, then
    /// every quantized weight type at Llama-3.2-1B's (2048, MLP 8192), for decode (1 row) and a
    /// 128-token prompt. The peer is OpenBLAS on the same shapes in f32.
    public static func quantized(quick: Bool) -> [BenchmarkCase] {
        if quick { return [BenchmarkCase(op: .matmul(m: 1, k: 64, n: 65, weight: .q4_1))] }
        var cases: [BenchmarkCase] = []
        for m in [1, 128] {
            for type in [DType.q8_0, .q4_1] {
                for (k, n) in [(576, 1536), (1536, 576), (576, 576)] {
                    cases.append(BenchmarkCase(op: .matmul(m: m, k: k, n: n, weight: type)))
                }
            }
        }
        for m in [1, 128] {
            for type in DType.quantizedWeights {
                for (k, n) in [(2048, 8192), (8192, 2048)] {
                    cases.append(BenchmarkCase(op: .matmul(m: m, k: k, n: n, weight: type)))
                }
            }
        }
        return cases
    }

    /// Decode (1 row) only, every quantized weight type: SmolLM2-135M's 576 → 1536 (1536 → 576 for
    /// the 256-element super-block types, whose rows cannot be 576 wide) and Llama-3.2-1B's 2048 → 8192.
    public static func quantizedDecode() -> [BenchmarkCase] {
        DType.quantizedWeights.flatMap { type in
            [type.blockSize == 32 ? (576, 1536) : (1536, 576), (2048, 8192)].map { k, n in
                BenchmarkCase(op: .matmul(m: 1, k: k, n: n, weight: type))
            }
        }
    }
}
