#version 450
// Row-wise layer normalisation, one workgroup per row. Two passes (mean, then the variance
// of centred values) instead of E[x²]-E[x]²: rows with a large mean and small spread would
// otherwise lose all their digits.
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

    float s = 0.0;
    for (uint j = t; j < p.cols; j += 256) s += X[base + j];
    const float mean = workgroupSum(s) / float(p.cols);

    float v = 0.0;
    for (uint j = t; j < p.cols; j += 256) { float d = X[base + j] - mean; v = fma(d, d, v); }
    const float inverseStd = inversesqrt(workgroupSum(v) / float(p.cols) + p.eps);

    for (uint j = t; j < p.cols; j += 256) {
        Y[base + j] = (X[base + j] - mean) * inverseStd * gamma[j] + beta[j];
    }
}
