import CBLAS
import Compute

/// The same matrix product as a plain OpenBLAS call on f32 data: GPT-2's Conv1D layout
/// ([K,N] weights), `cblas_sgemv` for one row and `cblas_sgemm` otherwise.
struct OpenBLASPeer {
    let m: Int, k: Int, n: Int
    let inputs: [[Float]]
    let weights: [[Float]]
    let bias: [Float]
    var output: [Float]

    init(m: Int, k: Int, n: Int, inputs: [[Float]], weights: [[Float]], bias: [Float]) {
        self.m = m; self.k = k; self.n = n
        self.inputs = inputs; self.weights = weights; self.bias = bias
        output = [Float](repeating: 0, count: m * n)
    }

    var name: String { m == 1 ? "OpenBLAS sgemv" : "OpenBLAS sgemm" }

    mutating func run(_ index: Int) {
        let x = inputs[index % inputs.count], w = weights[index % weights.count]
        let (m, k, n) = (Int32(m), Int32(k), Int32(n))
        let rows = self.m, columns = self.n
        output.withUnsafeMutableBufferPointer { y in
            for row in 0..<rows { y.baseAddress!.advanced(by: row * columns).update(from: bias, count: columns) }
            if rows == 1 {
                cblas_sgemv(CblasRowMajor, CblasTrans, k, n, 1, w, n, x, 1, 1, y.baseAddress, 1)
            } else {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, x, k, w, n, 1, y.baseAddress, n)
            }
        }
    }
}
