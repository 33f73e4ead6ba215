#version 450
// GELU, elementwise: the tanh approximation (GPT-2's gelu_new) or the exact erf form (BERT).
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;
layout(constant_id = 0) const bool EXACT_ERF = false;
layout(std430, binding = 0) readonly buffer XBuffer { float X[]; };
layout(std430, binding = 1) writeonly buffer YBuffer { float Y[]; };
layout(push_constant) uniform Push { uint count; } p;

#include "grid.glsl"

// GLSL has no erf. Abramowitz & Stegun 7.1.26: absolute error below 1.5e-7.
float erfApprox(float x) {
    float a = abs(x);
    float t = 1.0 / (1.0 + 0.3275911 * a);
    float poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    return sign(x) * (1.0 - poly * exp(-a * a));
}

float gelu(float x) {
    if (EXACT_ERF) return 0.5 * x * (1.0 + erfApprox(x * 0.70710678118654752));
    // tanh of large arguments misbehaves on some drivers; it is ±1 to f32 precision past 10.
    float u = clamp(0.7978845608028654 * (x + 0.044715 * x * x * x), -10.0, 10.0);
    return 0.5 * x * (1.0 + tanh(u));
}

void main() {
    const uint stride = gl_NumWorkGroups.x * gl_NumWorkGroups.y * 256;
    for (uint i = flatWorkgroup() * 256 + gl_LocalInvocationID.x; i < p.count; i += stride) Y[i] = gelu(X[i]);
}
