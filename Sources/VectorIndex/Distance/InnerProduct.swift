/// Inner product of two Float vectors: SIMD16 with two accumulators (no FMA needed at the
/// default target), which measured faster than `cblas_sdot` for single 384/768-d products once
/// call overhead is counted (see bench/README).
@inline(__always)
func innerProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dimension: Int) -> Float {
    var index = 0
    var sum0 = SIMD16<Float>(), sum1 = SIMD16<Float>()
    let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
    while index + 32 <= dimension {
        let a0 = rawA.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
        let b0 = rawB.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
        let a1 = rawA.loadUnaligned(fromByteOffset: (index + 16) * 4, as: SIMD16<Float>.self)
        let b1 = rawB.loadUnaligned(fromByteOffset: (index + 16) * 4, as: SIMD16<Float>.self)
        sum0 += a0 * b0
        sum1 += a1 * b1
        index += 32
    }
    while index + 16 <= dimension {
        sum0 += rawA.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self) * rawB.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
        index += 16
    }
    var total = (sum0 + sum1).sum()
    while index < dimension {
        total += a[index] * b[index]
        index += 1
    }
    return total
}
