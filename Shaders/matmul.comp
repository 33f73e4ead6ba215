#version 450
// Y[M,N] = X[M,K] · W (+ bias): tiled matrix-matrix product for prompts and encoders.
// Each workgroup computes a 64×64 tile of Y, staging 16-wide K slices of X and W through
// shared memory; each of the 256 invocations keeps a 4×4 block of outputs in registers, so
// every shared-memory load feeds four FMAs. Edges are bounds-checked, not padded.
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 16, local_size_y = 16) in;
layout(constant_id = 0) const bool WEIGHT_F16 = false;
layout(constant_id = 1) const bool WEIGHT_OUT_IN = true; // [N,K] (nn.Linear) vs [K,N] (Conv1D)
// Quantized weights (quant.glsl), dequantized as W tiles are staged: 0 none, else the ggml type
// number; always [N,K], each invocation decoding four consecutive k (one quant word, one scale).
layout(constant_id = 2) const uint QUANT = 0;

layout(std430, binding = 0) readonly buffer XBuffer { float X[]; };
layout(std430, binding = 1) readonly buffer WBuffer { uint W[]; };
layout(std430, binding = 2) readonly buffer BiasBuffer { float bias[]; };
layout(std430, binding = 3) writeonly buffer YBuffer { float Y[]; };
layout(push_constant) uniform Push { uint M; uint K; uint N; uint hasBias; } p;

#include "common.glsl"
#include "quant.glsl"

const uint BM = 64, BN = 64, BK = 16, TM = 4, TN = 4;
shared float As[BK][BM];
shared float Bs[BK][BN];

void main() {
    const uint tx = gl_LocalInvocationID.x, ty = gl_LocalInvocationID.y;
    const uint tid = ty * 16 + tx;
    const uint row0 = gl_WorkGroupID.y * BM, col0 = gl_WorkGroupID.x * BN;
    float acc[TM][TN];
    for (uint i = 0; i < TM; i++) for (uint j = 0; j < TN; j++) acc[i][j] = 0.0;

    for (uint k0 = 0; k0 < p.K; k0 += BK) {
        // 1024 elements of each tile, 4 per invocation, in the order memory holds them.
        for (uint l = 0; l < 4; l++) {
            uint idx = tid + l * 256;
            uint r = idx / BK, c = idx % BK;                 // X tile: 64 rows × 16 k
            uint gm = row0 + r, gk = k0 + c;
            As[c][r] = (gm < p.M && gk < p.K) ? X[gm * p.K + gk] : 0.0;
            if (QUANT != 0u) continue;
            uint kk, nn;
            if (WEIGHT_OUT_IN) { nn = idx / BK; kk = idx % BK; } // W[n*K + k]: k contiguous
            else { kk = idx / BN; nn = idx % BN; }               // W[k*N + n]: n contiguous
            uint gn = col0 + nn; gk = k0 + kk;
            float w = 0.0;
            if (gn < p.N && gk < p.K) {
                uint e = WEIGHT_OUT_IN ? gn * p.K + gk : gk * p.N + gn;
                w = loadWeight(e, WEIGHT_F16);
            }
            Bs[kk][nn] = w;
        }
        if (QUANT != 0u) {
            // 64 rows × 16 k of W as 256 groups of four k; K is a multiple of 32, so a group
            // is either wholly inside K or wholly past it.
            uint nn = tid / 4u, kk = (tid % 4u) * 4u, gn = col0 + nn, gk = k0 + kk;
            vec4 w = (gn < p.N && gk < p.K) ? dequant4(gn * p.K + gk) : vec4(0.0);
            for (uint i = 0; i < 4u; i++) Bs[kk + i][nn] = w[i];
        }
        barrier();
        for (uint k = 0; k < BK; k++) {
            float a[TM], b[TN];
            for (uint i = 0; i < TM; i++) a[i] = As[k][ty + 16 * i];
            for (uint j = 0; j < TN; j++) b[j] = Bs[k][tx + 16 * j];
            for (uint i = 0; i < TM; i++) for (uint j = 0; j < TN; j++) acc[i][j] = fma(a[i], b[j], acc[i][j]);
        }
        barrier();
    }

    for (uint i = 0; i < TM; i++) {
        uint m = row0 + ty + 16 * i;
        if (m >= p.M) continue;
        for (uint j = 0; j < TN; j++) {
            uint n = col0 + tx + 16 * j;
            if (n < p.N) Y[m * p.N + n] = acc[i][j] + (p.hasBias != 0u ? bias[n] : 0.0);
        }
    }
}
