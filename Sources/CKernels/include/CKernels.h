#ifndef CKERNELS_H
#define CKERNELS_H
// CPU kernels that need instructions Swift cannot ask for on a baseline x86-64 build
// (F16C half conversion, AVX2, FMA). Each is compiled for those instructions alone and
// called only after `vlm_has_avx2_f16c()` said yes, so the binary still runs on older CPUs.
#include <stdint.h>

/// 1 when the CPU has AVX2, FMA and F16C.
int vlm_has_avx2_f16c(void);

/// Σ w[i]·x[i] over n elements, w holding f16 bit patterns.
float vlm_dot_f16(const uint16_t *w, const float *x, long n);

/// sums[c] += Σ_{r<k} x[r]·w[r·stride + c] for c < width: a strip of columns of a row-major
/// [k, stride] f16 matrix times the vector x.
void vlm_f16_columns(const uint16_t *w, long stride, const float *x, long k, long width, float *sums);

/// dst[i] = (float)src[i], src holding f16 bit patterns.
void vlm_f16_to_f32(const uint16_t *src, float *dst, long n);

// ggml's quantized blocks of 32 weights (quant_avx2.c), `blocks` consecutive blocks:
//   Q8_0 (34 bytes): f16 d, int8 q[32];            w = d·q
//   Q4_0 (18 bytes): f16 d, 16 bytes of nibbles;   w = d·(q − 8)
//   Q4_1 (20 bytes): f16 d, f16 m, 16 bytes;       w = d·q + m
// Element j < 16 is the low nibble of byte j, element j + 16 its high nibble.

/// Σ w[i]·x[i] over 32·blocks elements.
float vlm_dot_q8_0(const uint8_t *w, const float *x, long blocks);
float vlm_dot_q4_0(const uint8_t *w, const float *x, long blocks);
float vlm_dot_q4_1(const uint8_t *w, const float *x, long blocks);

/// dst[i] = w[i] for the 32·blocks elements.
void vlm_dequantize_q8_0(const uint8_t *w, float *dst, long blocks);
void vlm_dequantize_q4_0(const uint8_t *w, float *dst, long blocks);
void vlm_dequantize_q4_1(const uint8_t *w, float *dst, long blocks);

// Q5_0, Q5_1, IQ4_NL, Q2_K … Q6_K, IQ4_XS by ggml type number (quant_blocks_avx2.c):
// `blocks` blocks of `block_bytes` each, dequantized as ggml's reference does, or dotted with x.
void vlm_dequantize_blocks(int type, long block_bytes, const uint8_t *w, float *dst, long blocks);
float vlm_dot_blocks(int type, long block_bytes, const uint8_t *w, const float *x, long blocks);

// Int8 activations (quant_int8_avx2.c): x quantized per block of 32 to xq = round(x/dx),
// dx = max|x|/127; also each block's Σ xq and exact Σ x, for the Q4 offsets and minimums.
void vlm_quantize_x_q8(const float *x, long blocks, int8_t *xq, float *dx, float *xqsum, float *xsum);
/// Σ w·x over `blocks` blocks with x given as int8 blocks (an approximation of the f32 product).
float vlm_dot_q8_0_q8(const uint8_t *w, const int8_t *xq, const float *dx, long blocks);
float vlm_dot_q4_0_q8(const uint8_t *w, const int8_t *xq, const float *dx, const float *xqsum, long blocks);
float vlm_dot_q4_1_q8(const uint8_t *w, const int8_t *xq, const float *dx, const float *xsum, long blocks);

#endif
