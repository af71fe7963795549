// Convolution as im2col + GEMM: each output pixel's receptive field becomes one row of patches
// [batch * out_h * out_w, channels * kernel_h * kernel_w] (column order c, kh, kw = the weight layout
// [out_channels, channels, kernel_h, kernel_w]), so the GEMM with W[out_channels, C*KH*KW] yields NHWC output.
// Input is NCHW fp32; padding reads as zero.
extern "C" __global__ void im2col(const float* __restrict__ x, float* __restrict__ patches,
                                  int batch, int channels, int height, int width, int kernel_h, int kernel_w,
                                  int stride_h, int stride_w, int pad_h, int pad_w, int out_h, int out_w)
{
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    int patch = channels * kernel_h * kernel_w;
    long long total = (long long)batch * out_h * out_w * patch;
    if (i >= total) return;
    int col = (int)(i % patch);
    long long pixel = i / patch;
    int ox = (int)(pixel % out_w), oy = (int)((pixel / out_w) % out_h), b = (int)(pixel / ((long long)out_w * out_h));
    int kx = col % kernel_w, ky = (col / kernel_w) % kernel_h, c = col / (kernel_w * kernel_h);
    int iy = oy * stride_h - pad_h + ky, ix = ox * stride_w - pad_w + kx;
    patches[i] = (iy >= 0 && iy < height && ix >= 0 && ix < width)
        ? x[(((long long)b * channels + c) * height + iy) * width + ix] : 0.0f;
}
