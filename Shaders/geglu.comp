#version 450
// GeGLU, elementwise: y = gelu_tanh(gate) · up, gelu_tanh(g) = 0.5·g·(1 + tanh(√(2/π)·g·(1 + 0.044715·g²)))
// (ggml's ggml_gelu_f32; Gemma's gated feed-forward). tanh saturates to ±1 for large |g|, so
// any finite gate gives a finite result.
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer GateBuffer { float G[]; };
layout(std430, binding = 1) readonly buffer UpBuffer { float U[]; };
layout(std430, binding = 2) writeonly buffer YBuffer { float Y[]; };
layout(push_constant) uniform Push { uint count; } p;

#include "grid.glsl"

const float SQRT_TWO_OVER_PI = 0.79788456080286535587989211986876;

void main() {
    const uint stride = gl_NumWorkGroups.x * gl_NumWorkGroups.y * 256;
    for (uint i = flatWorkgroup() * 256 + gl_LocalInvocationID.x; i < p.count; i += stride) {
        const float g = G[i];
        // tanh of a clamped argument: some drivers compute tanh through exp, which overflows.
        const float inner = clamp(SQRT_TWO_OVER_PI * g * (1.0 + 0.044715 * g * g), -15.0, 15.0);
        Y[i] = 0.5 * g * (1.0 + tanh(inner)) * U[i];
    }
}
