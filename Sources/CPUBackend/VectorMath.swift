/// Vector transcendental functions. Glibc's `expf`/`erff` are scalar; these keep softmax and
/// GELU in SIMD registers at ~1e-7 relative error, well inside what the kernels promise.

/// e^x for x ≤ 88; arguments below -87.3 give ~1e-38 instead of denormals or 0, which no sum
/// or product of ours can tell apart from 0.
@inline(__always)
func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let x = larger(smaller(x, SIMD16(repeating: 88)), SIMD16(repeating: -87.3))
    // Adding 1.5·2²³ rounds to the nearest integer (SSE2 has no round instruction) and leaves
    // that integer in the low mantissa bits, ready to become the exponent of 2ⁿ.
    let shifter: Float = 0x1.8p23
    let t = x * 1.442_695_04 + shifter
    let n = t - shifter
    // Cody–Waite: ln 2 split in two so r = x − n·ln 2 keeps full precision; |r| ≤ ln2/2.
    let r = (x - n * 0x1.62e4p-1) - n * 1.428_606_765_3e-6
    // Cephes' minimax polynomial for e^r on |r| ≤ ln2/2: about 1 ulp, two terms fewer than
    // the Taylor series of the same accuracy.
    var p = r * 1.987_569_150_0e-4 + 1.398_199_950_7e-3
    p = p * r + 8.333_451_907_3e-3
    p = p * r + 4.166_579_589_4e-2
    p = p * r + 1.666_666_545_9e-1
    p = p * r + 5.000_000_120_1e-1
    p = p * (r * r) + r + 1
    let exponent = (unsafeBitCast(t, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
    return p * unsafeBitCast(exponent, to: SIMD16<Float>.self)
}

/// erfc(|z|) by the Chebyshev fit of Numerical Recipes (`erfcc`, fractional error < 1.2e-7
/// everywhere). Computing erfc directly rather than 1 − erf keeps the tail accurate, which is
/// where GELU's negative half lives.
@inline(__always)
func erfcOfMagnitude(_ z: SIMD16<Float>) -> SIMD16<Float> {
    let a = unsafeBitCast(unsafeBitCast(z, to: SIMD16<UInt32>.self) & 0x7fff_ffff, to: SIMD16<Float>.self)
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

// The standard library's `pointwiseMin`/`pointwiseMax` on float vectors go element by element
// (IEEE minimum/maximum, ~5 ns per element); a compare and select is one instruction per
// register. A NaN in `a` is kept.

@inline(__always)
func larger(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
    a.replacing(with: b, where: a .< b)
}

@inline(__always)
func smaller(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
    a.replacing(with: b, where: a .> b)
}
