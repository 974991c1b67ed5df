#include "CKernels.h"
#include <stdint.h>
#include <string.h>

// exp by range reduction to [-ln2/2, ln2/2] and Cephes' expf polynomial (~1e-7 relative);
// 2^n built from the exponent bits. Branch-free, so loops around it vectorise.
static inline float exp_poly(float x) {
    x = x > 88.3f ? 88.3f : x;
    x = x < -87.3f ? -87.3f : x;
    float shifted = x * 1.44269504088896341f + 12582912.0f;  // round to nearest integer
    float n = shifted - 12582912.0f;
    float r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float z = r * r;
    float y = 1.9875691500e-4f;
    y = y * r + 1.3981999507e-3f;
    y = y * r + 8.3334519073e-3f;
    y = y * r + 4.1665795894e-2f;
    y = y * r + 1.6666665459e-1f;
    y = y * r + 5.0000001201e-1f;
    y = y * z + r + 1.0f;
    int32_t bits;
    memcpy(&bits, &shifted, 4);
    int32_t exponent = (bits - 0x4B400000 + 127) << 23;
    float scale;
    memcpy(&scale, &exponent, 4);
    return y * scale;
}

static inline float gelu_one(float x) {
    float u = x * 0.70710678118654752f;
    float a = u < 0 ? -u : u;
    float t = 1.0f / (1.0f + 0.3275911f * a);
    float p = 1.061405429f;
    p = p * t - 1.453152027f;
    p = p * t + 1.421413741f;
    p = p * t - 0.284496736f;
    p = p * t + 0.254829592f;
    float erf_abs = 1.0f - p * t * exp_poly(-a * a);
    float erf = u < 0 ? -erf_abs : erf_abs;
    return 0.5f * x * (1.0f + erf);
}

#define GELU_BODY \
    for (long i = 0; i < n; i++) x[i] = gelu_one(x[i]);

#define SOFTMAX_BODY \
    for (long row = 0; row < rows; row++) { \
        float *r = x + row * columns; \
        float maximum = r[0]; \
        for (long c = 1; c < columns; c++) maximum = r[c] > maximum ? r[c] : maximum; \
        for (long c = 0; c < columns; c++) r[c] = exp_poly(r[c] - maximum); \
        float partial[8] = {0, 0, 0, 0, 0, 0, 0, 0}; \
        long c = 0; \
        for (; c + 8 <= columns; c += 8) \
            for (int k = 0; k < 8; k++) partial[k] += r[c + k]; \
        float sum = 0; \
        for (int k = 0; k < 8; k++) sum += partial[k]; \
        for (; c < columns; c++) sum += r[c]; \
        float inverse = 1.0f / sum; \
        for (long c2 = 0; c2 < columns; c2++) r[c2] *= inverse; \
    }

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((target("avx2,fma"))) static void gelu_avx2(float *x, long n) { GELU_BODY }
__attribute__((target("avx2,fma"))) static void softmax_avx2(float *x, long rows, long columns) { SOFTMAX_BODY }
static int has_avx2_fma(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return cached;
}
#endif

static void gelu_generic(float *x, long n) { GELU_BODY }
static void softmax_generic(float *x, long rows, long columns) { SOFTMAX_BODY }

void coachrag_gelu(float *x, long n) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (has_avx2_fma()) { gelu_avx2(x, n); return; }
#endif
    gelu_generic(x, n);
}

void coachrag_softmax_rows(float *x, long rows, long columns) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (has_avx2_fma()) { softmax_avx2(x, rows, columns); return; }
#endif
    softmax_generic(x, rows, columns);
}
