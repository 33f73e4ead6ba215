// Quantized weights times int8 activations: x is quantized once per mat-vec to int8 blocks of
// 32 (scale dx = max|x|/127), then each weight block is one integer dot product
// (vpmaddubsw: unsigned × signed bytes → 16-bit pairs, vpmaddwd → 32-bit) and one FMA with
// d·dx. Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL (ggml's vec_dot_*_q8_0 / _q8_1 algorithm). Taken
// by default only for x already rounded this way (then it is the f32 product); elsewhere x's
// rounding (~0.3% relative per element) makes it opt-in.
#include "CKernels.h"
#include <string.h>

#if defined(__x86_64__)
#include "avx2_common.h"

TARGET void vlm_quantize_x_q8(const float *x, long blocks, int8_t *xq, float *dx, float *xqsum, float *xsum) {
    const __m256 signBit = _mm256_set1_ps(-0.0f);
    for (long b = 0; b < blocks; b++, x += 32, xq += 32) {
        __m256 v0 = _mm256_loadu_ps(x), v1 = _mm256_loadu_ps(x + 8), v2 = _mm256_loadu_ps(x + 16), v3 = _mm256_loadu_ps(x + 24);
        __m256 amax = _mm256_max_ps(_mm256_max_ps(_mm256_andnot_ps(signBit, v0), _mm256_andnot_ps(signBit, v1)),
                                    _mm256_max_ps(_mm256_andnot_ps(signBit, v2), _mm256_andnot_ps(signBit, v3)));
        __m128 m = _mm_max_ps(_mm256_castps256_ps128(amax), _mm256_extractf128_ps(amax, 1));
        m = _mm_max_ps(m, _mm_movehl_ps(m, m));
        m = _mm_max_ss(m, _mm_movehdup_ps(m));
        float largest = _mm_cvtss_f32(m);
        dx[b] = largest / 127.0f;
        __m256 inverse = _mm256_set1_ps(largest > 0 ? 127.0f / largest : 0.0f);
        xsum[b] = hsum(_mm256_add_ps(_mm256_add_ps(v0, v1), _mm256_add_ps(v2, v3)));
        // Round to nearest (the default MXCSR mode), then narrow 32 → 16 → 8 bits. The packs
        // work within 128-bit lanes, so a final permute puts the 32 bytes back in order.
        __m256i i0 = _mm256_cvtps_epi32(_mm256_mul_ps(v0, inverse)), i1 = _mm256_cvtps_epi32(_mm256_mul_ps(v1, inverse));
        __m256i i2 = _mm256_cvtps_epi32(_mm256_mul_ps(v2, inverse)), i3 = _mm256_cvtps_epi32(_mm256_mul_ps(v3, inverse));
        __m256i packed = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3));
        packed = _mm256_permutevar8x32_epi32(packed, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256((__m256i *)xq, packed);
        int total = 0;
        for (int j = 0; j < 32; j++) total += xq[j];
        xqsum[b] = (float)total;
    }
}

// Each block's Σ w_q·xq is exact in 8 int32 lanes; four blocks' lanes are folded into one
// vector (two rounds of vphaddd: lane i of each half then holds block i's partial sum) and
// scaled by their four d·dx at once, so the f32 conversion, the scale and the FMA cost a
// quarter of what they would per block (the per-block version was slower than widening Q8_0
// to f32). Blocks with a minimum (Q4_1, Q5_1) add m·Σx, four at a time, with the exact Σ x.

// Signed weight bytes v times signed xq: vpmaddubsw wants its first operand unsigned, so |v|
// times xq carrying v's sign (|−128| reads as 128 unsigned: 2·128·127 still fits 16 bits).
TARGET static inline __m256i signed_dot(__m256i v, const int8_t *xq) {
    const __m256i y = _mm256_loadu_si256((const __m256i *)xq);
    return _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(v, v), _mm256_sign_epi8(y, v)), _mm256_set1_epi16(1));
}

// Bytes 0x10 where bit j of `bits` is set, for the 32 elements of a Q5_0/Q5_1 block.
TARGET static inline __m256i fifth_bits(const uint8_t *p) {
    uint32_t bits;
    memcpy(&bits, p, 4);
    const __m256i spread = _mm256_shuffle_epi8(_mm256_set1_epi32((int)bits),
        _mm256_setr_epi64x(0, 0x0101010101010101LL, 0x0202020202020202LL, 0x0303030303030303LL));
    const __m256i bit = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
    return _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(spread, bit), bit), _mm256_set1_epi8(0x10));
}

static const int8_t iq4nl_levels[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

enum { Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL };

// One block's Σ q·xq (q the block's integer weights, offsets folded in) as 8 int32 lanes.
TARGET static inline __m256i block_sum(int type, const uint8_t *w, const int8_t *xq) {
    switch (type) {
    case Q8_0: return signed_dot(_mm256_loadu_si256((const __m256i *)(w + 2)), xq);
    case Q4_0: return signed_dot(_mm256_sub_epi8(nibble_bytes(w + 2), _mm256_set1_epi8(8)), xq);
    case Q4_1: return _mm256_madd_epi16(_mm256_maddubs_epi16(nibble_bytes(w + 4), _mm256_loadu_si256((const __m256i *)xq)),
                                        _mm256_set1_epi16(1));
    case Q5_0: return signed_dot(_mm256_sub_epi8(_mm256_or_si256(nibble_bytes(w + 6), fifth_bits(w + 2)), _mm256_set1_epi8(16)), xq);
    case Q5_1: return _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_or_si256(nibble_bytes(w + 8), fifth_bits(w + 4)),
                                                             _mm256_loadu_si256((const __m256i *)xq)), _mm256_set1_epi16(1));
    default: { // IQ4_NL
        const __m128i levels = _mm_loadu_si128((const __m128i *)iq4nl_levels), low = _mm_set1_epi8(0x0F);
        const __m128i bytes = _mm_loadu_si128((const __m128i *)(w + 2));
        const __m256i v = _mm256_set_m128i(_mm_shuffle_epi8(levels, _mm_and_si128(_mm_srli_epi16(bytes, 4), low)),
                                           _mm_shuffle_epi8(levels, _mm_and_si128(bytes, low)));
        return signed_dot(v, xq);
    }
    }
}

static inline uint16_t half_bits(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return h;
}

// Σ over `blocks` blocks of `bytes` each: d·dx·Σ q·xq (+ m·Σ x where the type has a minimum at
// byte 2). Inlined into each kernel with `type` constant.
TARGET static inline __attribute__((always_inline))
float dot_blocks32(int type, long bytes, const uint8_t *w, const int8_t *xq, const float *dx, const float *xsum, long blocks) {
    const int minimum = type == Q4_1 || type == Q5_1;
    __m256 acc = _mm256_setzero_ps();
    __m128 mins = _mm_setzero_ps();
    long b = 0;
    for (; b + 4 <= blocks; b += 4, w += 4 * bytes, xq += 128) {
        const __m256i s0 = block_sum(type, w, xq), s1 = block_sum(type, w + bytes, xq + 32);
        const __m256i s2 = block_sum(type, w + 2 * bytes, xq + 64), s3 = block_sum(type, w + 3 * bytes, xq + 96);
        const __m256i folded = _mm256_hadd_epi32(_mm256_hadd_epi32(s0, s1), _mm256_hadd_epi32(s2, s3));
        const __m128 d = _mm_cvtph_ps(_mm_setr_epi16((short)half_bits(w), (short)half_bits(w + bytes), (short)half_bits(w + 2 * bytes),
                                                     (short)half_bits(w + 3 * bytes), 0, 0, 0, 0));
        const __m128 scale = _mm_mul_ps(d, _mm_loadu_ps(dx + b));
        acc = _mm256_fmadd_ps(_mm256_set_m128(scale, scale), _mm256_cvtepi32_ps(folded), acc);
        if (minimum) {
            const __m128 m = _mm_cvtph_ps(_mm_setr_epi16((short)half_bits(w + 2), (short)half_bits(w + bytes + 2),
                                                         (short)half_bits(w + 2 * bytes + 2), (short)half_bits(w + 3 * bytes + 2),
                                                         0, 0, 0, 0));
            mins = _mm_fmadd_ps(m, _mm_loadu_ps(xsum + b), mins);
        }
    }
    mins = _mm_add_ps(mins, _mm_movehl_ps(mins, mins));
    float total = hsum(acc) + _mm_cvtss_f32(_mm_add_ss(mins, _mm_movehdup_ps(mins)));
    for (; b < blocks; b++, w += bytes, xq += 32) {
        const __m256 s = _mm256_cvtepi32_ps(block_sum(type, w, xq));
        total += half_at(w) * dx[b] * hsum(s);
        if (minimum) total += half_at(w + 2) * xsum[b];
    }
    return total;
}

TARGET float vlm_dot_q8_0_q8(const uint8_t *w, const int8_t *xq, const float *dx, long blocks) {
    return dot_blocks32(Q8_0, 34, w, xq, dx, NULL, blocks);
}

TARGET float vlm_dot_q4_0_q8(const uint8_t *w, const int8_t *xq, const float *dx, const float *xqsum, long blocks) {
    (void)xqsum; // the −8 is folded into the quants
    return dot_blocks32(Q4_0, 18, w, xq, dx, NULL, blocks);
}

TARGET float vlm_dot_q4_1_q8(const uint8_t *w, const int8_t *xq, const float *dx, const float *xsum, long blocks) {
    // Σ(d·q + m)·x ≈ d·dx·Σ q·xq + m·Σ x, the minimum's term taken with the exact x.
    return dot_blocks32(Q4_1, 20, w, xq, dx, xsum, blocks);
}

TARGET float vlm_dot_q5_0_q8(const uint8_t *w, const int8_t *xq, const float *dx, const float *xqsum, long blocks) {
    (void)xqsum; // the −16 is folded into the quants
    return dot_blocks32(Q5_0, 22, w, xq, dx, NULL, blocks);
}

TARGET float vlm_dot_q5_1_q8(const uint8_t *w, const int8_t *xq, const float *dx, const float *xsum, long blocks) {
    return dot_blocks32(Q5_1, 24, w, xq, dx, xsum, blocks);
}

TARGET float vlm_dot_iq4_nl_q8(const uint8_t *w, const int8_t *xq, const float *dx, long blocks) {
    return dot_blocks32(IQ4_NL, 18, w, xq, dx, NULL, blocks);
}

#else
void vlm_quantize_x_q8(const float *x, long blocks, int8_t *xq, float *dx, float *xqsum, float *xsum) {
    (void)x; (void)blocks; (void)xq; (void)dx; (void)xqsum; (void)xsum;
}
float vlm_dot_q8_0_q8(const uint8_t *w, const int8_t *xq, const float *dx, long blocks) {
    (void)w; (void)xq; (void)dx; (void)blocks; return 0;
}
float vlm_dot_q4_0_q8(const uint8_t *w, const int8_t *xq, const float *dx, const float *xqsum, long blocks) {
    (void)w; (void)xq; (void)dx; (void)xqsum; (void)blocks; return 0;
}
float vlm_dot_q4_1_q8(const uint8_t *w, const int8_t *xq, const float *dx, const float *xsum, long blocks) {
    (void)w; (void)xq; (void)dx; (void)xsum; (void)blocks; return 0;
}
float vlm_dot_iq4_nl_q8(const uint8_t *w, const int8_t *xq, const float *dx, long blocks) {
    (void)w; (void)xq; (void)dx; (void)blocks; return 0;
}
float vlm_dot_q5_0_q8(const uint8_t *w, const int8_t *xq, const float *dx, const float *xqsum, long blocks) {
    (void)w; (void)xq; (void)dx; (void)xqsum; (void)blocks; return 0;
}
float vlm_dot_q5_1_q8(const uint8_t *w, const int8_t *xq, const float *dx, const float *xsum, long blocks) {
    (void)w; (void)xq; (void)dx; (void)xsum; (void)blocks; return 0;
}
#endif
