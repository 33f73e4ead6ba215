#version 450
// Llama's RMSNorm, row-wise, one workgroup per row: y = x / sqrt(mean(x²) + eps) · weight.
// The sum of squares has no cancellation (every term ≥ 0), so one f32 pass is enough.
// Safe in place: each invocation reads an element before it writes the same element.
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer XBuffer { float X[]; };
layout(std430, binding = 1) readonly buffer WeightBuffer { float weight[]; };
layout(std430, binding = 2) writeonly buffer YBuffer { float Y[]; };
layout(push_constant) uniform Push { uint rows; uint cols; float eps; } p;

#include "grid.glsl"

shared float partial[256];

void main() {
    const uint row = flatWorkgroup();
    if (row >= p.rows) return;
    const uint t = gl_LocalInvocationID.x;
    const uint base = row * p.cols;

    float s = 0.0;
    for (uint j = t; j < p.cols; j += 256) { float v = X[base + j]; s = fma(v, v, s); }
    partial[t] = s;
    barrier();
    for (uint stride = 128; stride > 0; stride >>= 1) {
        if (t < stride) partial[t] += partial[t + stride];
        barrier();
    }
    const float inverseRms = inversesqrt(partial[0] / float(p.cols) + p.eps);

    for (uint j = t; j < p.cols; j += 256) Y[base + j] = X[base + j] * inverseRms * weight[j];
}
