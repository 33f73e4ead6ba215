/// Vector transcendental functions. Glibc's `expf`/`erff` are scalar; these keep softmax and
/// GELU in SIMD registers at ~1e-7 relative error, well inside what the kernels promise.

/// e^x for x ≤ 88; arguments below -87.3 give ~1e-38 instead of denormals or 0, which no sum
/// or product of ours can tell apart from 0.
@inline(__always)
func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let x = pointwiseMax(pointwiseMin(x, SIMD16(repeating: 88.0)), SIMD16(repeating: -87.3))
    // Adding 1.5·2²³ rounds to the nearest integer (SSE2 has no round instruction) and leaves
    // that integer in the low mantissa bits, ready to become the exponent of 2ⁿ.
    let shifter: Float = 0x1.8p23
    let t = x * 1.442_695_04 + shifter
    let n = t - shifter
    // Cody–Waite: ln 2 split in two so r = x − n·ln 2 keeps full precision; |r| ≤ ln2/2.
    let r = (x - n * 0x1.62e4p-1) - n * 1.428_606_765_3e-6
    // Taylor series to r⁷: truncation error < 1e-8 on |r| ≤ 0.35.
    var p = r * (1.0 / 5040) + (1.0 / 720)
    p = p * r + (1.0 / 120)
    p = p * r + (1.0 / 24)
    p = p * r + (1.0 / 6)
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let exponent = (unsafeBitCast(t, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
    return p * unsafeBitCast(exponent, to: SIMD16<Float>.self)
}

/// erfc(|z|) by the Chebyshev fit of Numerical Recipes (`erfcc`, fractional error < 1.2e-7
/// everywhere). Computing erfc directly rather than 1 − erf keeps the tail accurate, which is
/// where GELU's negative half lives.
@inline(__always)
func erfcOfMagnitude(_ z: SIMD16<Float>) -> SIMD16<Float> {
    let a = pointwiseMax(z, -z)
    let t = 1 / (a * 0.5 + 1)
    var p = t * 0.170_872_77 - 0.822_152_23
    p = p * t + 1.488_515_87
    p = p * t - 1.135_203_98
    p = p * t + 0.278_868_07
    p = p * t - 0.186_288_06
    p = p * t + 0.096_784_18
    p = p * t + 0.374_091_96
    p = p * t + 1.000_023_68
    p = p * t - 1.265_512_23
    return t * exp(p - a * a)
}
