import CBLAS

/// Inner product of two Float vectors. `cblas_sdot` (OpenBLAS picks an AVX2/AVX-512 FMA kernel
/// at run time) measured faster than Swift SIMD16 with two accumulators for one 384-d product,
/// call overhead included (32 ns vs 42 ns; `coachrag-bench ann` prints both), so single dot
/// products go through BLAS. Gathering 32 scattered neighbours for one `sgemv` measured 2× slower
/// than scoring them one by one, so neighbour lists are scored one dot at a time; `sgemv` is used
/// where rows are contiguous (exact search).
@inline(__always)
func innerProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dimension: Int) -> Float {
    cblas_sdot(Int32(dimension), a, 1, b, 1)
}
