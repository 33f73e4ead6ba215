#version 450
// Fused multi-head attention for one sequence: one workgroup per (query row, head).
// Q, Y are [T, H·D]; K, V are [S_max, G·D] of which the first keyLength rows are used; query
// head h reads K/V head h / (H/G) (grouped-query attention when G < H).
//
// Keys are taken in blocks of BLOCK: the block's scores go to shared memory (each key row is
// read once), then become softmax weights against the running maximum, then weight the value
// rows. Blocks after the first rescale what earlier blocks left in Y by exp(oldMax − newMax)
// ("online" softmax), so any keyLength works with fixed shared memory; short key ranges are a
// single block. Masked keys (keyMask 0) and keys past the causal limit weigh exactly 0; a query
// that sees no key at all gets zeros. With a sliding window w > 0, the query at position q sees
// only keys q − w + 1 ... q; with a softcap c > 0, each score s becomes c · tanh(s / c) (the host
// passes scale / c as `scale`, so the product is already s / c).
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;
// Scores held in shared memory at once; the host derives it from maxComputeSharedMemorySize.
layout(constant_id = 0) const uint BLOCK = 1024;

layout(std430, binding = 0) readonly buffer QBuffer { float Q[]; };
layout(std430, binding = 1) readonly buffer KBuffer { float K[]; };
layout(std430, binding = 2) readonly buffer VBuffer { float V[]; };
layout(std430, binding = 3) readonly buffer MaskBuffer { float keyMask[]; };
layout(std430, binding = 4) buffer YBuffer { float Y[]; };
layout(push_constant) uniform Push {
    uint queries; uint keyLength; uint heads; uint headDim; float scale; uint causal; uint hasMask; uint keyHeads;
    uint window; float softcap;
} p;

#include "grid.glsl"

// A finite "minus infinity": exp(MASKED − m) is 0 for any finite m, and no driver's fast-math
// can turn comparisons with it into NaN games.
const float MASKED = -3.402823466e38;

shared float weights[BLOCK];
shared float reduction[256];
shared float queryCache[256];

float workgroupMax(float value) {
    const uint t = gl_LocalInvocationID.x;
    reduction[t] = value;
    barrier();
    for (uint stride = 128; stride > 0; stride >>= 1) {
        if (t < stride) reduction[t] = max(reduction[t], reduction[t + stride]);
        barrier();
    }
    float result = reduction[0];
    barrier(); // everyone has read reduction[0] before it is reused
    return result;
}

float workgroupSum(float value) {
    const uint t = gl_LocalInvocationID.x;
    reduction[t] = value;
    barrier();
    for (uint stride = 128; stride > 0; stride >>= 1) {
        if (t < stride) reduction[t] += reduction[t + stride];
        barrier();
    }
    float result = reduction[0];
    barrier();
    return result;
}

void main() {
    const uint row = flatWorkgroup();
    if (row >= p.queries * p.heads) return; // uniform across the workgroup
    const uint t = gl_LocalInvocationID.x;
    const uint query = row / p.heads, head = row - query * p.heads;
    const uint D = p.headDim, width = p.heads * D, keyWidth = p.keyHeads * D;
    const uint qBase = query * width + head * D, column = (head / (p.heads / p.keyHeads)) * D;
    // Query t is position keyLength − T + t of the sequence (the host checked keyLength ≥ T).
    const uint visible = p.causal != 0u ? p.keyLength - p.queries + query + 1u : p.keyLength;
    // Keys before `firstKey` lie outside the sliding window (the host allows it only when causal).
    const uint firstKey = p.window != 0u && visible > p.window ? visible - p.window : 0u;

    // Heads of up to 256 keep the query row in shared memory; wider ones read it from Q.
    const bool cached = D <= 256u;
    if (cached && t < D) queryCache[t] = Q[qBase + t];
    barrier();

    // Weighted sum of values: with D ≤ 256 the invocations form `slices` groups of D, each group
    // summing a share of the keys for all D outputs (coalesced reads of a value row); wider
    // heads give each invocation whole columns d = t, t + 256, ...
    const uint slices = cached ? 256u / D : 1u;
    const uint slice = cached ? t / D : 0u;
    const uint lane = cached ? t - slice * D : t;

    float runningMax = MASKED, runningSum = 0.0;
    for (uint start = firstKey; start < visible; start += BLOCK) {
        const uint end = min(visible, start + BLOCK);

        float localMax = MASKED;
        for (uint j = start + t; j < end; j += 256) {
            float score = MASKED;
            if (p.hasMask == 0u || keyMask[j] != 0.0) {
                const uint kBase = j * keyWidth + column;
                float dot = 0.0;
                if (cached) for (uint d = 0; d < D; d++) dot = fma(queryCache[d], K[kBase + d], dot);
                else for (uint d = 0; d < D; d++) dot = fma(Q[qBase + d], K[kBase + d], dot);
                score = dot * p.scale;
                if (p.softcap > 0.0) score = tanh(clamp(score, -15.0, 15.0)) * p.softcap;
                localMax = max(localMax, score);
            }
            weights[j - start] = score;
        }
        const float newMax = max(runningMax, workgroupMax(localMax));
        if (newMax == MASKED) continue; // every key so far is masked (uniform: a reduced value)

        // Nothing was accumulated yet when every earlier block was masked: start from 0, since
        // Y still holds whatever the caller left there.
        const bool first = runningMax == MASKED;
        const float correction = first ? 0.0 : exp(runningMax - newMax);
        float localSum = 0.0;
        for (uint j = start + t; j < end; j += 256) {
            const float score = weights[j - start];
            const float w = score == MASKED ? 0.0 : exp(score - newMax);
            weights[j - start] = w;
            localSum += w;
        }
        runningSum = runningSum * correction + workgroupSum(localSum); // its barriers publish weights
        runningMax = newMax;

        if (cached) {
            float acc = 0.0;
            if (slice < slices) {
                for (uint j = start + slice; j < end; j += slices) acc = fma(weights[j - start], V[j * keyWidth + column + lane], acc);
            }
            reduction[t] = acc;
            barrier();
            if (t < D) {
                float total = 0.0;
                for (uint s = 0; s < slices; s++) total += reduction[t + s * D];
                // Each Y element is only ever touched by this invocation, so no barrier is needed.
                Y[qBase + t] = first ? total : fma(Y[qBase + t], correction, total);
            }
        } else {
            for (uint d = t; d < D; d += 256) {
                float acc = 0.0;
                for (uint j = start; j < end; j++) acc = fma(weights[j - start], V[j * keyWidth + column + d], acc);
                Y[qBase + d] = first ? acc : fma(Y[qBase + d], correction, acc);
            }
        }
        barrier(); // weights and reduction are rewritten by the next block
    }

    const bool sawKeys = runningMax != MASKED;
    const float inverse = sawKeys ? 1.0 / runningSum : 0.0;
    for (uint d = t; d < D; d += 256) Y[qBase + d] = sawKeys ? Y[qBase + d] * inverse : 0.0;
}
