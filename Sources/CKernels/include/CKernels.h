#ifndef COACHRAG_CKERNELS_H
#define COACHRAG_CKERNELS_H

/// Element-wise kernels of the local embedder, vectorised by the C compiler with an AVX2+FMA
/// variant chosen at run time (and a portable one otherwise).

/// x ← x · ½ · (1 + erf(x / √2)) for n floats (erf: Abramowitz & Stegun 7.1.26, |error| ≤ 1.5e-7).
void coachrag_gelu(float *x, long n);

/// Each of `rows` rows of `columns` floats (stride `columns`) ← softmax(row).
void coachrag_softmax_rows(float *x, long rows, long columns);

#endif
