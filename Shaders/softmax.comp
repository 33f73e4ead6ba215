#version 450
// Row-wise softmax of scale·x, one workgroup per row. One pass keeps a running (max, sum)
// per invocation ("online" softmax), merged across the workgroup; a second pass writes.
// Causal: x is [..., T, S]; query t of each block of T rows sees keys 0 ... S-T+t, the
// rest come out as 0.
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer XBuffer { float X[]; };
layout(std430, binding = 1) writeonly buffer YBuffer { float Y[]; };
layout(push_constant) uniform Push { uint rows; uint cols; float scale; uint causal; uint queries; } p;

#include "grid.glsl"

shared float sharedMax[256];
shared float sharedSum[256];

void main() {
    const uint row = flatWorkgroup();
    if (row >= p.rows) return; // uniform across the workgroup
    const uint t = gl_LocalInvocationID.x;
    const uint base = row * p.cols;
    const uint visible = p.causal != 0u ? min(p.cols, p.cols - p.queries + row % p.queries + 1) : p.cols;

    float m = -3.402823466e38, s = 0.0;
    for (uint j = t; j < visible; j += 256) {
        float v = X[base + j] * p.scale;
        if (v > m) { s = s * exp(m - v) + 1.0; m = v; }
        else s += exp(v - m);
    }
    sharedMax[t] = m;
    sharedSum[t] = s;
    barrier();
    for (uint stride = 128; stride > 0; stride >>= 1) {
        if (t < stride) {
            float m1 = sharedMax[t], m2 = sharedMax[t + stride];
            float mm = max(m1, m2);
            sharedSum[t] = sharedSum[t] * exp(m1 - mm) + sharedSum[t + stride] * exp(m2 - mm);
            sharedMax[t] = mm;
        }
        barrier();
    }
    const float rowMax = sharedMax[0], inverse = 1.0 / sharedSum[0];
    for (uint j = t; j < p.cols; j += 256) {
        Y[base + j] = j < visible ? exp(X[base + j] * p.scale - rowMax) * inverse : 0.0;
    }
}
