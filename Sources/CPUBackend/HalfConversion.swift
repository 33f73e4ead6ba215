import CKernels

/// What the CPU offers beyond baseline x86-64, checked once.
enum CPUFeatures {
    /// AVX2, FMA and F16C: the C kernels in CKernels can run.
    static let avx2F16C = vlm_has_avx2_f16c() != 0
}

/// f16 → f32 for weights read in the hot loops, where the CPU lacks F16C (see CKernels for
/// where it has it).
///
/// On x86-64 the package is built for the baseline ISA, which has no F16C: there `Float(Float16)`
/// is a library call per element (~1 GB/s). Moving the half's bits into f32 position with integer
/// shifts and rescaling by 2¹¹² is exact for every finite half, subnormals included, in four SSE2
/// ops per four lanes. Infinities and NaNs would need as many ops again, so the fast form leaves
/// them wrong (finite, ±65536…131008) and callers run a cheap `HalfRangeCheck` beside it, redoing
/// the rare row that holds one with `widenExactly`. If the target is ever built with F16C
/// (`-target-cpu haswell` or later), the native conversion is ~2× faster still and exact.
@inline(__always)
func widen(_ raw: SIMD16<UInt16>) -> SIMD16<Float> {
    #if arch(arm64)
    return SIMD16<Float>(unsafeBitCast(raw, to: SIMD16<Float16>.self))
    #else
    // The half in the top 16 bits, shifted down arithmetically: sign stays in bit 31, exponent and
    // mantissa land in f32 position; the mask clears the three copies of the sign the shift made.
    let shifted = SIMD16<Int32>(truncatingIfNeeded: SIMD16<UInt32>(truncatingIfNeeded: raw) &<< 16) &>> 3
    let bits = shifted & Int32(bitPattern: 0x8FFF_E000)
    // The exponent is still biased by 15 instead of 127: the value is 2⁻¹¹² times too small.
    return unsafeBitCast(bits, to: SIMD16<Float>.self) * 0x1p112
    #endif
}

/// Exact for every half, infinities and NaNs included.
@inline(__always)
func widenExactly(_ raw: SIMD16<UInt16>) -> SIMD16<Float> {
    #if arch(arm64)
    return widen(raw)
    #else
    let h = SIMD16<UInt32>(truncatingIfNeeded: raw)
    let magnitude = h & 0x7fff
    let scaled = unsafeBitCast(magnitude &<< 13, to: SIMD16<Float>.self) * 0x1p112
    // Half exponent 31 (inf/NaN) must become f32 exponent 255: magnitude + 0x400 carries into
    // bit 15 exactly then, and the carry is widened into the exponent mask. (Integer ops only:
    // SIMD masks and `replacing(with:where:)` are scalarised on this target.)
    let infOrNaN = (0 &- (((magnitude &+ 0x400) & 0x8000) &>> 15)) & 0x7f80_0000
    let sign = (h & 0x8000) &<< 16
    return unsafeBitCast(unsafeBitCast(scaled, to: SIMD16<UInt32>.self) | infOrNaN | sign, to: SIMD16<Float>.self)
    #endif
}

/// Tracks the largest half magnitude seen, to tell whether `widen` met an infinity or NaN.
struct HalfRangeCheck {
    private var largest = SIMD16<Int16>()

    @inline(__always)
    mutating func include(_ raw: SIMD16<UInt16>) {
        largest = pointwiseMax(largest, SIMD16<Int16>(truncatingIfNeeded: raw & 0x7fff))
    }

    /// Exponent 31 is the smallest magnitude that is not finite.
    var sawInfinityOrNaN: Bool { largest.max() >= 0x7c00 }
}

@inline(__always)
func loadHalves(_ p: UnsafePointer<UInt16>) -> SIMD16<UInt16> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<UInt16>.self)
}

@inline(__always)
func loadFloats(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always)
func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
}

/// Converts `count` halves starting at `source` into `destination`; `native` uses F16C.
func convertHalves(_ source: UnsafePointer<UInt16>, to destination: UnsafeMutablePointer<Float>, count: Int,
                   native: Bool) {
    if native {
        vlm_f16_to_f32(source, destination, count)
        return
    }
    var check = HalfRangeCheck()
    var i = 0
    while i + 16 <= count {
        let raw = loadHalves(source + i)
        check.include(raw)
        store(widen(raw), destination + i)
        i += 16
    }
    if check.sawInfinityOrNaN {
        i = 0
        while i + 16 <= count {
            store(widenExactly(loadHalves(source + i)), destination + i)
            i += 16
        }
    }
    while i < count {
        destination[i] = Float(Float16(bitPattern: source[i]))
        i += 1
    }
}
