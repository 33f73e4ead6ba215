#version 450
// Y = A + B, elementwise (residual connections).
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer ABuffer { float A[]; };
layout(std430, binding = 1) readonly buffer BBuffer { float B[]; };
layout(std430, binding = 2) writeonly buffer YBuffer { float Y[]; };
layout(push_constant) uniform Push { uint count; } p;

#include "grid.glsl"

void main() {
    const uint stride = gl_NumWorkGroups.x * gl_NumWorkGroups.y * 256;
    for (uint i = flatWorkgroup() * 256 + gl_LocalInvocationID.x; i < p.count; i += stride) Y[i] = A[i] + B[i];
}
