// Quantized weights times int8 activations: x is quantized once per mat-vec to int8 blocks of
// 32 (scale dx = max|x|/127), then each weight block is one integer dot product
// (vpmaddubsw: unsigned × signed bytes → 16-bit pairs, vpmaddwd → 32-bit) and one FMA with
// d·dx. About 3× fewer instructions per block than widening to f32, at the cost of x's
// rounding (~0.3% relative per element), which is why it is opt-in.
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

TARGET float vlm_dot_q8_0_q8(const uint8_t *w, const int8_t *xq, const float *dx, long blocks) {
    __m256 acc = _mm256_setzero_ps();
    for (long b = 0; b < blocks; b++, w += 34, xq += 32) {
        __m256i q = _mm256_loadu_si256((const __m256i *)(w + 2)), y = _mm256_loadu_si256((const __m256i *)xq);
        // maddubs wants one unsigned operand: |q| times xq carrying q's sign.
        __m256 s = udot(_mm256_sign_epi8(q, q), _mm256_sign_epi8(y, q));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_at(w) * dx[b]), s, acc);
    }
    return hsum(acc);
}

TARGET float vlm_dot_q4_0_q8(const uint8_t *w, const int8_t *xq, const float *dx, const float *xqsum, long blocks) {
    // d·dx·Σ(q − 8)·xq = d·dx·(Σ q·xq − 8·Σ xq).
    __m256 acc = _mm256_setzero_ps();
    float offsets = 0;
    for (long b = 0; b < blocks; b++, w += 18, xq += 32) {
        float scale = half_at(w) * dx[b];
        __m256 s = udot(nibble_bytes(w + 2), _mm256_loadu_si256((const __m256i *)xq));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(scale), s, acc);
        offsets += scale * xqsum[b];
    }
    return hsum(acc) - 8.0f * offsets;
}

TARGET float vlm_dot_q4_1_q8(const uint8_t *w, const int8_t *xq, const float *dx, const float *xsum, long blocks) {
    // Σ(d·q + m)·x ≈ d·dx·Σ q·xq + m·Σ x, the minimum's term taken with the exact x.
    __m256 acc = _mm256_setzero_ps();
    float mins = 0;
    for (long b = 0; b < blocks; b++, w += 20, xq += 32) {
        __m256 s = udot(nibble_bytes(w + 4), _mm256_loadu_si256((const __m256i *)xq));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_at(w) * dx[b]), s, acc);
        mins += half_at(w + 2) * xsum[b];
    }
    return hsum(acc) + mins;
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
#endif
