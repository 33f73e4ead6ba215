#version 450
// Y = X rounded through a storage type and back (Backend.roundTrip):
// MODE 0: Q8_0 blocks of 32 along rows (ggml's AVX2 quantize_row_q8_0: d = f16(max/127),
//         q = roundEven(x·127/max), y = d·q), one invocation per block;
// MODE 1: each element to the nearest f16;
// MODE 2: Q8_K blocks of 256 (ggml's quantize_row_q8_K_ref: f32 scale from the element of
//         largest magnitude, iscale = −127/max, q = min(127, roundEven(iscale·x)), y = q/iscale),
//         one invocation per block.
// Y may be X (each invocation reads its elements before writing them), hence no
// readonly/writeonly qualifiers on one aliased binding pair.
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;
layout(constant_id = 0) const uint MODE = 0;
layout(std430, binding = 0) buffer XBuffer { float X[]; };
layout(std430, binding = 1) buffer YBuffer { float Y[]; };
layout(push_constant) uniform Push { uint count; } p;

#include "grid.glsl"

void main() {
    const uint stride = gl_NumWorkGroups.x * gl_NumWorkGroups.y * 256;
    const uint units = MODE == 0u ? p.count / 32u : (MODE == 2u ? p.count / 256u : p.count);
    for (uint u = flatWorkgroup() * 256 + gl_LocalInvocationID.x; u < units; u += stride) {
        if (MODE == 1u) {
            Y[u] = unpackHalf2x16(packHalf2x16(vec2(X[u], 0.0))).x;
            continue;
        }
        if (MODE == 2u) {
            const uint base = u * 256u;
            float largest = 0.0, signedLargest = 0.0;
            for (uint j = 0; j < 256u; j++) {
                const float v = X[base + j];
                if (abs(v) > largest) { largest = abs(v); signedLargest = v; }
            }
            if (largest == 0.0) {
                for (uint j = 0; j < 256u; j++) Y[base + j] = isnan(X[base + j]) ? X[base + j] : 0.0;
                continue;
            }
            const float iscale = -127.0 / signedLargest, d = 1.0 / iscale;
            // Read the whole block before writing: Y may be X.
            for (uint j = 0; j < 256u; j += 32u) {
                float q[32];
                for (uint i = 0; i < 32u; i++) q[i] = min(127.0, roundEven(iscale * X[base + j + i]));
                for (uint i = 0; i < 32u; i++) Y[base + j + i] = q[i] * d;
            }
            continue;
        }
        const uint base = u * 32u;
        float largest = 0.0;
        for (uint j = 0; j < 32u; j++) largest = max(largest, abs(X[base + j]));
        const float d = unpackHalf2x16(packHalf2x16(vec2(largest / 127.0, 0.0))).x;
        const float inverse = largest > 0.0 ? 127.0 / largest : 0.0;
        float q[32];
        for (uint j = 0; j < 32u; j++) q[j] = roundEven(X[base + j] * inverse);
        for (uint j = 0; j < 32u; j++) Y[base + j] = d * q[j];
    }
}
