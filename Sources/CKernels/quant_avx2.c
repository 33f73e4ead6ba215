// Dot products and dequantization for ggml's Q8_0 / Q4_0 / Q4_1 blocks (32 elements each; see
// CKernels.h for the layouts). A block is widened to f32 in registers and multiplied by x with
// FMA; its scale is applied once per block to the block's partial sum rather than to each
// weight, which saves 32 multiplies per block and is as exact as scaling first.
#include "CKernels.h"
#include <string.h>

#if defined(__x86_64__)
#include "avx2_common.h"

// Eight signed bytes at p as f32.
TARGET static inline __m256 i8x8(const uint8_t *p) {
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)p)));
}

// The 32 nibbles of a Q4 block as four vectors of 8 unsigned values, in element order:
// low nibbles of bytes 0..15 are elements 0..15, high nibbles elements 16..31.
TARGET static inline void nibbles(const uint8_t *p, __m256i out[4]) {
    __m128i bytes = _mm_loadu_si128((const __m128i *)p);
    __m128i mask = _mm_set1_epi8(0x0F);
    __m128i lo = _mm_and_si128(bytes, mask);
    __m128i hi = _mm_and_si128(_mm_srli_epi16(bytes, 4), mask);
    out[0] = _mm256_cvtepu8_epi32(lo);
    out[1] = _mm256_cvtepu8_epi32(_mm_srli_si128(lo, 8));
    out[2] = _mm256_cvtepu8_epi32(hi);
    out[3] = _mm256_cvtepu8_epi32(_mm_srli_si128(hi, 8));
}

TARGET float vlm_dot_q8_0(const uint8_t *w, const float *x, long blocks) {
    // Two accumulators so consecutive blocks' final FMAs do not wait on each other.
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    for (long b = 0; b < blocks; b++, w += 34, x += 32) {
        const uint8_t *q = w + 2;
        __m256 s0 = _mm256_mul_ps(i8x8(q), _mm256_loadu_ps(x));
        __m256 s1 = _mm256_mul_ps(i8x8(q + 8), _mm256_loadu_ps(x + 8));
        s0 = _mm256_fmadd_ps(i8x8(q + 16), _mm256_loadu_ps(x + 16), s0);
        s1 = _mm256_fmadd_ps(i8x8(q + 24), _mm256_loadu_ps(x + 24), s1);
        __m256 d = _mm256_set1_ps(half_at(w));
        if (b & 1) a1 = _mm256_fmadd_ps(d, _mm256_add_ps(s0, s1), a1);
        else a0 = _mm256_fmadd_ps(d, _mm256_add_ps(s0, s1), a0);
    }
    return hsum(_mm256_add_ps(a0, a1));
}

// Σ q·x over one Q4 block's nibbles (q unsigned 0..15) and, for Q4_1's minimum, Σ x.
TARGET static inline __m256 nibble_dot(const uint8_t *p, const float *x, __m256 *xsum) {
    __m256i q[4];
    nibbles(p, q);
    __m256 x0 = _mm256_loadu_ps(x), x1 = _mm256_loadu_ps(x + 8), x2 = _mm256_loadu_ps(x + 16), x3 = _mm256_loadu_ps(x + 24);
    *xsum = _mm256_add_ps(_mm256_add_ps(x0, x1), _mm256_add_ps(x2, x3));
    __m256 s0 = _mm256_mul_ps(_mm256_cvtepi32_ps(q[0]), x0);
    __m256 s1 = _mm256_mul_ps(_mm256_cvtepi32_ps(q[1]), x1);
    s0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(q[2]), x2, s0);
    s1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(q[3]), x3, s1);
    return _mm256_add_ps(s0, s1);
}

TARGET float vlm_dot_q4_0(const uint8_t *w, const float *x, long blocks) {
    // d·Σ(q − 8)·x = d·(Σ q·x − 8·Σ x): the offset is applied once per block.
    __m256 acc = _mm256_setzero_ps(), eight = _mm256_set1_ps(8.0f);
    for (long b = 0; b < blocks; b++, w += 18, x += 32) {
        __m256 xsum;
        __m256 s = nibble_dot(w + 2, x, &xsum);
        s = _mm256_fnmadd_ps(eight, xsum, s);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_at(w)), s, acc);
    }
    return hsum(acc);
}

TARGET float vlm_dot_q4_1(const uint8_t *w, const float *x, long blocks) {
    // Σ(d·q + m)·x = d·Σ q·x + m·Σ x.
    __m256 acc = _mm256_setzero_ps(), mins = _mm256_setzero_ps();
    for (long b = 0; b < blocks; b++, w += 20, x += 32) {
        __m256 xsum;
        __m256 s = nibble_dot(w + 4, x, &xsum);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_at(w)), s, acc);
        mins = _mm256_fmadd_ps(_mm256_set1_ps(half_at(w + 2)), xsum, mins);
    }
    return hsum(_mm256_add_ps(acc, mins));
}

TARGET void vlm_dequantize_q8_0(const uint8_t *w, float *dst, long blocks) {
    for (long b = 0; b < blocks; b++, w += 34, dst += 32) {
        __m256 d = _mm256_set1_ps(half_at(w));
        for (int i = 0; i < 32; i += 8) _mm256_storeu_ps(dst + i, _mm256_mul_ps(d, i8x8(w + 2 + i)));
    }
}

TARGET void vlm_dequantize_q4_0(const uint8_t *w, float *dst, long blocks) {
    for (long b = 0; b < blocks; b++, w += 18, dst += 32) {
        __m256 d = _mm256_set1_ps(half_at(w));
        __m256i q[4], eight = _mm256_set1_epi32(8);
        nibbles(w + 2, q);
        for (int i = 0; i < 4; i++)
            _mm256_storeu_ps(dst + 8 * i, _mm256_mul_ps(d, _mm256_cvtepi32_ps(_mm256_sub_epi32(q[i], eight))));
    }
}

TARGET void vlm_dequantize_q4_1(const uint8_t *w, float *dst, long blocks) {
    for (long b = 0; b < blocks; b++, w += 20, dst += 32) {
        __m256 d = _mm256_set1_ps(half_at(w)), m = _mm256_set1_ps(half_at(w + 2));
        __m256i q[4];
        nibbles(w + 4, q);
        for (int i = 0; i < 4; i++) _mm256_storeu_ps(dst + 8 * i, _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(q[i]), m));
    }
}

#else
// Other architectures: the Swift code paths are used; these are never called.
float vlm_dot_q8_0(const uint8_t *w, const float *x, long blocks) { (void)w; (void)x; (void)blocks; return 0; }
float vlm_dot_q4_0(const uint8_t *w, const float *x, long blocks) { (void)w; (void)x; (void)blocks; return 0; }
float vlm_dot_q4_1(const uint8_t *w, const float *x, long blocks) { (void)w; (void)x; (void)blocks; return 0; }
void vlm_dequantize_q8_0(const uint8_t *w, float *dst, long blocks) { (void)w; (void)dst; (void)blocks; }
void vlm_dequantize_q4_0(const uint8_t *w, float *dst, long blocks) { (void)w; (void)dst; (void)blocks; }
void vlm_dequantize_q4_1(const uint8_t *w, float *dst, long blocks) { (void)w; (void)dst; (void)blocks; }
#endif
