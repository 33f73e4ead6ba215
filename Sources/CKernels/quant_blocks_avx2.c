// Every other ggml weight type (Q5_0, Q5_1, IQ4_NL, Q2_K … Q6_K, IQ4_XS) for the CPU backend:
// a block dequantized into a small f32 buffer as ggml's reference dequantize_row_* computes it
// (WeightTypes' BlockDequantizer is the same arithmetic in Swift, held to llama.cpp's by the
// dequantization fixture), then AVX2 dot products over it. Scalar decode loops written so the
// compiler vectorizes them; scales widened with F16C.
#include "CKernels.h"
// Products rounded one at a time, as ggml's reference (and the tests' fixtures) compute them.
#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__)
#include "avx2_common.h"

static const int8_t iq4_levels[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

TARGET static inline void scale_min_k4(int j, const uint8_t *q, float *d, float *m) {
    if (j < 4) { *d = q[j] & 63; *m = q[j + 4] & 63; }
    else { *d = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4); *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4); }
}

// One block of `type` (ggml number) at w into y; returns the elements written (0: unknown type).
TARGET static int dequantize_block(int type, const uint8_t *w, float *y) {
    switch (type) {
    case 6: case 7: { // Q5_0, Q5_1
        const float d = half_at(w), m = type == 7 ? half_at(w + 2) : 0;
        const uint8_t *hp = w + (type == 7 ? 4 : 2), *qs = hp + 4;
        uint32_t qh; memcpy(&qh, hp, 4);
        for (int j = 0; j < 16; j++) {
            int x0 = (qs[j] & 0xF) | (((qh >> j) << 4) & 0x10), x1 = (qs[j] >> 4) | ((qh >> (j + 12)) & 0x10);
            if (type == 6) { y[j] = (x0 - 16) * d; y[j + 16] = (x1 - 16) * d; }
            else { y[j] = x0 * d + m; y[j + 16] = x1 * d + m; }
        }
        return 32;
    }
    case 20: { // IQ4_NL
        const float d = half_at(w);
        for (int j = 0; j < 16; j++) { y[j] = d * iq4_levels[w[2 + j] & 0xF]; y[j + 16] = d * iq4_levels[w[2 + j] >> 4]; }
        return 32;
    }
    case 10: { // Q2_K
        const float d = half_at(w + 80), dmin = half_at(w + 82);
        const uint8_t *q = w + 16; int is = 0;
        for (int n = 0; n < 256; n += 128, q += 32)
            for (int shift = 0; shift < 8; shift += 2)
                for (int part = 0; part < 2; part++) {
                    const uint8_t sc = w[is++];
                    const float dl = d * (sc & 0xF), ml = dmin * (sc >> 4);
                    for (int l = 0; l < 16; l++) *y++ = dl * ((q[part * 16 + l] >> shift) & 3) - ml;
                }
        return 256;
    }
    case 11: { // Q3_K
        const float d = half_at(w + 108);
        uint32_t aux[4]; memcpy(aux, w + 96, 12);
        const uint32_t tmp = aux[2], k1 = 0x03030303, k2 = 0x0f0f0f0f;
        aux[2] = ((aux[0] >> 4) & k2) | (((tmp >> 4) & k1) << 4);
        aux[3] = ((aux[1] >> 4) & k2) | (((tmp >> 6) & k1) << 4);
        aux[0] = (aux[0] & k2) | (((tmp >> 0) & k1) << 4);
        aux[1] = (aux[1] & k2) | (((tmp >> 2) & k1) << 4);
        const int8_t *scales = (const int8_t *)aux;
        const uint8_t *q = w + 32, *hm = w; uint8_t mask = 1; int is = 0;
        for (int n = 0; n < 256; n += 128, q += 32)
            for (int shift = 0; shift < 8; shift += 2, mask <<= 1)
                for (int part = 0; part < 2; part++) {
                    const float dl = d * (scales[is++] - 32);
                    for (int l = 0; l < 16; l++)
                        *y++ = dl * ((int8_t)((q[part * 16 + l] >> shift) & 3) - ((hm[part * 16 + l] & mask) ? 0 : 4));
                }
        return 256;
    }
    case 12: case 13: { // Q4_K, Q5_K
        const float d = half_at(w), dmin = half_at(w + 2);
        const uint8_t *q = w + (type == 12 ? 16 : 48), *qh = w + 16;
        for (int g = 0; g < 4; g++, q += 32, y += 64) {
            float sc1, m1, sc2, m2;
            scale_min_k4(2 * g, w + 4, &sc1, &m1); scale_min_k4(2 * g + 1, w + 4, &sc2, &m2);
            const float d1 = d * sc1, dm1 = dmin * m1, d2 = d * sc2, dm2 = dmin * m2;
            const uint8_t u1 = 1 << (2 * g), u2 = 2 << (2 * g);
            for (int l = 0; l < 32; l++) {
                int lo = q[l] & 0xF, hi = q[l] >> 4;
                if (type == 13) { lo += (qh[l] & u1) ? 16 : 0; hi += (qh[l] & u2) ? 16 : 0; }
                y[l] = d1 * lo - dm1;
                y[l + 32] = d2 * hi - dm2;
            }
        }
        return 256;
    }
    case 14: { // Q6_K
        const float d = half_at(w + 208);
        for (int h = 0; h < 2; h++, y += 128) {
            const uint8_t *ql = w + 64 * h, *qh = w + 128 + 32 * h; const int8_t *sc = (const int8_t *)(w + 192 + 8 * h);
            for (int l = 0; l < 32; l++) {
                const int is = l / 16;
                y[l] = d * sc[is] * (float)((int8_t)((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32);
                y[l + 32] = d * sc[is + 2] * (float)((int8_t)((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32);
                y[l + 64] = d * sc[is + 4] * (float)((int8_t)((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32);
                y[l + 96] = d * sc[is + 6] * (float)((int8_t)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32);
            }
        }
        return 256;
    }
    case 23: { // IQ4_XS
        const float d = half_at(w);
        uint16_t high; memcpy(&high, w + 2, 2);
        for (int ib = 0; ib < 8; ib++, y += 32) {
            const int ls = ((w[4 + ib / 2] >> 4 * (ib % 2)) & 0xF) | (((high >> 2 * ib) & 3) << 4);
            const float dl = d * (ls - 32);
            const uint8_t *qs = w + 8 + 16 * ib;
            for (int j = 0; j < 16; j++) { y[j] = dl * iq4_levels[qs[j] & 0xF]; y[j + 16] = dl * iq4_levels[qs[j] >> 4]; }
        }
        return 256;
    }
    default: return 0;
    }
}

TARGET void vlm_dequantize_blocks(int type, long block_bytes, const uint8_t *w, float *dst, long blocks) {
    for (long b = 0; b < blocks; b++) dst += dequantize_block(type, w + b * block_bytes, dst);
}

TARGET float vlm_dot_blocks(int type, long block_bytes, const uint8_t *w, const float *x, long blocks) {
    float buffer[256] __attribute__((aligned(32)));
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    for (long b = 0; b < blocks; b++) {
        const int n = dequantize_block(type, w + b * block_bytes, buffer);
        for (int i = 0; i < n; i += 16, x += 16) {
            s0 = _mm256_fmadd_ps(_mm256_load_ps(buffer + i), _mm256_loadu_ps(x), s0);
            s1 = _mm256_fmadd_ps(_mm256_load_ps(buffer + i + 8), _mm256_loadu_ps(x + 8), s1);
        }
    }
    return hsum(_mm256_add_ps(s0, s1));
}

#else
void vlm_dequantize_blocks(int type, long block_bytes, const uint8_t *w, float *dst, long blocks) {
    (void)type; (void)block_bytes; (void)w; (void)dst; (void)blocks;
}
float vlm_dot_blocks(int type, long block_bytes, const uint8_t *w, const float *x, long blocks) {
    (void)type; (void)block_bytes; (void)w; (void)x; (void)blocks; return 0;
}
#endif
