/// Widening of stored f16/bf16/f32 bytes to `[Float]`. Written as straight-line integer code
/// (selects, no branches, no libcalls) so the loops vectorize; `Float(Float16)` compiles to a
/// runtime call per element on x86_64 without F16C.
///
/// Tensor data in a safetensors file is little-endian and need not be aligned to its element size,
/// hence `loadUnaligned` throughout. Hosts are assumed little-endian (x86_64, arm64).
enum FloatWidening {
    static func floats(_ bytes: UnsafeRawBufferPointer, dtype: SafetensorsDType) -> [Float]? {
        switch dtype {
        case .f32: fromF32(bytes)
        case .f16: fromF16(bytes)
        case .bf16: fromBF16(bytes)
        default: nil
        }
    }

    static func fromF32(_ bytes: UnsafeRawBufferPointer) -> [Float] {
        let count = bytes.count / 4
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            UnsafeMutableRawBufferPointer(out).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<count * 4]))
            initialized = count
        }
    }

    static func fromF16(_ bytes: UnsafeRawBufferPointer) -> [Float] {
        let count = bytes.count / 2
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            for index in 0..<count {
                out[index] = halfToFloat(bytes.loadUnaligned(fromByteOffset: index &* 2, as: UInt16.self))
            }
            initialized = count
        }
    }

    static func fromBF16(_ bytes: UnsafeRawBufferPointer) -> [Float] {
        let count = bytes.count / 2
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            for index in 0..<count {
                // bf16 is the top half of an f32: widening is exact.
                out[index] = Float(bitPattern: UInt32(bytes.loadUnaligned(fromByteOffset: index &* 2, as: UInt16.self)) << 16)
            }
            initialized = count
        }
    }

    /// IEEE half → single, exact for every input (subnormals, infinities, NaN payloads).
    /// Re-biases the exponent by adding to the bit pattern; subnormal halves become normal floats
    /// by letting the FPU normalise them (the "magic number" subtraction).
    @inline(__always)
    static func halfToFloat(_ half: UInt16) -> Float {
        let bits = UInt32(half)
        let magnitude = (bits & 0x7FFF) << 13
        let exponent = magnitude & 0x0F80_0000          // half exponent field, shifted into place
        let rebias: UInt32 = 0x3800_0000                 // (127 - 15) << 23
        let normal = magnitude &+ rebias
        let infinityOrNaN = normal &+ rebias             // push the exponent up to all ones
        let subnormal = (Float(bitPattern: normal &+ 0x0080_0000) - Float(bitPattern: 0x3880_0000)).bitPattern
        var result = exponent == 0x0F80_0000 ? infinityOrNaN : normal
        result = exponent == 0 ? subnormal : result
        return Float(bitPattern: result | ((bits & 0x8000) << 16))
    }
}
