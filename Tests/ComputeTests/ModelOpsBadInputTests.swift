import Compute
import Testing
import TestSupport

@Test(.noValidationMessages, arguments: try cases(["embedding and copy"]))
func embeddingAndCopyRejectBadInput(_ test: Case<String>) throws {
    let b = test.backend
    let table = try b.tensor([Float](repeating: 1, count: 15), shape: [5, 3], dtype: .f16, name: "table")
    let y = try b.empty(shape: [2, 3], dtype: .f32, name: "y")
    let stranger = Tensor(shape: [5, 3], dtype: .f32, storage: StrangerStorage(), name: "stranger")

    expectError(.invalidArgument, "id = vocab") { try b.embedding(ids: [0, 5], table: table, into: y) }
    expectError(.invalidArgument, "negative id") { try b.embedding(ids: [-1, 2], table: table, into: y) }
    expectError(.invalidArgument, "Int32.max id") { try b.embedding(ids: [.max, 0], table: table, into: y) }
    expectError(.emptyTensor, "no ids") { try b.embedding(ids: [], table: table, into: y) }
    expectError(.shapeMismatch, "one id, two rows") { try b.embedding(ids: [1], table: table, into: y) }
    expectError(.shapeMismatch, "1-D table") {
        let flat = try b.tensor([1, 2, 3], shape: [3], dtype: .f32, name: "flat")
        try b.embedding(ids: [0, 1], table: flat, into: y)
    }
    expectError(.shapeMismatch, "dim mismatch") {
        let wide = try b.empty(shape: [2, 4], dtype: .f32, name: "wide")
        try b.embedding(ids: [0, 1], table: table, into: wide)
    }
    expectError(.dtypeNotSupported, "f16 output") {
        let y16 = try b.empty(shape: [2, 3], dtype: .f16, name: "y16")
        try b.embedding(ids: [0, 1], table: table, into: y16)
    }
    expectError(.foreignTensor, "foreign table") { try b.embedding(ids: [0, 1], table: stranger, into: y) }
    do {
        try b.embedding(ids: [0, 7], table: table, into: y)
    } catch let error as ComputeError {
        #expect("\(error)".contains("7") && "\(error)".contains("5"), "the message names the id and the vocabulary: \(error)")
    }

    let source = try b.tensor([1, 2, 3], shape: [3], dtype: .f32, name: "source")
    let cache = try b.empty(shape: [4, 2], dtype: .f32, name: "cache")
    expectError(.invalidArgument, "copy past the end") { try b.copy(source, into: cache, destinationOffset: 6) }
    expectError(.invalidArgument, "negative offset") { try b.copy(source, into: cache, destinationOffset: -1) }
    expectError(.invalidArgument, "huge offset") { try b.copy(source, into: cache, destinationOffset: .max) }
    expectError(.invalidArgument, "source larger than destination") { try b.copy(cache, into: source, destinationOffset: 0) }
    expectError(.invalidArgument, "same storage") { try b.copy(cache, into: cache, destinationOffset: 0) }
    expectError(.dtypeNotSupported, "f16 copy") { try b.copy(table, into: cache, destinationOffset: 0) }
    expectError(.emptyTensor, "empty source") {
        let none = try b.empty(shape: [0], dtype: .f32, name: "none")
        try b.copy(none, into: cache, destinationOffset: 0)
    }
    expectError(.foreignTensor, "foreign destination") { try b.copy(source, into: stranger, destinationOffset: 0) }
    expectError(.invalidArgument, "view larger than its storage") {
        let big = Tensor(shape: [100], dtype: .f32, storage: source.storage, name: "big")
        try b.copy(big, into: try b.empty(shape: [200], dtype: .f32, name: "room"), destinationOffset: 0)
    }
    do {
        try b.copy(source, into: cache, destinationOffset: 6)
    } catch let error as ComputeError {
        #expect("\(error)".contains("3") && "\(error)".contains("8"), "the message names the sizes: \(error)")
    }
}

@Test(.noValidationMessages, arguments: try cases(["attention"]))
func attentionRejectsBadInput(_ test: Case<String>) throws {
    let b = test.backend
    // T = 2 queries, S_max = 4 cached rows, H·D = 6.
    let q = try b.tensor([Float](repeating: 1, count: 12), shape: [2, 6], dtype: .f32, name: "q")
    let k = try b.tensor([Float](repeating: 1, count: 24), shape: [4, 6], dtype: .f32, name: "k")
    let v = try b.tensor([Float](repeating: 1, count: 24), shape: [4, 6], dtype: .f32, name: "v")
    let y = try b.empty(shape: [2, 6], dtype: .f32, name: "y")
    func attend(_ q: Tensor, _ k: Tensor, _ v: Tensor, heads: Int = 2, keyLength: Int = 3, causal: Bool = false,
                scale: Float = 1, mask: Tensor? = nil, into y: Tensor) throws {
        try b.attention(query: q, key: k, value: v, heads: heads, keyLength: keyLength, causal: causal,
                        scale: scale, keyMask: mask, into: y)
    }

    try attend(q, k, v, into: y) // the baseline is fine
    expectError(.invalidArgument, "keyLength > S_max") { try attend(q, k, v, keyLength: 5, into: y) }
    expectError(.invalidArgument, "keyLength 0") { try attend(q, k, v, keyLength: 0, into: y) }
    expectError(.invalidArgument, "causal keyLength < T") { try attend(q, k, v, keyLength: 1, causal: true, into: y) }
    expectError(.invalidArgument, "zero heads") { try attend(q, k, v, heads: 0, into: y) }
    expectError(.shapeMismatch, "heads do not divide the width") { try attend(q, k, v, heads: 4, into: y) }
    expectError(.invalidArgument, "NaN scale") { try attend(q, k, v, scale: .nan, into: y) }
    expectError(.shapeMismatch, "key width") {
        let narrow = try b.empty(shape: [4, 4], dtype: .f32, name: "narrow")
        try attend(q, narrow, v, into: y)
    }
    expectError(.shapeMismatch, "K/V heads that do not divide the query heads") {
        let three = try b.empty(shape: [4, 9], dtype: .f32, name: "threeHeads")
        try attend(q, three, three, into: y)
    }
    expectError(.shapeMismatch, "key wider than the query") {
        let wide = try b.empty(shape: [4, 12], dtype: .f32, name: "wide")
        try attend(q, wide, wide, into: y)
    }
    expectError(.shapeMismatch, "value rows ≠ key rows") {
        let short = try b.empty(shape: [3, 6], dtype: .f32, name: "short")
        try attend(q, k, short, into: y)
    }
    expectError(.shapeMismatch, "output shape") { try attend(q, k, v, into: k) }
    expectError(.shapeMismatch, "mask shorter than keyLength") {
        let mask = try b.tensor([1, 1], shape: [2], dtype: .f32, name: "mask")
        try attend(q, k, v, mask: mask, into: y)
    }
    expectError(.dtypeNotSupported, "f16 mask") {
        let mask = try b.tensor([1, 1, 1], shape: [3], dtype: .f16, name: "mask16")
        try attend(q, k, v, mask: mask, into: y)
    }
    expectError(.dtypeNotSupported, "f16 key") {
        let k16 = try b.tensor([Float](repeating: 1, count: 24), shape: [4, 6], dtype: .f16, name: "k16")
        try attend(q, k16, v, into: y)
    }
    expectError(.invalidArgument, "output is the query") { try attend(q, k, v, into: q) }
    expectError(.emptyTensor, "no queries") {
        let none = try b.empty(shape: [0, 6], dtype: .f32, name: "none")
        try attend(none, k, v, into: none)
    }
    expectError(.foreignTensor, "foreign value") {
        try attend(q, k, Tensor(shape: [4, 6], dtype: .f32, storage: StrangerStorage(), name: "stranger"), into: y)
    }
    expectError(.invalidArgument, "key view larger than its storage") {
        let big = try b.empty(shape: [40, 6], dtype: .f32, name: "big")
        try attend(q, Tensor(shape: [40, 6], dtype: .f32, storage: k.storage, name: "bigView"), big, into: y)
    }
}
