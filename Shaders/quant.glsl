// ggml's quantized weight blocks, read from the word array W as stored. The including shader
// declares the specialization constant QUANT: 0 for plain weights, else the ggml type number
// (WeightTypes' GGMLType): 2 Q4_0, 3 Q4_1, 6 Q5_0, 7 Q5_1, 8 Q8_0, 10 Q2_K, 11 Q3_K, 12 Q4_K,
// 13 Q5_K, 14 Q6_K, 20 IQ4_NL, 23 IQ4_XS. Block layouts are ggml-common.h's packed structs.
//
// Every type keeps four consecutive elements e..e+3 (e a multiple of 4) under one scale and in
// four consecutive quant bytes, so `dequant4` decodes them together: one 32-bit read of quants,
// one read of the (sub-)block's scale. Blocks are 17–210 bytes, so fields start mid-word:
// `quantWord` funnels two words; no 8/16-bit storage feature is needed. Rows hold whole blocks,
// so element e of a row-major weight array lies in block e / quantBlockSize() of the buffer.

uint quantBlockSize() {
    return (QUANT >= 10u && QUANT <= 14u) || QUANT == 23u ? 256u : 32u;
}

uint quantBlockBytes() {
    switch (QUANT) {
    case 2u: return 18u;  case 3u: return 20u;  case 6u: return 22u;  case 7u: return 24u;
    case 8u: return 34u;  case 10u: return 84u; case 11u: return 110u; case 12u: return 144u;
    case 13u: return 176u; case 14u: return 210u; case 20u: return 18u; default: return 136u; // 23
    }
}

uint quantByte(uint offset) {
    return (W[offset >> 2] >> ((offset & 3u) * 8u)) & 0xFFu;
}

// Four bytes starting at any offset, little-endian.
uint quantWord(uint offset) {
    uint shift = (offset & 3u) * 8u, low = W[offset >> 2];
    return shift == 0u ? low : (low >> shift) | (W[(offset >> 2) + 1u] << (32u - shift));
}

// f16 fields sit at even offsets in every block type, so one never straddles two words.
float quantHalf(uint offset) {
    return unpackHalf2x16(W[offset >> 2] >> ((offset & 2u) * 8u)).x;
}

uvec4 bytesOf(uint word) {
    return uvec4(word & 0xFFu, (word >> 8) & 0xFFu, (word >> 16) & 0xFFu, word >> 24);
}

// Sign-extended int8 lanes of a word.
vec4 signedBytesOf(uint word) {
    return vec4(ivec4(word << 24, word << 16, word << 8, word) >> 24);
}

// Low (j < 16) or high (j ≥ 16) nibbles of the bytes holding elements j..j+3 of a 32-element
// nibble block whose quants start at `quants` (element j in byte j's low nibble, j + 16 high).
uvec4 nibbles32(uint quants, uint j) {
    uint word = quantWord(quants + (j & 15u));
    return j < 16u ? bytesOf(word & 0x0F0F0F0Fu) : bytesOf((word >> 4) & 0x0F0F0F0Fu);
}

const float IQ4_LEVELS[16] = float[16](-127.0, -104.0, -83.0, -65.0, -49.0, -35.0, -22.0, -10.0,
                                       1.0, 13.0, 25.0, 38.0, 53.0, 69.0, 89.0, 113.0);

vec4 iq4Levels(uvec4 q) {
    return vec4(IQ4_LEVELS[q.x], IQ4_LEVELS[q.y], IQ4_LEVELS[q.z], IQ4_LEVELS[q.w]);
}

// Q4_K / Q5_K: the 6-bit scale and min of sub-block s (ggml's get_scale_min_k4) from the 12
// scale bytes at `scales`.
vec2 scaleMinK4(uint scales, uint s) {
    if (s < 4u) return vec2(quantByte(scales + s) & 63u, quantByte(scales + s + 4u) & 63u);
    uint a = quantByte(scales + s + 4u);
    return vec2((a & 0xFu) | ((quantByte(scales + s - 4u) >> 6) << 4), (a >> 4) | ((quantByte(scales + s) >> 6) << 4));
}

// Elements e..e+3 (e a multiple of 4) of the weights, dequantized as ggml's dequantize_row_*.
vec4 dequant4(uint e) {
    const uint size = quantBlockSize();
    const uint base = (e / size) * quantBlockBytes(), j = e % size;
    const float d = (QUANT == 10u || QUANT == 11u || QUANT == 14u)
        ? quantHalf(base + (QUANT == 10u ? 80u : (QUANT == 11u ? 108u : 208u))) : quantHalf(base);

    if (QUANT == 8u) return d * signedBytesOf(quantWord(base + 2u + j));                       // Q8_0
    if (QUANT == 2u) return d * (vec4(nibbles32(base + 2u, j)) - 8.0);                          // Q4_0
    if (QUANT == 3u) return d * vec4(nibbles32(base + 4u, j)) + quantHalf(base + 2u);           // Q4_1
    if (QUANT == 20u) return d * iq4Levels(nibbles32(base + 2u, j));                            // IQ4_NL
    if (QUANT == 6u || QUANT == 7u) {                                                           // Q5_0, Q5_1
        const uint header = QUANT == 6u ? 2u : 4u;
        const uvec4 high = (uvec4(quantWord(base + header) >> j) >> uvec4(0u, 1u, 2u, 3u)) & 1u;
        const vec4 q = vec4(nibbles32(base + header + 4u, j) | (high << 4));
        return QUANT == 6u ? d * (q - 16.0) : d * q + quantHalf(base + 2u);
    }
    if (QUANT == 23u) {                                                                         // IQ4_XS
        const uint sub = j / 32u;
        const uint low = (quantByte(base + 4u + sub / 2u) >> (4u * (sub % 2u))) & 0xFu;
        const uint high = ((quantWord(base) >> 16) >> (2u * sub)) & 3u;
        return d * (float(low | (high << 4)) - 32.0) * iq4Levels(nibbles32(base + 8u + sub * 16u, j % 32u));
    }
    if (QUANT == 12u || QUANT == 13u) {                                                         // Q4_K, Q5_K
        // 64-element groups: the low nibbles of 32 bytes (sub-block 2g), then their high nibbles (2g + 1).
        const uint group = j / 64u, upper = (j / 32u) % 2u, l = j % 32u;
        const vec2 sm = scaleMinK4(base + 4u, 2u * group + upper);
        const uint quants = base + (QUANT == 12u ? 16u : 48u) + group * 32u + l;
        uvec4 q = bytesOf((quantWord(quants) >> (4u * upper)) & 0x0F0F0F0Fu);
        if (QUANT == 13u) q |= (bytesOf(quantWord(base + 16u + l)) >> (2u * group + upper) & 1u) << 4;
        return (d * sm.x) * vec4(q) - quantHalf(base + 2u) * sm.y;
    }
    // Sub-blocks of 16 in two 128-element halves, each half in four 32-element quarters.
    const uint half_ = j / 128u, quarter = (j % 128u) / 32u, l = j % 32u;
    if (QUANT == 14u) {                                                                         // Q6_K
        const uint low = (quantWord(base + half_ * 64u + (quarter & 1u) * 32u + l) >> (4u * (quarter / 2u))) & 0x0F0F0F0Fu;
        const uint high = (quantWord(base + 128u + half_ * 32u + l) >> (2u * quarter)) & 0x03030303u;
        const float scale = float(int(quantByte(base + 192u + half_ * 8u + l / 16u + 2u * quarter) << 24) >> 24);
        return (d * scale) * (vec4(bytesOf(low | (high << 4))) - 32.0);
    }
    const uint s = half_ * 8u + quarter * 2u + l / 16u, shift = 2u * quarter;
    if (QUANT == 10u) {                                                                         // Q2_K
        const uint sc = quantByte(base + s);
        const vec4 q = vec4(bytesOf((quantWord(base + 16u + half_ * 32u + l) >> shift) & 0x03030303u));
        return (d * float(sc & 0xFu)) * q - quantHalf(base + 82u) * float(sc >> 4);
    }
    // Q3_K: 2 low bits, a high bit that subtracts 4 where it is clear, 6-bit scales − 32.
    const uint lowScale = s < 8u ? quantByte(base + 96u + s) & 0xFu : quantByte(base + 96u + s - 8u) >> 4;
    const uint highScale = (quantByte(base + 104u + s % 4u) >> (2u * (s / 4u))) & 3u;
    const vec4 low = vec4(bytesOf((quantWord(base + 32u + half_ * 32u + l) >> shift) & 0x03030303u));
    const uvec4 highBit = (bytesOf(quantWord(base + l)) >> (half_ * 4u + quarter)) & 1u;
    return (d * (float(lowScale | (highScale << 4)) - 32.0)) * (low - 4.0 * vec4(1u - highBit));
}

// One element: the lane of its group of four.
float loadQuantWeight(uint e) {
    return dequant4(e & ~3u)[e & 3u];
}
