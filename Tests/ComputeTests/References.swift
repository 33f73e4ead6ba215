import Foundation

// Float64 references: plain loops over the f32 inputs widened to Double.

/// y[M,N] = x[M,K] · w[K,N], w given in logical [K, N] order.
func matmulReference(x: [Float], w: [Float], m: Int, k: Int, n: Int) -> [Double] {
    var y = [Double](repeating: 0, count: m * n)
    let wide = w.map(Double.init)
    y.withUnsafeMutableBufferPointer { y in
        wide.withUnsafeBufferPointer { w in
            for i in 0..<m {
                for p in 0..<k {
                    let xip = Double(x[i * k + p])
                    let row = p * n, out = i * n
                    for j in 0..<n { y[out + j] += xip * w[row + j] }
                }
            }
        }
    }
    return y
}

/// Row-wise softmax of scale·x; with `queries` (causal), row r is query r % queries of its
/// block and sees keys 0...(columns − queries + r % queries).
func softmaxReference(_ x: [Float], rows: Int, columns: Int, scale: Float, queries: Int?) -> [Double] {
    var y = [Double](repeating: 0, count: rows * columns)
    for r in 0..<rows {
        let visible = queries.map { columns - $0 + r % $0 + 1 } ?? columns
        let row = (0..<visible).map { Double(scale) * Double(x[r * columns + $0]) }
        let maximum = row.max() ?? 0
        let e = row.map { Foundation.exp($0 - maximum) }
        let sum = e.reduce(0, +)
        for c in 0..<visible { y[r * columns + c] = e[c] / sum }
    }
    return y
}

func layerNormReference(_ x: [Float], gamma: [Float], beta: [Float], eps: Float, columns: Int) -> [Double] {
    var y = [Double](repeating: 0, count: x.count)
    for r in 0..<(x.count / columns) {
        let row = (0..<columns).map { Double(x[r * columns + $0]) }
        let mean = row.reduce(0, +) / Double(columns)
        let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(columns)
        let inverse = 1 / (variance + Double(eps)).squareRoot()
        for c in 0..<columns {
            y[r * columns + c] = (row[c] - mean) * inverse * Double(gamma[c]) + Double(beta[c])
        }
    }
    return y
}

func geluTanhReference(_ x: Float) -> Double {
    let x = Double(x)
    return 0.5 * x * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
}

func geluErfReference(_ x: Float) -> Double {
    let x = Double(x)
    return 0.5 * x * (1 + Foundation.erf(x / 2.0.squareRoot()))
}
