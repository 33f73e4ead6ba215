// Reading ggml's quantized weight blocks (32 weights each, layouts in Sources/Compute/Tensor.swift)
// from the word array W. The including shader declares the specialization constant
// QUANT: 0 none, 1 Q8_0, 2 Q4_0, 3 Q4_1. Blocks are 34, 18 or 20 bytes, so their fields start
// mid-word: bytes are taken out of words with shifts (no 8/16-bit storage feature needed).

uint quantByte(uint offset) {
    return (W[offset >> 2] >> ((offset & 3u) * 8u)) & 0xFFu;
}

// f16 fields sit at even offsets in every block type, so one never straddles two words.
float quantHalf(uint offset) {
    return unpackHalf2x16(W[offset >> 2] >> ((offset & 2u) * 8u)).x;
}

uint quantBlockBytes() {
    return QUANT == 1u ? 34u : (QUANT == 2u ? 18u : 20u);
}

// Element e of a row-major weight array whose rows hold whole blocks (K a multiple of 32),
// so element e lies in block e / 32 counted from the start of the buffer.
float loadQuantWeight(uint e) {
    uint base = (e >> 5) * quantBlockBytes(), j = e & 31u;
    float d = quantHalf(base);
    if (QUANT == 1u) {
        int q = int(quantByte(base + 2u + j) << 24) >> 24; // sign-extend the int8
        return d * float(q);
    }
    // Element j < 16 is the low nibble of byte j; element j + 16 its high nibble.
    uint packed = quantByte(base + (QUANT == 2u ? 2u : 4u) + (j & 15u));
    float q = float(j < 16u ? (packed & 15u) : (packed >> 4));
    return QUANT == 2u ? d * (q - 8.0) : fma(d, q, quantHalf(base + 2u));
}
