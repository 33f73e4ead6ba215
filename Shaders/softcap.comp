#version 450
// Elementwise scaling, y = factor · x, or soft-capping, y = cap · tanh(x / cap) (CAP = 1, with
// factor = 1/cap as ggml computes it: scale, tanh, scale back). x and y may be the same buffer.
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;
layout(constant_id = 0) const uint CAP = 0;
layout(std430, binding = 0) buffer XBuffer { float X[]; };
layout(std430, binding = 1) buffer YBuffer { float Y[]; };
layout(push_constant) uniform Push { uint count; float factor; float cap; } p;

#include "grid.glsl"

void main() {
    const uint stride = gl_NumWorkGroups.x * gl_NumWorkGroups.y * 256;
    for (uint i = flatWorkgroup() * 256 + gl_LocalInvocationID.x; i < p.count; i += stride) {
        const float scaled = X[i] * p.factor;
        // tanh saturates to ±1 well before 15; clamping keeps exp-based tanh from overflowing.
        Y[i] = CAP != 0u ? tanh(clamp(scaled, -15.0, 15.0)) * p.cap : scaled;
    }
}
