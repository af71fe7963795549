// Row-wise normalisations, one warp per row of length cols.

__device__ __forceinline__ float warp_sum_all(float v)
{
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

__device__ __forceinline__ float warp_max_all(float v)
{
    for (int offset = 16; offset > 0; offset >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, offset));
    return v;
}

// y = (x - mean) / sqrt(var + eps) * gamma + beta over each row (biased variance, two passes for accuracy).
extern "C" __global__ void layer_norm(const float* __restrict__ x, const float* __restrict__ gamma, const float* __restrict__ beta,
                                      float* __restrict__ y, int rows, int cols, float eps)
{
    int lane = threadIdx.x & 31;
    int row = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    if (row >= rows) return;
    const float* xr = x + (size_t)row * cols;
    float sum = 0.0f;
    for (int i = lane; i < cols; i += 32) sum += xr[i];
    float mean = warp_sum_all(sum) / cols;
    float sq = 0.0f;
    for (int i = lane; i < cols; i += 32) { float d = xr[i] - mean; sq += d * d; }
    float inv_std = rsqrtf(warp_sum_all(sq) / cols + eps);
    for (int i = lane; i < cols; i += 32) y[(size_t)row * cols + i] = (xr[i] - mean) * inv_std * gamma[i] + beta[i];
}

// y = exp(x - max) / sum(exp(x - max)) over each row.
extern "C" __global__ void softmax(const float* __restrict__ x, float* __restrict__ y, int rows, int cols)
{
    int lane = threadIdx.x & 31;
    int row = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    if (row >= rows) return;
    const float* xr = x + (size_t)row * cols;
    float m = __int_as_float(0xff800000); // -infinity without math headers
    for (int i = lane; i < cols; i += 32) m = fmaxf(m, xr[i]);
    m = warp_max_all(m);
    float sum = 0.0f;
    for (int i = lane; i < cols; i += 32) sum += expf(xr[i] - m);
    float inv = 1.0f / warp_sum_all(sum);
    for (int i = lane; i < cols; i += 32) y[(size_t)row * cols + i] = expf(xr[i] - m) * inv;
}
