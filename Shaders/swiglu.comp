#version 450
// SwiGLU, elementwise: y = silu(gate) · up = gate / (1 + e^(−gate)) · up.
// For gate ≪ 0, e^(−gate) overflows to +inf and gate / inf = −0: finite, no NaN; for gate ≫ 0,
// e^(−gate) underflows to 0 and the result is gate · up.
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer GateBuffer { float G[]; };
layout(std430, binding = 1) readonly buffer UpBuffer { float U[]; };
layout(std430, binding = 2) writeonly buffer YBuffer { float Y[]; };
layout(push_constant) uniform Push { uint count; } p;

#include "grid.glsl"

void main() {
    const uint stride = gl_NumWorkGroups.x * gl_NumWorkGroups.y * 256;
    for (uint i = flatWorkgroup() * 256 + gl_LocalInvocationID.x; i < p.count; i += stride) {
        const float g = G[i];
        Y[i] = g / (1.0 + exp(-g)) * U[i];
    }
}
