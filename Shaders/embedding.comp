#version 450
// Y[i, :] = table[ids[i], :]: token embedding lookup. The table is f32, packed f16 pairs
// (loadWeight) or ggml blocks (loadQuantWeight: rows hold whole blocks); Y is f32. The host checked every id against the vocabulary, so no
// read here can leave the table. Grid-stride over the elements of Y: adjacent invocations
// read adjacent elements of one table row.
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;
layout(constant_id = 0) const bool WEIGHT_F16 = false;
layout(constant_id = 1) const uint QUANT = 0;
layout(std430, binding = 0) readonly buffer IdBuffer { uint ids[]; };
layout(std430, binding = 1) readonly buffer WBuffer { uint W[]; };
layout(std430, binding = 2) writeonly buffer YBuffer { float Y[]; };
layout(push_constant) uniform Push { uint count; uint dim; } p;

#include "common.glsl"
#include "grid.glsl"
#include "quant.glsl"

void main() {
    const uint total = p.count * p.dim;
    const uint stride = gl_NumWorkGroups.x * gl_NumWorkGroups.y * 256;
    for (uint i = flatWorkgroup() * 256 + gl_LocalInvocationID.x; i < total; i += stride) {
        const uint row = i / p.dim, column = i - row * p.dim;
        const uint e = ids[row] * p.dim + column;
        Y[i] = QUANT != 0u ? loadQuantWeight(e) : loadWeight(e, WEIGHT_F16);
    }
}
