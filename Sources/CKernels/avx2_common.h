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

// Σ q·xq for one block of 32 unsigned weight bytes q (each < 128) and signed xq, as 8 int32
// lanes converted to f32.
TARGET static inline __m256 udot(__m256i q, __m256i y) {
    return _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_maddubs_epi16(q, y), _mm256_set1_epi16(1)));
}

// The 32 nibbles of a block of 32 as bytes in element order (element j < 16 the low nibble of
// byte j, element j + 16 its high nibble).
TARGET static inline __m256i nibble_bytes(const uint8_t *p) {
    __m128i bytes = _mm_loadu_si128((const __m128i *)p), mask = _mm_set1_epi8(0x0F);
    __m128i lo = _mm_and_si128(bytes, mask), hi = _mm_and_si128(_mm_srli_epi16(bytes, 4), mask);
    return _mm256_set_m128i(hi, lo);
}

#endif
