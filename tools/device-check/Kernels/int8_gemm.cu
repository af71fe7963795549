// Integer GEMM on int8 tensor cores (mma.sync m16n8k32 s8.s8.s32, sm_80+) for W8A8 and W4A4 (4-bit codes are
// unpacked to int8 once at load). C[m, n] = sum_k A[m, k] * W[n, k] is exact int32; the epilogue folds each group
// of G columns (G = K: per-token x per-channel scales) into fp32 with one rounding per operation:
// y[m, n] = sum_g float(C_g[m, n]) * (sa[m, g] * sw[n, g]) + bias[n], then ReLU when asked.
// A warp owns a 16 x 8 tile of the output; a block of four warps owns 16 x 32.

__device__ __forceinline__ unsigned int load_int8x4(const signed char* __restrict__ base, int row, int rows, int k, int cols)
{
    if (row >= rows) return 0u;
    const signed char* p = base + (size_t)row * cols + k;
    if ((cols & 3) == 0 && k + 4 <= cols) return *(const unsigned int*)p;
    unsigned int v = 0u;
    for (int t = 0; t < 4; t++)
        if (k + t < cols) v |= ((unsigned int)(unsigned char)p[t]) << (8 * t);
    return v;
}

__device__ __forceinline__ float relu_ieee(float v) { return v > 0.0f ? v : (v != v ? v : 0.0f); }

extern "C" __global__ void int8_gemm(const signed char* __restrict__ a, const signed char* __restrict__ w,
                                     const float* __restrict__ a_scales, const float* __restrict__ w_scales,
                                     const float* __restrict__ bias, int has_bias, int relu,
                                     int* __restrict__ c_out, float* __restrict__ y,
                                     int m_rows, int n_rows, int cols, int group_size)
{
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    int group_id = lane >> 2, tig = lane & 3;
    int m0 = blockIdx.y * 16, n0 = (blockIdx.x * 4 + warp) * 8;
    int groups = (cols + group_size - 1) / group_size;
    float yacc[4] = { 0.0f, 0.0f, 0.0f, 0.0f };
    int c[4] = { 0, 0, 0, 0 };
    for (int g = 0; g < groups; g++)
    {
        c[0] = c[1] = c[2] = c[3] = 0;
        int k_end = min(cols, (g + 1) * group_size);
        for (int k0 = g * group_size; k0 < k_end; k0 += 32)
        {
#if __CUDA_ARCH__ >= 800
            unsigned int a0 = load_int8x4(a, m0 + group_id, m_rows, k0 + tig * 4, cols);
            unsigned int a1 = load_int8x4(a, m0 + group_id + 8, m_rows, k0 + tig * 4, cols);
            unsigned int a2 = load_int8x4(a, m0 + group_id, m_rows, k0 + 16 + tig * 4, cols);
            unsigned int a3 = load_int8x4(a, m0 + group_id + 8, m_rows, k0 + 16 + tig * 4, cols);
            unsigned int b0 = load_int8x4(w, n0 + group_id, n_rows, k0 + tig * 4, cols);
            unsigned int b1 = load_int8x4(w, n0 + group_id, n_rows, k0 + 16 + tig * 4, cols);
            asm volatile("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                         : "+r"(c[0]), "+r"(c[1]), "+r"(c[2]), "+r"(c[3])
                         : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
#else
            // Pre-Ampere devices: the same tile and fragment ownership, computed with scalar multiply-adds.
            for (int i = 0; i < 4; i++)
            {
                int m = m0 + group_id + (i >= 2 ? 8 : 0), n = n0 + tig * 2 + (i & 1);
                if (m >= m_rows || n >= n_rows) continue;
                for (int k = k0; k < min(k0 + 32, cols); k++)
                    c[i] += (int)a[(size_t)m * cols + k] * (int)w[(size_t)n * cols + k];
            }
#endif
        }
        for (int i = 0; i < 4; i++)
        {
            int m = m0 + group_id + (i >= 2 ? 8 : 0), n = n0 + tig * 2 + (i & 1);
            if (m >= m_rows || n >= n_rows) continue;
            float s = __fmul_rn(a_scales[m * groups + g], w_scales[n * groups + g]);
            yacc[i] = __fadd_rn(yacc[i], __fmul_rn((float)c[i], s));
        }
    }
    for (int i = 0; i < 4; i++)
    {
        int m = m0 + group_id + (i >= 2 ? 8 : 0), n = n0 + tig * 2 + (i & 1);
        if (m >= m_rows || n >= n_rows) continue;
        if (c_out != 0 && groups == 1) c_out[(size_t)m * n_rows + n] = c[i];
        if (y != 0)
        {
            float v = has_bias ? __fadd_rn(yacc[i], bias[n]) : yacc[i];
            y[(size_t)m * n_rows + n] = relu ? relu_ieee(v) : v;
        }
    }
}

// Dynamic symmetric quantization, one warp per group of group_size consecutive values: scale = max|x| / qmax
// (1 for an all-zero group), q = clamp(round_half_to_even(x / scale), -qmax, qmax). Per token: group_size = K.
extern "C" __global__ void quantize_dynamic(const float* __restrict__ x, signed char* __restrict__ q,
                                            float* __restrict__ scales, int groups, int group_size, int qmax)
{
    int lane = threadIdx.x & 31;
    int g = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    if (g >= groups) return;
    const float* xs = x + (size_t)g * group_size;
    float absmax = 0.0f;
    for (int i = lane; i < group_size; i += 32) absmax = fmaxf(absmax, fabsf(xs[i]));
    for (int offset = 16; offset > 0; offset >>= 1) absmax = fmaxf(absmax, __shfl_xor_sync(0xffffffffu, absmax, offset));
    float scale = absmax == 0.0f ? 1.0f : __fdiv_rn(absmax, (float)qmax);
    for (int i = lane; i < group_size; i += 32)
    {
        float r = fminf(fmaxf(rintf(__fdiv_rn(xs[i], scale)), (float)-qmax), (float)qmax);
        q[(size_t)g * group_size + i] = (signed char)(int)r;
    }
    if (lane == 0) scales[g] = scale;
}

// Unpacks symmetric packed int4 codes (low nibble first, -8..7) to one int8 per element, once at load time.
extern "C" __global__ void int4_unpack(const unsigned char* __restrict__ packed, signed char* __restrict__ out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    int nibble = (packed[i >> 1] >> ((i & 1) << 2)) & 15;
    out[i] = (signed char)((nibble ^ 8) - 8);
}
