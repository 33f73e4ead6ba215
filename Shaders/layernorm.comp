#version 450
// Row-wise layer normalisation, one workgroup per row. Rows with a large mean and a small
// spread (activations around 1000 ± 0.1) lose their digits in a plain f32 sum, so the mean
// is kept as shift + offset (shift = the row's first element): x - shift is exact for nearby
// values, and the small offset keeps digits that an f32 mean near 1000 would round away.
// The variance is taken of the centred values in a second pass (never E[x²] - E[x]²).
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer XBuffer { float X[]; };
layout(std430, binding = 1) readonly buffer GammaBuffer { float gamma[]; };
layout(std430, binding = 2) readonly buffer BetaBuffer { float beta[]; };
layout(std430, binding = 3) writeonly buffer YBuffer { float Y[]; };
layout(push_constant) uniform Push { uint rows; uint cols; float eps; } p;

#include "grid.glsl"

shared float partial[256];

float workgroupSum(float value) {
    const uint t = gl_LocalInvocationID.x;
    partial[t] = value;
    barrier();
    for (uint stride = 128; stride > 0; stride >>= 1) {
        if (t < stride) partial[t] += partial[t + stride];
        barrier();
    }
    float total = partial[0];
    barrier(); // everyone has read partial[0] before it is reused
    return total;
}

void main() {
    const uint row = flatWorkgroup();
    if (row >= p.rows) return;
    const uint t = gl_LocalInvocationID.x;
    const uint base = row * p.cols;

    const float shift = X[base];
    float s = 0.0;
    for (uint j = t; j < p.cols; j += 256) s += X[base + j] - shift;
    const float offset = workgroupSum(s) / float(p.cols);

    float v = 0.0;
    for (uint j = t; j < p.cols; j += 256) { float d = (X[base + j] - shift) - offset; v = fma(d, d, v); }
    const float inverseStd = inversesqrt(workgroupSum(v) / float(p.cols) + p.eps);

    for (uint j = t; j < p.cols; j += 256) {
        Y[base + j] = ((X[base + j] - shift) - offset) * inverseStd * gamma[j] + beta[j];
    }
}
