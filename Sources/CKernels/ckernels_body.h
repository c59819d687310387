// The float32 kernels, compiled once per instruction set: ckernels.c
// includes this file with CK_TARGET (a function target attribute) and
// CK_NAME(f) (f with the set's suffix) defined, so the AVX2 and AVX-512
// forms are the same source and their results obey the same bounds. Every
// loop body is branch-free scalar code the compiler vectorises for the
// target; reductions keep CK_LANES partial sums in a fixed order, so a row's
// result depends on neither the thread count nor the instruction set.

// e^x: x = n ln2 + r, e^r by a degree-6 polynomial, 2^n as two exponent
// factors (n reaches 128 just below the overflow limit). Below −87.34 the
// result flushes to 0; above 88.72 it is +inf; NaN stays NaN.
CK_TARGET static inline float CK_NAME(exp_lane)(float x) {
    float xc = x < -87.33654f ? -87.33654f : (x > 88.72283f ? 88.72283f : x);
    float t = xc * 1.44269504088896341f + 12582912.0f;
    float n = t - 12582912.0f;
    float r = xc - n * 0.693359375f + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t k = (int32_t)float_to_bits(t) - (int32_t)float_to_bits(12582912.0f);
    int32_t h = k >> 1;
    float y = p * bits_to_float((uint32_t)(h + 127) << 23) * bits_to_float((uint32_t)(k - h + 127) << 23);
    y = x > 88.72283f ? __builtin_inff() : y;
    y = x < -87.33654f ? 0.0f : y;
    return x != x ? x : y;
}

// tanh: an odd polynomial for |x| < 0.625, else sign(x)·(1 − 2/(e^{2|x|} + 1)).
CK_TARGET static inline float CK_NAME(tanh_lane)(float x) {
    float ax = bits_to_float(float_to_bits(x) & 0x7FFFFFFFu);
    float z = x * x;
    float p = -5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    float small = x + x * z * p;
    float large = 1.0f - 2.0f / (CK_NAME(exp_lane)(2.0f * ax) + 1.0f);
    float signed_large = bits_to_float(float_to_bits(large) | (float_to_bits(x) & 0x80000000u));
    return ax < 0.625f ? small : signed_large;
}

// y may be x (the recurrences activate their gates in place) but must not
// otherwise overlap it: element i reads only x[i] before writing y[i], so
// the loops may be vectorised without the compiler's overlap check, which
// would run x == y as scalar code.
CK_TARGET void CK_NAME(ck_exp)(const float *x, float *y, long n) {
    _Pragma("clang loop vectorize(assume_safety)")
    for (long i = 0; i < n; i++) y[i] = CK_NAME(exp_lane)(x[i]);
}

CK_TARGET void CK_NAME(ck_sigmoid)(const float *x, float *y, long n) {
    _Pragma("clang loop vectorize(assume_safety)")
    for (long i = 0; i < n; i++) y[i] = 1.0f / (1.0f + CK_NAME(exp_lane)(-x[i]));
}

CK_TARGET void CK_NAME(ck_tanh)(const float *x, float *y, long n) {
    _Pragma("clang loop vectorize(assume_safety)")
    for (long i = 0; i < n; i++) y[i] = CK_NAME(tanh_lane)(x[i]);
}

// max of x[0..<n] (n > 0), NaNs after the first element skipped as the Swift
// rowMax does: `a > m ? a : m` keeps m when a is NaN.
CK_TARGET static float CK_NAME(row_max)(const float *x, long n) {
    float m[CK_LANES];
    for (int j = 0; j < CK_LANES; j++) m[j] = x[0];
    long i = 0;
    for (; i + CK_LANES <= n; i += CK_LANES)
        for (int j = 0; j < CK_LANES; j++) m[j] = x[i + j] > m[j] ? x[i + j] : m[j];
    for (; i < n; i++) m[0] = x[i] > m[0] ? x[i] : m[0];
    float r = m[0];
    for (int j = 1; j < CK_LANES; j++) r = m[j] > r ? m[j] : r;
    return r;
}

// Σ x[0..<n] in CK_LANES partial sums (the compiler may not reorder a
// single float sum into vector lanes itself), the tail in lane 0.
CK_TARGET static float CK_NAME(row_sum)(const float *x, long n) {
    float s[CK_LANES] = {0};
    long i = 0;
    for (; i + CK_LANES <= n; i += CK_LANES)
        for (int j = 0; j < CK_LANES; j++) s[j] += x[i + j];
    for (; i < n; i++) s[0] += x[i];
    for (int w = CK_LANES / 2; w > 0; w /= 2)
        for (int j = 0; j < w; j++) s[j] += s[j + w];
    return s[0];
}

CK_TARGET void CK_NAME(ck_softmax_rows)(const float *restrict x, float *restrict y, long rows, long n, int log_softmax) {
    if (n <= 0) return;
    for (long o = 0; o < rows; o++) {
        const float *xr = x + o * n;
        float *yr = y + o * n;
        float m = CK_NAME(row_max)(xr, n);
        for (long i = 0; i < n; i++) yr[i] = CK_NAME(exp_lane)(xr[i] - m);   // for log-softmax, scratch for the sum's terms
        float s = CK_NAME(row_sum)(yr, n);
        if (log_softmax) {
            float shift = m + logf(s);
            for (long i = 0; i < n; i++) yr[i] = xr[i] - shift;
        } else {
            float inv = 1.0f / s;
            for (long i = 0; i < n; i++) yr[i] *= inv;
        }
    }
}

CK_TARGET void CK_NAME(ck_layer_norm_rows)(const float *restrict x, float *restrict y, float *restrict rstd,
                                           long rows, long n, float epsilon) {
    if (n <= 0) return;
    for (long o = 0; o < rows; o++) {
        const float *xr = x + o * n;
        float *yr = y + o * n;
        float mean = CK_NAME(row_sum)(xr, n) / (float)n;
        // Two passes (centre, then square) as the Swift layer norm, so a large
        // mean does not cancel the variance away.
        for (long i = 0; i < n; i++) { float c = xr[i] - mean; yr[i] = c * c; }
        float r = 1.0f / sqrtf(CK_NAME(row_sum)(yr, n) / (float)n + epsilon);
        for (long i = 0; i < n; i++) yr[i] = (xr[i] - mean) * r;
        rstd[o] = r;
    }
}

CK_TARGET void CK_NAME(ck_adam)(float *restrict w, const float *restrict g, float *restrict m, float *restrict v, long n,
                                float b1, float b2, float eps, float l2, float w_decay, float step_size, float inv_c2) {
    for (long i = 0; i < n; i++) {
        float wi = w[i];
        float gi = g[i] + l2 * wi;
        wi *= w_decay;
        float mi = b1 * m[i] + (1.0f - b1) * gi;
        float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
        wi -= step_size * mi / (CK_SQRT(vi) * inv_c2 + eps);
        m[i] = mi;
        v[i] = vi;
        w[i] = wi;
    }
}

CK_TARGET void CK_NAME(ck_rmsprop)(float *restrict w, const float *restrict g, float *restrict v, float *restrict b,
                                   float *restrict mean, long n, float lr, float alpha, float eps, float wd, float momentum) {
    // b and mean are loop-invariantly null or not: the compiler unswitches
    // the loop into its four forms.
    for (long i = 0; i < n; i++) {
        float gi = g[i] + wd * w[i];
        float vi = alpha * v[i] + (1.0f - alpha) * gi * gi;
        v[i] = vi;
        if (mean) {
            float mi = alpha * mean[i] + (1.0f - alpha) * gi;
            mean[i] = mi;
            vi -= mi * mi;
        }
        float scaled = gi / (CK_SQRT(vi) + eps);
        if (b) {
            float bi = momentum * b[i] + scaled;
            b[i] = bi;
            w[i] -= lr * bi;
        } else {
            w[i] -= lr * scaled;
        }
    }
}

CK_TARGET void CK_NAME(ck_sgd)(float *restrict w, const float *restrict g, float *restrict buf, long n,
                               float lr, float mu, float wd, int fresh, int nesterov) {
    for (long i = 0; i < n; i++) {
        float d = g[i] + wd * w[i];
        if (buf) {
            float bi = fresh ? d : mu * buf[i] + d;
            buf[i] = bi;
            d = nesterov ? d + mu * bi : bi;
        }
        w[i] -= lr * d;
    }
}
