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

// Q8_K activations and integer dot products (quant_kquants_int8_avx2.c), after ggml's
// quantize_row_q8_K_ref and ggml_vec_dot_*_q8_K: x quantized per block of 256 to
// xq = min(127, nearest(iscale·x)), iscale = −127/m (m the element of largest magnitude, with its
// sign), dx = 1/iscale (0 for an all-zero block); bsums[16·b + g] = Σ xq over elements 16g…16g+15
// of block b. Portable C: the x86 ggml CPU backend uses this reference itself.
void vlm_quantize_x_q8_K(const float *x, long blocks, int8_t *xq, float *dx, int16_t *bsums);
/// 1 when every x[i] equals xq[i]·dx[block] to 2⁻²⁰ relative (x was already rounded through
/// these int8 blocks, so an integer product is the f32 product up to rounding), 0 when some
/// element is not, −1 when x holds NaN or ±inf. `block` elements per scale (32 or 256).
int vlm_q8_represents(const float *x, const int8_t *xq, const float *dx, long blocks, long block);
/// Σ w·(xq·dx) over `blocks` super-blocks of 256 (AVX2; callers check vlm_has_avx2_f16c()).
float vlm_dot_q4_K_q8_K(const uint8_t *w, const int8_t *xq, const float *dx, const int16_t *bsums, long blocks);
float vlm_dot_q5_K_q8_K(const uint8_t *w, const int8_t *xq, const float *dx, const int16_t *bsums, long blocks);
float vlm_dot_q6_K_q8_K(const uint8_t *w, const int8_t *xq, const float *dx, const int16_t *bsums, long blocks);
float vlm_dot_q3_K_q8_K(const uint8_t *w, const int8_t *xq, const float *dx, const int16_t *bsums, long blocks);
float vlm_dot_q2_K_q8_K(const uint8_t *w, const int8_t *xq, const float *dx, const int16_t *bsums, long blocks);
float vlm_dot_iq4_xs_q8_K(const uint8_t *w, const int8_t *xq, const float *dx, const int16_t *bsums, long blocks);
/// The same over blocks of 32 with x from vlm_quantize_x_q8 (Q5_0 needs Σ xq, Q5_1 exact Σ x).
float vlm_dot_q5_0_q8(const uint8_t *w, const int8_t *xq, const float *dx, const float *xqsum, long blocks);
float vlm_dot_q5_1_q8(const uint8_t *w, const int8_t *xq, const float *dx, const float *xsum, long blocks);
float vlm_dot_iq4_nl_q8(const uint8_t *w, const int8_t *xq, const float *dx, long blocks);

#endif
