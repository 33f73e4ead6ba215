// Shared by the kernels: reading weights stored as f32 or packed f16 pairs, and the
// flattened 2-D grid that lets row counts exceed maxComputeWorkGroupCount[0].

// Weights are bound as raw 32-bit words: f32 bit patterns, or two f16 values per word
// (element e in word e/2, low half first). Reading f16 this way needs no 16-bit storage feature.
float loadWeight(uint e, bool f16) {
    if (f16) {
        vec2 pair = unpackHalf2x16(W[e >> 1]);
        return (e & 1u) == 0u ? pair.x : pair.y;
    }
    return uintBitsToFloat(W[e]);
}
