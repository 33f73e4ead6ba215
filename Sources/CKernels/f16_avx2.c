#include "CKernels.h"

#if defined(__x86_64__)
#include "avx2_common.h"

int vlm_has_avx2_f16c(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}

TARGET static inline __m256 load8(const uint16_t *p) {
    return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
}

TARGET static inline float half(uint16_t h) { return _cvtsh_ss(h); }

TARGET float vlm_dot_f16(const uint16_t *w, const float *x, long n) {
    // Four independent accumulators so consecutive FMAs do not wait on each other.
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
    long i = 0;
    for (; i + 32 <= n; i += 32) {
        a0 = _mm256_fmadd_ps(load8(w + i), _mm256_loadu_ps(x + i), a0);
        a1 = _mm256_fmadd_ps(load8(w + i + 8), _mm256_loadu_ps(x + i + 8), a1);
        a2 = _mm256_fmadd_ps(load8(w + i + 16), _mm256_loadu_ps(x + i + 16), a2);
        a3 = _mm256_fmadd_ps(load8(w + i + 24), _mm256_loadu_ps(x + i + 24), a3);
    }
    for (; i + 8 <= n; i += 8) a0 = _mm256_fmadd_ps(load8(w + i), _mm256_loadu_ps(x + i), a0);
    float sum = hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
    for (; i < n; i++) sum += half(w[i]) * x[i];
    return sum;
}

TARGET void vlm_f16_columns(const uint16_t *w, long stride, const float *x, long k, long width, float *sums) {
    long r = 0;
    // Four weight rows per pass over the partial sums, so each load and store of a sum
    // carries four products.
    for (; r + 4 <= k; r += 4) {
        const uint16_t *p0 = w + r * stride, *p1 = p0 + stride, *p2 = p1 + stride, *p3 = p2 + stride;
        __m256 x0 = _mm256_set1_ps(x[r]), x1 = _mm256_set1_ps(x[r + 1]);
        __m256 x2 = _mm256_set1_ps(x[r + 2]), x3 = _mm256_set1_ps(x[r + 3]);
        long c = 0;
        for (; c + 8 <= width; c += 8) {
            __m256 acc = _mm256_loadu_ps(sums + c);
            acc = _mm256_fmadd_ps(x0, load8(p0 + c), acc);
            acc = _mm256_fmadd_ps(x1, load8(p1 + c), acc);
            acc = _mm256_fmadd_ps(x2, load8(p2 + c), acc);
            acc = _mm256_fmadd_ps(x3, load8(p3 + c), acc);
            _mm256_storeu_ps(sums + c, acc);
        }
        for (; c < width; c++)
            sums[c] += x[r] * half(p0[c]) + x[r + 1] * half(p1[c]) + x[r + 2] * half(p2[c]) + x[r + 3] * half(p3[c]);
    }
    for (; r < k; r++) {
        const uint16_t *p = w + r * stride;
        __m256 xr = _mm256_set1_ps(x[r]);
        long c = 0;
        for (; c + 8 <= width; c += 8)
            _mm256_storeu_ps(sums + c, _mm256_fmadd_ps(xr, load8(p + c), _mm256_loadu_ps(sums + c)));
        for (; c < width; c++) sums[c] += x[r] * half(p[c]);
    }
}

TARGET void vlm_f16_to_f32(const uint16_t *src, float *dst, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, load8(src + i));
    for (; i < n; i++) dst[i] = half(src[i]);
}

#else
// Other architectures: the Swift code paths are used; these are never called.
int vlm_has_avx2_f16c(void) { return 0; }
float vlm_dot_f16(const uint16_t *w, const float *x, long n) { (void)w; (void)x; (void)n; return 0; }
void vlm_f16_columns(const uint16_t *w, long stride, const float *x, long k, long width, float *sums) {
    (void)w; (void)stride; (void)x; (void)k; (void)width; (void)sums;
}
void vlm_f16_to_f32(const uint16_t *src, float *dst, long n) { (void)src; (void)dst; (void)n; }
#endif
