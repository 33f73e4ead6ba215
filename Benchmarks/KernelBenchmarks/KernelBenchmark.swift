import Compute
import VulkanBackend

/// Times kernels on a backend: warm-up first, then the median of `runs` timed runs,
/// rotating among several input buffers so caches do not flatter the result. Vulkan work is
/// timed with GPU timestamps, CPU work with the monotonic clock. Matrix products are also
/// timed as a plain OpenBLAS call in the same run.
public struct KernelBenchmark {
    public let backend: any Backend
    public var runs = 20
    public var warmups = 3
    /// Distinct input buffers cycled through.
    public var rotation = 4
    /// Round x for quantized weights as llama.cpp's CPU backend does (the model's `roundTrip`);
    /// off, x is used as drawn (on the CPU: the f32 path, as for callers that do not round).
    public var roundActivations = true

    public init(backend: any Backend) {
        self.backend = backend
    }

    public func run(_ cases: [BenchmarkCase], progress: (BenchmarkResult) -> Void = { _ in }) throws -> [BenchmarkResult] {
        try cases.map { benchmarkCase in
            let result = try run(benchmarkCase)
            progress(result)
            return result
        }
    }

    public func run(_ benchmarkCase: BenchmarkCase) throws -> BenchmarkResult {
        var generator = SplitMix64(seed: 0x5eed)
        var peer: OpenBLASPeer?
        let op: (Int) throws -> Void
        switch benchmarkCase.op {
        case let .matmul(m, k, n, weightType):
            let inputs = (0..<rotation).map { _ in generator.floats(m * k) }
            let weights = (0..<rotation).map { _ in generator.floats(k * n, scale: 0.05) }
            let bias = generator.floats(n)
            let x = try inputs.map { try backend.tensor($0, shape: [m, k], dtype: .f32, name: "x") }
            // x as a model with llama.cpp's rounding feeds quantized weights (LlamaModel's roundTrip),
            // so a backend's integer path for already-rounded x is what gets timed.
            if roundActivations, let rounding = weightType.activationRounding {
                for input in x { try backend.roundTrip(input, through: rounding, into: input) }
            }
            // Quantized weights exist only as [N, K] blocks (GGUF's layout); plain ones as GPT-2's [K, N].
            let layout: WeightLayout = weightType.isQuantized ? .outIn : .inOut
            let w = try weights.map { values in
                guard weightType.isQuantized else { return try backend.tensor(values, shape: [k, n], dtype: weightType, name: "weight") }
                return try randomBlocks(rows: n, k: k, type: weightType, generator: &generator).withUnsafeBytes {
                    try backend.tensor(rawBytes: $0, shape: [n, k], dtype: weightType, name: "weight")
                }
            }
            let b = try backend.tensor(bias, shape: [n], dtype: .f32, name: "bias")
            let y = try backend.empty(shape: [m, n], dtype: .f32, name: "y")
            peer = OpenBLASPeer(m: m, k: k, n: n, inputs: inputs, weights: weights, bias: bias)
            op = { i in try backend.matmul(x[i % x.count], weight: w[i % w.count], layout: layout, bias: b, into: y) }
        case let .softmax(shape, causal):
            let count = shape.reduce(1, *)
            let x = try (0..<rotation).map { _ in try backend.tensor(generator.floats(count, scale: 8), shape: shape, dtype: .f32, name: "x") }
            let y = try backend.empty(shape: shape, dtype: .f32, name: "y")
            op = { i in try backend.softmax(x[i % x.count], scale: 0.125, causal: causal, into: y) }
        case let .layerNorm(rows, columns):
            let x = try (0..<rotation).map { _ in try backend.tensor(generator.floats(rows * columns), shape: [rows, columns], dtype: .f32, name: "x") }
            let gamma = try backend.tensor(generator.floats(columns), shape: [columns], dtype: .f32, name: "gamma")
            let beta = try backend.tensor(generator.floats(columns), shape: [columns], dtype: .f32, name: "beta")
            let y = try backend.empty(shape: [rows, columns], dtype: .f32, name: "y")
            op = { i in try backend.layerNorm(x[i % x.count], gamma: gamma, beta: beta, eps: 1e-5, into: y) }
        }

        let ours = try time(op)
        var peerTimes: [Double]?
        if var blas = peer {
            for i in 0..<warmups { blas.run(i) }
            peerTimes = (0..<runs).map { i in hostMicroseconds { blas.run(i) } }
        }
        let ourMedian = Statistics.median(ours)
        let peerMedian = peerTimes.map(Statistics.median)
        return BenchmarkResult(
            name: benchmarkCase.name, backend: backend.name, runs: runs,
            medianMicroseconds: ourMedian, minMicroseconds: ours.min() ?? ourMedian,
            gflops: benchmarkCase.flops / ourMedian / 1e3, gigabytesPerSecond: benchmarkCase.bytes / ourMedian / 1e3,
            peer: peer.map(\.name), peerMedianMicroseconds: peerMedian,
            speedupOverPeer: peerMedian.map { $0 / ourMedian })
    }

    /// Per-run times in microseconds.
    private func time(_ op: (Int) throws -> Void) throws -> [Double] {
        for i in 0..<warmups { try op(i) }
        try backend.synchronize()
        if let vulkan = backend as? VulkanBackend, vulkan.device.info.supportsTimestamps {
            var marks: [(Int, Int)] = []
            for i in 0..<runs {
                let start = try vulkan.recordTimestamp()
                try op(i)
                marks.append((start, try vulkan.recordTimestamp()))
            }
            let stamps = try vulkan.timestamps()
            return marks.map { (stamps[$0.1] - stamps[$0.0]) / 1e3 }
        }
        return try (0..<runs).map { i in
            try hostMicroseconds {
                try op(i)
                try backend.synchronize()
            }
        }
    }
}

func hostMicroseconds(_ body: () throws -> Void) rethrows -> Double {
    try ContinuousClock().measure(body) / .microseconds(1)
}
