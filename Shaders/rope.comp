#version 450
// Rotary position embedding: within each head, pair i of row t is rotated by the angle
// (position + t) · θᵢ. Pair i is the adjacent elements (2i, 2i+1) in llama.cpp's "normal" mode
// (LLaMA GGUF) and (i, i + headDim/2) in its NEOX mode (Qwen, Gemma, Phi-3): the HALVES
// specialization constant. One invocation per pair; it reads both elements before writing
// either, so x and y may be the same buffer (Q/K rotated in place).
//
// θᵢ (base, linear scaling and frequency factors folded in) comes from a table the host
// computed in double, each entry an f32 pair hi + lo. Precision: a plain f32 angle p·θ near
// p = 2048 is off by up to ~1e-4 rad, far above the 1e-5 the op promises. So the product p·θᵢ
// is kept as hi + lo, and the angle is reduced modulo 2π (2π split in parts, Cody–Waite)
// before cos/sin, which are only accurate near [−π, π] on some drivers. The error terms use
// Dekker's exact product (no fma, which Vulkan may round twice), with every step marked
// `precise` so the compiler cannot reassociate it away.
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer XBuffer { float X[]; };
layout(std430, binding = 1) writeonly buffer YBuffer { float Y[]; };
layout(std430, binding = 2) readonly buffer ThetaBuffer { vec2 theta[]; }; // θᵢ = hi + lo, headDim/2 of them
layout(constant_id = 0) const uint HALVES = 0; // 1: NEOX pairs (i, i + headDim/2)
layout(push_constant) uniform Push {
    uint pairs;      // rows · heads · headDim / 2
    uint halfWidth;  // heads · headDim / 2: pairs per row
    uint halfDim;    // headDim / 2: pairs per head
    uint position;   // position of row 0
} p;

#include "grid.glsl"

// Veltkamp's split of a into two halves of 12 significant bits each (hi + lo = a exactly).
vec2 split(float a) {
    precise float c = 4097.0 * a;
    precise float hi = c - (c - a);
    precise float lo = a - hi;
    return vec2(hi, lo);
}

// a·b as an unevaluated sum hi + lo (Dekker). Plain multiplications and additions marked
// `precise`, not fma: Vulkan lets fma() round twice, and llvmpipe does.
vec2 twoProduct(float a, float b) {
    precise float hi = a * b;
    const vec2 x = split(a), y = split(b);
    precise float lo = ((x.x * y.x - hi) + x.x * y.y + x.y * y.x) + x.y * y.y;
    return vec2(hi, lo);
}

// Double-float product (about 44 significant bits).
vec2 product(vec2 a, vec2 b) {
    vec2 t = twoProduct(a.x, b.x);
    precise float lo = t.y + (a.x * b.y + a.y * b.x);
    precise float hi = t.x + lo;
    precise float rest = lo - (hi - t.x);
    return vec2(hi, rest);
}

// 2π in three parts (Cody–Waite): TWO_PI_1 has 8 significant bits, so turns · TWO_PI_1 is
// exact for up to 2¹⁶ turns (positions ≤ 2048 take at most 326 at θ ≤ 1).
const float TWO_PI_1 = 6.28125;
const float TWO_PI_2 = 1.9353071693331003e-3;      // f32(2π − TWO_PI_1)
const float TWO_PI_3 = 1.0253132e-11;              // 2π − TWO_PI_1 − TWO_PI_2
const float INVERSE_TWO_PI = 0.15915494309189535;

void main() {
    const uint stride = gl_NumWorkGroups.x * gl_NumWorkGroups.y * 256;
    for (uint k = flatWorkgroup() * 256 + gl_LocalInvocationID.x; k < p.pairs; k += stride) {
        const uint row = k / p.halfWidth;
        const uint pairInRow = k - row * p.halfWidth;
        const uint head = pairInRow / p.halfDim;
        const uint i = pairInRow - head * p.halfDim;

        const vec2 angle = product(vec2(float(p.position + row), 0.0), theta[i]); // positions < 2²⁴: exact
        const float turns = roundEven(angle.x * INVERSE_TWO_PI);
        precise float reduced = angle.x - turns * TWO_PI_1;
        reduced = ((reduced - turns * TWO_PI_2) - turns * TWO_PI_3) + angle.y;
        const float c = cos(reduced), s = sin(reduced);

        const uint headStart = row * 2u * p.halfWidth + head * 2u * p.halfDim;
        const uint first = HALVES != 0u ? headStart + i : headStart + 2u * i;
        const uint second = HALVES != 0u ? first + p.halfDim : first + 1u;
        const float a = X[first], b = X[second];
        Y[first] = a * c - b * s;
        Y[second] = a * s + b * c;
    }
}
