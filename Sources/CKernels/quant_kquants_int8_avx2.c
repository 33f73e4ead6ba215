// Integer dot products for the k-quants (Q2_K … Q6_K, IQ4_XS) with x as Q8_K (blocks of 32:
// quant_int8_avx2.c).
//
// The algorithm is ggml's (ggml-cpu/arch/x86/quants.c, `ggml_vec_dot_q4_K_q8_K` and friends):
// x is quantized once per mat-vec; each weight block is then integer arithmetic on its raw
// quants (vpmaddubsw: unsigned weight bytes × signed x bytes → 16-bit pairs; vpmaddwd with the
// sub-block scales → 32-bit), and the block's offsets or minimums come out of the precomputed
// sums of x's quants (Q8_K's `bsums`, Σ xq per 16) instead of being applied per element. One
// FMA per super-block turns the integers into f32 with d_w·d_x.
//
// Every integer sum is exact (the largest, Q6_K's Σ sc·q·xq over 256 elements, stays below
// 127·63·127·256 < 2³¹); the f32 result differs from Σ w·(xq·dx) with w dequantized as ggml's
// reference does only by the f32 rounding of the scales' products and of the summation.
#include "CKernels.h"
#include <math.h>
#include <string.h>

// ggml's nearest_int needs IEEE single-precision adds, one at a time.
#pragma STDC FP_CONTRACT OFF

/// ggml's `nearest_int`: round half to even through the 1.5·2²³ trick (|v| ≤ 2²²).
static inline int nearest_int(float v) {
    const float shifted = v + 12582912.f;
    int32_t bits;
    memcpy(&bits, &shifted, 4);
    return (bits & 0x007fffff) - 0x00400000;
}

// Portable: ggml's x86 CPU backend itself uses this scalar reference (`quantize_row_q8_K_ref`).
void vlm_quantize_x_q8_K(const float *x, long blocks, int8_t *xq, float *dx, int16_t *bsums) {
    for (long b = 0; b < blocks; b++, x += 256, xq += 256, bsums += 16) {
        float largest = 0, signed_largest = 0;
        for (int j = 0; j < 256; j++) {
            const float a = fabsf(x[j]);
            if (a > largest) { largest = a; signed_largest = x[j]; }
        }
        if (!(largest > 0)) {
            dx[b] = 0;
            memset(xq, 0, 256);
            memset(bsums, 0, 32);
            continue;
        }
        const float iscale = -127.f / signed_largest;
        for (int j = 0; j < 256; j++) {
            const int v = nearest_int(iscale * x[j]);
            xq[j] = (int8_t)(v < 127 ? v : 127);
        }
        for (int g = 0; g < 16; g++) {
            int sum = 0;
            for (int j = 0; j < 16; j++) sum += xq[16 * g + j];
            bsums[g] = (int16_t)sum;
        }
        dx[b] = 1 / iscale;
    }
}

int vlm_q8_represents(const float *x, const int8_t *xq, const float *dx, long blocks, long block) {
    // 2⁻²⁰ relative: a re-rounded Q8_K value moves by ~2 ulps (its scale is recomputed from a
    // rounded maximum), while a value that was not rounded is off by up to half a step.
    const float tolerance = 1.0f / 1048576.0f;
    int exact = 1;
    for (long b = 0; b < blocks; b++) {
        const float d = dx[b];
        for (long j = 0; j < block; j++, x++, xq++) {
            const float v = *x;
            if (!isfinite(v)) return -1;
            if (fabsf((float)*xq * d - v) > tolerance * fabsf(v)) exact = 0;
        }
    }
    return exact;
}

#if defined(__x86_64__)
#include "avx2_common.h"

static const int8_t iq4_levels[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

// 16-bit scales for a pair of 16-element sub-blocks: lanes 0–7 (the first 16 bytes of a
// vpmaddubsw input) take scales[i], lanes 8–15 scales[i + 1]. `scales` holds 16 int8 scales.
TARGET static inline __m256i scale_pair(__m128i scales, int i) {
    const __m128i pick = _mm_set_epi64x((long long)(0x0101010101010101ULL * (uint64_t)(i + 1)),
                                        (long long)(0x0101010101010101ULL * (uint64_t)i));
    return _mm256_cvtepi8_epi16(_mm_shuffle_epi8(scales, pick));
}

// Σ over 32 bytes of q·y (q unsigned < 128 or a Q6/Q5 value < 64, y signed), two 16-element
// halves weighted by the two scales in `scale` (16-bit lanes), as 8 int32 lanes.
TARGET static inline __m256i scaled_dot(__m256i q, __m256i y, __m256i scale) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(q, y), scale);
}

// Signed weight bytes v times signed y: vpmaddubsw wants its first operand unsigned, so |v|
// times y carrying v's sign (|v| ≤ 127 for the IQ4 levels).
TARGET static inline __m256i signed_pairs(__m256i v, __m256i y) {
    return _mm256_maddubs_epi16(_mm256_sign_epi8(v, v), _mm256_sign_epi8(y, v));
}

// The 8 six-bit scales and 8 six-bit minimums of a Q4_K/Q5_K super-block (12 packed bytes).
static inline void unpack_k4_scales(const uint8_t *q, uint8_t *scales, uint8_t *mins) {
    for (int j = 0; j < 4; j++) {
        scales[j] = q[j] & 63;
        mins[j] = q[j + 4] & 63;
        scales[j + 4] = (q[j + 8] & 0xF) | ((q[j] >> 6) << 4);
        mins[j + 4] = (q[j + 8] >> 4) | ((q[j + 4] >> 6) << 4);
    }
}

// Q4_K (144 bytes): f16 d, f16 dmin, 12 bytes of scales/mins, 128 bytes of nibbles; four groups
// of 64 elements, the low nibbles of 32 bytes then their high nibbles, each 32 with its own
// scale and minimum. w = d·sc·q − dmin·m.
TARGET float vlm_dot_q4_K_q8_K(const uint8_t *w, const int8_t *xq, const float *dx, const int16_t *bsums, long blocks) {
    const __m256i low = _mm256_set1_epi8(0x0F);
    __m256 acc = _mm256_setzero_ps();
    float minimums = 0;
    for (long b = 0; b < blocks; b++, w += 144, xq += 256, bsums += 16) {
        uint8_t sc[8], mn[8];
        unpack_k4_scales(w + 4, sc, mn);
        int msum = 0;
        for (int j = 0; j < 8; j++) msum += mn[j] * (bsums[2 * j] + bsums[2 * j + 1]);
        __m256i sum = _mm256_setzero_si256();
        const uint8_t *q = w + 16;
        for (int g = 0; g < 4; g++, q += 32) {
            const __m256i bytes = _mm256_loadu_si256((const __m256i *)q);
            const __m256i lo = _mm256_and_si256(bytes, low), hi = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), low);
            sum = _mm256_add_epi32(sum, scaled_dot(lo, _mm256_loadu_si256((const __m256i *)(xq + 64 * g)),
                                                   _mm256_set1_epi16(sc[2 * g])));
            sum = _mm256_add_epi32(sum, scaled_dot(hi, _mm256_loadu_si256((const __m256i *)(xq + 64 * g + 32)),
                                                   _mm256_set1_epi16(sc[2 * g + 1])));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_at(w) * dx[b]), _mm256_cvtepi32_ps(sum), acc);
        minimums += half_at(w + 2) * dx[b] * (float)msum;
    }
    return hsum(acc) - minimums;
}

// Q5_K (176 bytes): Q4_K's fields, then 32 bytes of fifth bits (bit 2g of byte l for the low
// nibble of group g, bit 2g + 1 for the high), then the 128 bytes of nibbles.
TARGET float vlm_dot_q5_K_q8_K(const uint8_t *w, const int8_t *xq, const float *dx, const int16_t *bsums, long blocks) {
    const __m256i low = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    __m256 acc = _mm256_setzero_ps();
    float minimums = 0;
    for (long b = 0; b < blocks; b++, w += 176, xq += 256, bsums += 16) {
        uint8_t sc[8], mn[8];
        unpack_k4_scales(w + 4, sc, mn);
        int msum = 0;
        for (int j = 0; j < 8; j++) msum += mn[j] * (bsums[2 * j] + bsums[2 * j + 1]);
        const __m256i fifth = _mm256_loadu_si256((const __m256i *)(w + 16));
        __m256i sum = _mm256_setzero_si256();
        const uint8_t *q = w + 48;
        for (int g = 0; g < 4; g++, q += 32) {
            const __m256i bytes = _mm256_loadu_si256((const __m256i *)q);
            // (fifth >> s) & 1 per byte: a 16-bit shift moves the next byte's bits only above bit 0.
            const __m256i hlo = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(fifth, 2 * g), one), 4);
            const __m256i hhi = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(fifth, 2 * g + 1), one), 4);
            const __m256i lo = _mm256_or_si256(_mm256_and_si256(bytes, low), hlo);
            const __m256i hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(bytes, 4), low), hhi);
            sum = _mm256_add_epi32(sum, scaled_dot(lo, _mm256_loadu_si256((const __m256i *)(xq + 64 * g)),
                                                   _mm256_set1_epi16(sc[2 * g])));
            sum = _mm256_add_epi32(sum, scaled_dot(hi, _mm256_loadu_si256((const __m256i *)(xq + 64 * g + 32)),
                                                   _mm256_set1_epi16(sc[2 * g + 1])));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_at(w) * dx[b]), _mm256_cvtepi32_ps(sum), acc);
        minimums += half_at(w + 2) * dx[b] * (float)msum;
    }
    return hsum(acc) - minimums;
}

// Q6_K (210 bytes): 128 bytes of low nibbles, 64 bytes of 2-bit highs, 16 int8 scales (one per
// 16 elements), f16 d; w = d·sc·(q − 32), q = low | high << 4. Each half of 128 elements reads
// 64 low bytes (nibbles of bytes 0–31 and 32–63, low then high) and 32 high bytes (four 2-bit
// fields per byte).
TARGET float vlm_dot_q6_K_q8_K(const uint8_t *w, const int8_t *xq, const float *dx, const int16_t *bsums, long blocks) {
    const __m256i low = _mm256_set1_epi8(0x0F), three = _mm256_set1_epi8(3);
    const __m256i bits23 = _mm256_set1_epi8(0x0C), bits45 = _mm256_set1_epi8(0x30), bits67 = _mm256_set1_epi8((char)0xC0);
    __m256 acc = _mm256_setzero_ps();
    for (long b = 0; b < blocks; b++, w += 210, xq += 256, bsums += 16) {
        const __m128i scales = _mm_loadu_si128((const __m128i *)(w + 192));
        // The −32 offset: 32·Σ sc·(Σ xq over the scale's 16 elements), from bsums.
        const __m256i offsets = _mm256_madd_epi16(_mm256_cvtepi8_epi16(scales), _mm256_loadu_si256((const __m256i *)bsums));
        __m256i sum = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_slli_epi32(offsets, 5));
        for (int h = 0; h < 2; h++) {
            const uint8_t *ql = w + 64 * h, *qh = w + 128 + 32 * h;
            const int8_t *y = xq + 128 * h;
            const __m256i a = _mm256_loadu_si256((const __m256i *)ql), c = _mm256_loadu_si256((const __m256i *)(ql + 32));
            const __m256i high = _mm256_loadu_si256((const __m256i *)qh);
            const __m256i q0 = _mm256_or_si256(_mm256_and_si256(a, low), _mm256_slli_epi16(_mm256_and_si256(high, three), 4));
            const __m256i q1 = _mm256_or_si256(_mm256_and_si256(c, low), _mm256_slli_epi16(_mm256_and_si256(high, bits23), 2));
            const __m256i q2 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(a, 4), low), _mm256_and_si256(high, bits45));
            const __m256i q3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(c, 4), low),
                                               _mm256_srli_epi16(_mm256_and_si256(high, bits67), 2));
            sum = _mm256_add_epi32(sum, scaled_dot(q0, _mm256_loadu_si256((const __m256i *)y), scale_pair(scales, 8 * h)));
            sum = _mm256_add_epi32(sum, scaled_dot(q1, _mm256_loadu_si256((const __m256i *)(y + 32)), scale_pair(scales, 8 * h + 2)));
            sum = _mm256_add_epi32(sum, scaled_dot(q2, _mm256_loadu_si256((const __m256i *)(y + 64)), scale_pair(scales, 8 * h + 4)));
            sum = _mm256_add_epi32(sum, scaled_dot(q3, _mm256_loadu_si256((const __m256i *)(y + 96)), scale_pair(scales, 8 * h + 6)));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_at(w + 208) * dx[b]), _mm256_cvtepi32_ps(sum), acc);
    }
    return hsum(acc);
}

// Q3_K (110 bytes): 32 bytes of high-bit masks, 64 bytes of 2-bit quants, 12 bytes of packed
// 6-bit scales, f16 d; w = d·(sc − 32)·(q − (high bit ? 0 : 4)). Two halves of 128: 32 bytes
// of quants, four 2-bit fields each (shift 2j) with mask bit 4·half + j, 16 elements per scale.
TARGET float vlm_dot_q3_K_q8_K(const uint8_t *w, const int8_t *xq, const float *dx, const int16_t *bsums, long blocks) {
    const __m256i three = _mm256_set1_epi8(3), one = _mm256_set1_epi8(1);
    __m256 acc = _mm256_setzero_ps();
    for (long b = 0; b < blocks; b++, w += 110, xq += 256, bsums += 16) {
        uint32_t aux[4];
        memcpy(aux, w + 96, 12);
        const uint32_t tmp = aux[2], k1 = 0x03030303, k2 = 0x0f0f0f0f;
        aux[2] = ((aux[0] >> 4) & k2) | (((tmp >> 4) & k1) << 4);
        aux[3] = ((aux[1] >> 4) & k2) | (((tmp >> 6) & k1) << 4);
        aux[0] = (aux[0] & k2) | (((tmp >> 0) & k1) << 4);
        aux[1] = (aux[1] & k2) | (((tmp >> 2) & k1) << 4);
        __m128i scales;
        memcpy(&scales, aux, 16);
        scales = _mm_sub_epi8(scales, _mm_set1_epi8(32));
        // q ∈ 0…7 (low bits | high bit << 2); the −4: 4·Σ sc·bsums.
        const __m256i offsets = _mm256_madd_epi16(_mm256_cvtepi8_epi16(scales), _mm256_loadu_si256((const __m256i *)bsums));
        __m256i sum = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_slli_epi32(offsets, 2));
        const __m256i masks = _mm256_loadu_si256((const __m256i *)w);
        for (int h = 0; h < 2; h++) {
            const __m256i bytes = _mm256_loadu_si256((const __m256i *)(w + 32 + 32 * h));
            for (int j = 0; j < 4; j++) {
                const __m256i lo = _mm256_and_si256(_mm256_srli_epi16(bytes, 2 * j), three);
                const __m256i hi = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(masks, 4 * h + j), one), 2);
                const __m256i y = _mm256_loadu_si256((const __m256i *)(xq + 128 * h + 32 * j));
                sum = _mm256_add_epi32(sum, scaled_dot(_mm256_or_si256(lo, hi), y, scale_pair(scales, 8 * h + 2 * j)));
            }
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_at(w + 108) * dx[b]), _mm256_cvtepi32_ps(sum), acc);
    }
    return hsum(acc);
}

// Q2_K (84 bytes): 16 bytes of scales (low nibble) and minimums (high nibble), 64 bytes of
// 2-bit quants, f16 d, f16 dmin; w = d·sc·q − dmin·m, laid out as Q3_K's low bits.
TARGET float vlm_dot_q2_K_q8_K(const uint8_t *w, const int8_t *xq, const float *dx, const int16_t *bsums, long blocks) {
    const __m256i three = _mm256_set1_epi8(3);
    __m256 acc = _mm256_setzero_ps();
    float minimums = 0;
    for (long b = 0; b < blocks; b++, w += 84, xq += 256, bsums += 16) {
        const __m128i packed = _mm_loadu_si128((const __m128i *)w);
        const __m128i scales = _mm_and_si128(packed, _mm_set1_epi8(0x0F));
        const __m128i mins = _mm_and_si128(_mm_srli_epi16(packed, 4), _mm_set1_epi8(0x0F));
        const __m256i msums = _mm256_madd_epi16(_mm256_cvtepu8_epi16(mins), _mm256_loadu_si256((const __m256i *)bsums));
        __m256i sum = _mm256_setzero_si256();
        for (int h = 0; h < 2; h++) {
            const __m256i bytes = _mm256_loadu_si256((const __m256i *)(w + 16 + 32 * h));
            for (int j = 0; j < 4; j++) {
                const __m256i q = _mm256_and_si256(_mm256_srli_epi16(bytes, 2 * j), three);
                const __m256i y = _mm256_loadu_si256((const __m256i *)(xq + 128 * h + 32 * j));
                sum = _mm256_add_epi32(sum, scaled_dot(q, y, scale_pair(scales, 8 * h + 2 * j)));
            }
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_at(w + 80) * dx[b]), _mm256_cvtepi32_ps(sum), acc);
        const __m128i m4 = _mm_add_epi32(_mm256_castsi256_si128(msums), _mm256_extracti128_si256(msums, 1));
        const __m128i m2 = _mm_add_epi32(m4, _mm_unpackhi_epi64(m4, m4));
        const int msum = _mm_cvtsi128_si32(_mm_add_epi32(m2, _mm_shuffle_epi32(m2, 1)));
        minimums += half_at(w + 82) * dx[b] * (float)msum;
    }
    return hsum(acc) - minimums;
}

// The 32 IQ4 levels of 16 bytes of nibbles (low nibbles, then high), as signed bytes.
TARGET static inline __m256i iq4_values(const uint8_t *q) {
    const __m128i levels = _mm_loadu_si128((const __m128i *)iq4_levels), low = _mm_set1_epi8(0x0F);
    const __m128i bytes = _mm_loadu_si128((const __m128i *)q);
    return _mm256_set_m128i(_mm_shuffle_epi8(levels, _mm_and_si128(_mm_srli_epi16(bytes, 4), low)),
                            _mm_shuffle_epi8(levels, _mm_and_si128(bytes, low)));
}

// IQ4_XS (136 bytes): f16 d, 2 bytes of scale high bits, 4 bytes of scale low nibbles, then 8
// sub-blocks of 32 as IQ4_NL's nibbles; w = d·(ls − 32)·level.
TARGET float vlm_dot_iq4_xs_q8_K(const uint8_t *w, const int8_t *xq, const float *dx, const int16_t *bsums, long blocks) {
    (void)bsums;
    __m256 acc = _mm256_setzero_ps();
    for (long b = 0; b < blocks; b++, w += 136, xq += 256) {
        uint16_t high;
        memcpy(&high, w + 2, 2);
        __m256i sum = _mm256_setzero_si256();
        for (int ib = 0; ib < 8; ib++) {
            const int ls = ((w[4 + ib / 2] >> 4 * (ib % 2)) & 0xF) | (((high >> 2 * ib) & 3) << 4);
            const __m256i pairs = signed_pairs(iq4_values(w + 8 + 16 * ib), _mm256_loadu_si256((const __m256i *)(xq + 32 * ib)));
            sum = _mm256_add_epi32(sum, _mm256_madd_epi16(pairs, _mm256_set1_epi16((short)(ls - 32))));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_at(w) * dx[b]), _mm256_cvtepi32_ps(sum), acc);
    }
    return hsum(acc);
}

#else
#define VLM_UNAVAILABLE_K(name) \
    float name(const uint8_t *w, const int8_t *xq, const float *dx, const int16_t *bsums, long blocks) { \
        (void)w; (void)xq; (void)dx; (void)bsums; (void)blocks; return 0; }
VLM_UNAVAILABLE_K(vlm_dot_q4_K_q8_K)
VLM_UNAVAILABLE_K(vlm_dot_q5_K_q8_K)
VLM_UNAVAILABLE_K(vlm_dot_q6_K_q8_K)
VLM_UNAVAILABLE_K(vlm_dot_q3_K_q8_K)
VLM_UNAVAILABLE_K(vlm_dot_q2_K_q8_K)
VLM_UNAVAILABLE_K(vlm_dot_iq4_xs_q8_K)
#endif
