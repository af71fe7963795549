// GEMV kernels for batch 1..8 (decode-style inference): one warp per output row, each lane streaming 16-byte
// chunks of the row so a warp reads 512 contiguous bytes per step. Activations are fp16 (IEEE binary16 bits in
// unsigned short, converted with cvt so no cuda_fp16.h is needed); accumulation is fp32.
#define GEMV_MAX_BATCH 8

__device__ __forceinline__ float half_to_float(unsigned short h)
{
    float f;
    asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h));
    return f;
}

__device__ __forceinline__ float warp_sum(float v)
{
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

// W4A16: y[b, n] = sum_k x[b, k] * scale[n, k/G] * (code[n, k] - zero[n, k/G]) + bias[n], weights in the canonical
// group-wise int4 layout (K % 32 == 0, G in {32, 64, 128}). A 16-byte chunk holds 32 consecutive codes of one
// group, so each chunk needs one scale and one zero point; the scale multiplies the chunk's partial sum.
extern "C" __global__ void w4a16_gemv(const uint4* __restrict__ codes, const float* __restrict__ scales,
                                      const unsigned char* __restrict__ zeros, int symmetric,
                                      const unsigned short* __restrict__ x, const float* __restrict__ bias, int has_bias,
                                      float* __restrict__ y, int rows, int cols, int group_size, int batch)
{
    int lane = threadIdx.x & 31;
    int row = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    if (row >= rows) return;
    int chunks = cols >> 5, groups = cols / group_size, chunks_per_group = group_size >> 5;
    const uint4* w = codes + (size_t)row * chunks;
    float acc[GEMV_MAX_BATCH];
#pragma unroll
    for (int b = 0; b < GEMV_MAX_BATCH; b++) acc[b] = 0.0f;
    for (int c = lane; c < chunks; c += 32)
    {
        uint4 packed = __ldg(w + c);
        int g = c / chunks_per_group;
        int gi = row * groups + g;
        float scale = __ldg(scales + gi);
        int zero = symmetric ? 0 : ((__ldg(zeros + (gi >> 1)) >> ((gi & 1) << 2)) & 15);
        unsigned int words[4] = { packed.x, packed.y, packed.z, packed.w };
        float q[32];
#pragma unroll
        for (int j = 0; j < 32; j++)
        {
            int nibble = (int)((words[j >> 3] >> ((j & 7) << 2)) & 15u);
            q[j] = (float)((symmetric ? ((nibble ^ 8) - 8) : nibble) - zero);
        }
#pragma unroll
        for (int b = 0; b < GEMV_MAX_BATCH; b++)
        {
            if (b >= batch) break;
            const uint4* xv = (const uint4*)(x + (size_t)b * cols + (c << 5));
            float part = 0.0f;
#pragma unroll
            for (int v = 0; v < 4; v++)
            {
                uint4 h = __ldg(xv + v);
                unsigned int hw[4] = { h.x, h.y, h.z, h.w };
#pragma unroll
                for (int t = 0; t < 4; t++)
                {
                    part += q[v * 8 + t * 2] * half_to_float((unsigned short)(hw[t] & 0xffffu));
                    part += q[v * 8 + t * 2 + 1] * half_to_float((unsigned short)(hw[t] >> 16));
                }
            }
            acc[b] += scale * part;
        }
    }
#pragma unroll
    for (int b = 0; b < GEMV_MAX_BATCH; b++)
    {
        if (b >= batch) break;
        float s = warp_sum(acc[b]);
        if (lane == 0) y[(size_t)b * rows + row] = has_bias ? s + bias[row] : s;
    }
}

// The fp16 baseline at the same shapes: W[n, k] in fp16 (K % 8 == 0), same warp-per-row scheme, 8 halves per load.
extern "C" __global__ void fp16_gemv(const uint4* __restrict__ weights, const unsigned short* __restrict__ x,
                                     float* __restrict__ y, int rows, int cols, int batch)
{
    int lane = threadIdx.x & 31;
    int row = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    if (row >= rows) return;
    int vectors = cols >> 3;
    const uint4* w = weights + (size_t)row * vectors;
    float acc[GEMV_MAX_BATCH];
#pragma unroll
    for (int b = 0; b < GEMV_MAX_BATCH; b++) acc[b] = 0.0f;
    for (int v = lane; v < vectors; v += 32)
    {
        uint4 wv = __ldg(w + v);
        unsigned int ww[4] = { wv.x, wv.y, wv.z, wv.w };
#pragma unroll
        for (int b = 0; b < GEMV_MAX_BATCH; b++)
        {
            if (b >= batch) break;
            uint4 h = __ldg((const uint4*)(x + (size_t)b * cols) + v);
            unsigned int hw[4] = { h.x, h.y, h.z, h.w };
#pragma unroll
            for (int t = 0; t < 4; t++)
            {
                acc[b] += half_to_float((unsigned short)(ww[t] & 0xffffu)) * half_to_float((unsigned short)(hw[t] & 0xffffu));
                acc[b] += half_to_float((unsigned short)(ww[t] >> 16)) * half_to_float((unsigned short)(hw[t] >> 16));
            }
        }
    }
#pragma unroll
    for (int b = 0; b < GEMV_MAX_BATCH; b++)
    {
        if (b >= batch) break;
        float s = warp_sum(acc[b]);
        if (lane == 0) y[(size_t)b * rows + row] = s;
    }
}
