// W4A16 GEMM for batches above 8 on fp16 tensor cores (mma.sync m16n8k16 f32.f16.f16.f32, sm_80+; scalar before):
// y[m, n] = sum_g scale[n, g] * (sum_{k in g} x[m, k] * (code[n, k] - zero[n, g])) + bias[n].
// The integer codes minus zero point (-15..15) are exact in fp16, so each group's product sum is taken on tensor cores
// from exact operands and the group scale is applied once per group in fp32. A warp owns a 16 x 8 output tile, a
// block of four warps 16 x 32. Weights stay in the canonical layout: the two codes a lane needs (k, k+1 with k even)
// share one byte.

__device__ __forceinline__ unsigned short float_to_half_bits(float f)
{
    unsigned short h;
    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f));
    return h;
}

__device__ __forceinline__ float half_bits_to_float(unsigned short h)
{
    float f;
    asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h));
    return f;
}

// Two fp16 values (code - zero) for W[n, k], W[n, k + 1] (k even), lower index in the low half; 0 outside the matrix.
__device__ __forceinline__ unsigned int weight_pair(const unsigned char* __restrict__ codes, int n, int rows, int k, int cols,
                                                    int symmetric, int zero)
{
    if (n >= rows) return 0u;
    int b = codes[((size_t)n * cols + k) >> 1];
    int lo = b & 15, hi = b >> 4;
    if (symmetric) { lo = (lo ^ 8) - 8; hi = (hi ^ 8) - 8; }
    return (unsigned int)float_to_half_bits((float)(lo - zero)) | ((unsigned int)float_to_half_bits((float)(hi - zero)) << 16);
}

__device__ __forceinline__ unsigned int activation_pair(const unsigned short* __restrict__ x, int m, int m_rows, int k, int cols)
{
    return m < m_rows ? *(const unsigned int*)(x + (size_t)m * cols + k) : 0u;
}

extern "C" __global__ void w4a16_gemm(const unsigned char* __restrict__ codes, const float* __restrict__ scales,
                                      const unsigned char* __restrict__ zeros, int symmetric,
                                      const unsigned short* __restrict__ x, const float* __restrict__ bias, int has_bias,
                                      float* __restrict__ y, int m_rows, int rows, int cols, int group_size)
{
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    int gid = lane >> 2, tig = lane & 3;
    int m0 = blockIdx.y * 16, n0 = (blockIdx.x * 4 + warp) * 8;
    int groups = cols / group_size;
    int n_b = n0 + gid; // the weight row this lane feeds into the B fragment
    float yacc[4] = { 0.0f, 0.0f, 0.0f, 0.0f };
    for (int g = 0; g < groups; g++)
    {
        int gi = n_b * groups + g;
        int zero = (symmetric || n_b >= rows) ? 0 : ((zeros[gi >> 1] >> ((gi & 1) << 2)) & 15);
        float c[4] = { 0.0f, 0.0f, 0.0f, 0.0f };
        for (int k0 = g * group_size; k0 < (g + 1) * group_size; k0 += 16)
        {
#if __CUDA_ARCH__ >= 800
            unsigned int a0 = activation_pair(x, m0 + gid, m_rows, k0 + tig * 2, cols);
            unsigned int a1 = activation_pair(x, m0 + gid + 8, m_rows, k0 + tig * 2, cols);
            unsigned int a2 = activation_pair(x, m0 + gid, m_rows, k0 + 8 + tig * 2, cols);
            unsigned int a3 = activation_pair(x, m0 + gid + 8, m_rows, k0 + 8 + tig * 2, cols);
            unsigned int b0 = weight_pair(codes, n_b, rows, k0 + tig * 2, cols, symmetric, zero);
            unsigned int b1 = weight_pair(codes, n_b, rows, k0 + 8 + tig * 2, cols, symmetric, zero);
            asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                         : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                         : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
#else
            // Pre-Ampere devices: the same fragment ownership, scalar multiply-adds.
            for (int i = 0; i < 4; i++)
            {
                int m = m0 + gid + (i >= 2 ? 8 : 0), n = n0 + tig * 2 + (i & 1);
                if (m >= m_rows || n >= rows) continue;
                int ni = n * groups + g;
                int z = symmetric ? 0 : ((zeros[ni >> 1] >> ((ni & 1) << 2)) & 15);
                for (int k = k0; k < k0 + 16; k++)
                {
                    int b = (codes[((size_t)n * cols + k) >> 1] >> ((k & 1) << 2)) & 15;
                    if (symmetric) b = (b ^ 8) - 8;
                    c[i] += half_bits_to_float(x[(size_t)m * cols + k]) * (float)(b - z);
                }
            }
#endif
        }
        for (int i = 0; i < 4; i++)
        {
            int n = n0 + tig * 2 + (i & 1);
            if (n < rows) yacc[i] += scales[n * groups + g] * c[i];
        }
    }
    for (int i = 0; i < 4; i++)
    {
        int m = m0 + gid + (i >= 2 ? 8 : 0), n = n0 + tig * 2 + (i & 1);
        if (m < m_rows && n < rows) y[(size_t)m * rows + n] = has_bias ? yacc[i] + bias[n] : yacc[i];
    }
}
