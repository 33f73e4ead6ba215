import Foundation

/// Multi-head attention in float64: query [T, H·D], key/value [≥ keyLength, G·D] (only the
/// first keyLength rows are read; query head h uses K/V head h·G/H), mask value 0 = padding.
/// A query that sees no key gets zeros.
func attentionReference(query: [Float], key: [Float], value: [Float], queries: Int, keyLength: Int, heads: Int,
                        keyHeads: Int? = nil, headDim: Int, causal: Bool, scale: Float, mask: [Float]?) -> [Double] {
    let width = heads * headDim, groups = keyHeads ?? heads, keyWidth = groups * headDim
    var y = [Double](repeating: 0, count: queries * width)
    for t in 0..<queries {
        let visible = causal ? keyLength - queries + t + 1 : keyLength
        let keys = (0..<visible).filter { mask == nil || mask?[$0] != 0 }
        guard !keys.isEmpty else { continue }
        for h in 0..<heads {
            let column = h * headDim, keyColumn = (h * groups / heads) * headDim
            let scores = keys.map { j in
                (0..<headDim).reduce(0.0) { sum, d in
                    sum + Double(query[t * width + column + d]) * Double(key[j * keyWidth + keyColumn + d])
                } * Double(scale)
            }
            let maximum = scores.max() ?? 0
            let e = scores.map { Foundation.exp($0 - maximum) }
            let total = e.reduce(0, +)
            for (index, j) in keys.enumerated() {
                let weight = e[index] / total
                for d in 0..<headDim { y[t * width + column + d] += weight * Double(value[j * keyWidth + keyColumn + d]) }
            }
        }
    }
    return y
}
