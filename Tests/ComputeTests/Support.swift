import Compute
import Testing
import TestSupport

/// One backend paired with one set of parameters: a single parameterised test case.
struct Case<Parameters: Sendable>: Sendable, CustomTestStringConvertible {
    let backend: any Backend
    let parameters: Parameters

    var testDescription: String { "\(backend.name) \(parameters)" }
}

/// `parameters` crossed with every test backend, leaving out what `keep` rejects.
func cases<Parameters: Sendable>(_ parameters: [Parameters],
                                 keep: (any Backend, Parameters) -> Bool = { _, _ in true }) throws -> [Case<Parameters>] {
    try testBackends().flatMap { backend in
        parameters.filter { keep(backend, $0) }.map { Case(backend: backend, parameters: $0) }
    }
}

/// Fresh inputs on every run, yet reproducible: the seed comes from the system generator and
/// goes into every failure message. (Drawing each value from the system generator directly is a
/// system call per number, far too slow for matrices of millions of elements.)
struct TestRandom: RandomNumberGenerator, CustomStringConvertible {
    let seed: UInt64
    private var generator: SplitMix64

    init(seed: UInt64? = nil) {
        var system = SystemRandomNumberGenerator()
        self.seed = seed ?? system.next()
        generator = SplitMix64(seed: self.seed)
    }

    mutating func next() -> UInt64 { generator.next() }

    /// Uniform in [-1, 1).
    mutating func symmetric() -> Float { generator.symmetricFloat() }

    mutating func values(_ count: Int, scale: Float = 1, offset: Float = 0) -> [Float] {
        generator.floats(count, scale: scale, offset: offset)
    }

    var description: String { "seed \(seed)" }
}

/// ‖y − ref‖ / ‖ref‖ (Frobenius); ‖y − ref‖ alone when ref is 0. NaN anywhere in y (an element
/// left poisoned) makes it NaN, which fails every bound.
func relativeError(_ y: [Float], _ reference: [Double]) -> Double {
    precondition(y.count == reference.count, "test bug: compared \(y.count) values with \(reference.count)")
    var difference = 0.0, norm = 0.0
    for (value, expected) in zip(y, reference) {
        let d = Double(value) - expected
        difference += d * d
        norm += expected * expected
    }
    return norm > 0 ? (difference / norm).squareRoot() : difference.squareRoot()
}

extension Backend {
    /// A weight tensor holding the logical W[K, N] (given row-major) stored as `layout` says.
    func weight(_ w: [Float], k: Int, n: Int, layout: WeightLayout, dtype: DType) throws -> Tensor {
        switch layout {
        case .inOut: return try tensor(w, shape: [k, n], dtype: dtype, name: "w")
        case .outIn: return try tensor((0..<(n * k)).map { w[($0 % k) * n + $0 / k] }, shape: [n, k], dtype: dtype, name: "w")
        }
    }

    /// An output tensor filled with NaN, so any element an op fails to write shows up.
    func poisoned(shape: [Int], name: String = "y") throws -> Tensor {
        let y = try empty(shape: shape, dtype: .f32, name: name)
        try fill(y, with: .nan)
        return y
    }
}
