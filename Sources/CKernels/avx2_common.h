// Helpers shared by the AVX2/F16C kernels (private to CKernels). Include only inside
// `#if defined(__x86_64__)`.
#ifndef VLM_AVX2_COMMON_H
#define VLM_AVX2_COMMON_H
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

// Compiled for these instructions alone; callers check `vlm_has_avx2_f16c()` first.
#define TARGET __attribute__((target("avx2,fma,f16c")))

// Block fields are not aligned (34-, 18- and 20-byte blocks): read through memcpy.
TARGET static inline float half_at(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

// The sum of the eight lanes.
TARGET static inline float hsum(__m256 s) {
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    q = _mm_add_ss(q, _mm_movehdup_ps(q));
    return _mm_cvtss_f32(q);
}

#endif
