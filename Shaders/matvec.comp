#version 450
// Y[M,N] = X[M,K] · W (+ bias) for a few activation rows (M ≤ 8): the decode path, bound by
// reading W. W is read once for all M rows, in the order memory holds it:
//  - [N,K] (nn.Linear): one workgroup per output column n; its 256 invocations stride along
//    the contiguous K row of W and reduce in shared memory.
//  - [K,N] (Conv1D): a workgroup covers 32 adjacent columns (contiguous in W) and splits K
//    into 8 slices, reduced in shared memory at the end.
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;
layout(constant_id = 0) const bool WEIGHT_F16 = false;
layout(constant_id = 1) const bool WEIGHT_OUT_IN = true;
// Activation rows, a compile-time constant so the per-row loops unroll and the accumulators
// stay in registers (one pipeline per row count, 1 ... 8).
layout(constant_id = 2) const uint ROWS = 1;
// Quantized weights (quant.glsl): 0 none, else the ggml type number; always [N,K], K a multiple
// of 32, read four elements (one quant word, one scale) per step.
layout(constant_id = 3) const uint QUANT = 0;

layout(std430, binding = 0) readonly buffer XBuffer { float X[]; };
layout(std430, binding = 1) readonly buffer WBuffer { uint W[]; };
layout(std430, binding = 2) readonly buffer BiasBuffer { float bias[]; };
layout(std430, binding = 3) writeonly buffer YBuffer { float Y[]; };
layout(push_constant) uniform Push { uint M; uint K; uint N; uint hasBias; } p;

#include "common.glsl"
#include "grid.glsl"
#include "quant.glsl"


shared float partial[ROWS][256];

void main() {
    const uint t = gl_LocalInvocationID.x;
    float acc[ROWS];
    for (uint m = 0; m < ROWS; m++) acc[m] = 0.0;

    uint n, lane, slice, slices;
    if (WEIGHT_OUT_IN) { n = flatWorkgroup(); lane = 0; slice = t; slices = 256; }
    else { lane = t % 32; slice = t / 32; slices = 8; n = flatWorkgroup() * 32 + lane; }

    if (QUANT != 0u) {
        if (n < p.N) {
            for (uint k = 4u * slice; k < p.K; k += 4u * slices) {
                vec4 w = dequant4(n * p.K + k);
                for (uint m = 0; m < ROWS; m++) {
                    uint x = m * p.K + k;
                    acc[m] += dot(vec4(X[x], X[x + 1u], X[x + 2u], X[x + 3u]), w);
                }
            }
        }
    } else if (n < p.N) {
        for (uint k = slice; k < p.K; k += slices) {
            uint e = WEIGHT_OUT_IN ? n * p.K + k : k * p.N + n;
            float w = loadWeight(e, WEIGHT_F16);
            for (uint m = 0; m < ROWS; m++) acc[m] = fma(X[m * p.K + k], w, acc[m]);
        }
    }
    for (uint m = 0; m < ROWS; m++) partial[m][t] = acc[m];
    barrier();

    // Tree reduction over the K slices: 256 → 1 for [N,K]; 8 slices of 32 lanes for [K,N].
    for (uint stride = 128; stride >= (WEIGHT_OUT_IN ? 1 : 32); stride >>= 1) {
        if (t < stride) for (uint m = 0; m < ROWS; m++) partial[m][t] += partial[m][t + stride];
        barrier();
    }
    if (t < (WEIGHT_OUT_IN ? 1 : 32) && n < p.N) {
        float b = p.hasBias != 0u ? bias[n] : 0.0;
        for (uint m = 0; m < ROWS; m++) Y[m * p.N + n] = partial[m][t] + b;
    }
}
