// Kernels shared by CUDA and OpenCL: compiled after prelude_cuda.h or prelude_opencl.h. One work-item per
// output element, plain loops in a fixed order, so both back ends give the same bits. Codes are int8 (signed
// char) or packed int4 in the canonical layout of kernels-cpu's GroupwiseInt4Weights (low nibble first).

// q = clamp(round_half_to_even(x / scale) + zero, qmin, qmax), one scale and zero point per group of
// group_size consecutive elements (per tensor: group_size = n; per channel: group_size = inner).
KERNEL void quantize_groups(GLOBAL const float* x, GLOBAL const float* scales, GLOBAL const int* zeros,
                            GLOBAL signed char* q, int n, int group_size, int qmin, int qmax)
{
    int i = GLOBAL_ID;
    if (i >= n) return;
    int g = i / group_size;
    float r = FADD(ROUND_EVEN(FDIV(x[i], scales[g])), (float)zeros[g]);
    r = FMIN(FMAX(r, (float)qmin), (float)qmax);
    q[i] = (signed char)(int)r;
}

// x = (q - zero) * scale per group (ONNX DequantizeLinear).
KERNEL void dequantize_groups(GLOBAL const signed char* q, GLOBAL const float* scales, GLOBAL const int* zeros,
                              GLOBAL float* x, int n, int group_size)
{
    int i = GLOBAL_ID;
    if (i >= n) return;
    int g = i / group_size;
    x[i] = FMUL((float)((int)q[i] - zeros[g]), scales[g]);
}

// The 4-bit code of element i of a low-nibble-first packed array: signed -8..7 or unsigned 0..15.
#define INT4_CODE(packed, i, is_signed) \
    ((is_signed) ? ((((int)((packed)[(i) >> 1] >> (((i) & 1) << 2)) & 15) ^ 8) - 8) \
                 : ((int)((packed)[(i) >> 1] >> (((i) & 1) << 2)) & 15))

// W[n, k] = scale[n, k/G] * (code - zero) for group-wise int4 weights; zeros is ignored when symmetric.
KERNEL void int4_dequantize(GLOBAL const uchar* codes, GLOBAL const float* scales, GLOBAL const uchar* zeros,
                            int symmetric, GLOBAL float* w, int rows, int cols, int group_size)
{
    int i = GLOBAL_ID;
    if (i >= rows * cols) return;
    int gi = i / group_size; // groups are consecutive along a row, and rows hold whole groups
    int z = symmetric ? 0 : INT4_CODE(zeros, gi, 0);
    w[i] = FMUL(scales[gi], (float)(INT4_CODE(codes, i, symmetric) - z));
}

// y[b, n] = sum_g scale[n, g] * (sum_{k in g} (code - zero) * x[b, k]) + bias[n]: one work-item per output,
// fp32 activations, groups in order. bias is read only when has_bias != 0.
KERNEL void int4_gemv(GLOBAL const uchar* codes, GLOBAL const float* scales, GLOBAL const uchar* zeros, int symmetric,
                      GLOBAL const float* x, GLOBAL const float* bias, int has_bias, GLOBAL float* y,
                      int rows, int cols, int group_size, int batch)
{
    int i = GLOBAL_ID;
    if (i >= rows * batch) return;
    int b = i / rows, n = i - b * rows;
    int groups = cols / group_size;
    float acc = 0.0f;
    for (int g = 0; g < groups; g++)
    {
        int gi = n * groups + g;
        int z = symmetric ? 0 : INT4_CODE(zeros, gi, 0);
        float part = 0.0f;
        for (int j = 0; j < group_size; j++)
        {
            int k = g * group_size + j;
            part = FADD(part, FMUL((float)(INT4_CODE(codes, n * cols + k, symmetric) - z), x[b * cols + k]));
        }
        acc = FADD(acc, FMUL(scales[gi], part));
    }
    y[i] = has_bias ? FADD(acc, bias[n]) : acc;
}

// Elementwise fp32 ops: one IEEE operation per element.
KERNEL void ew_add(GLOBAL const float* a, GLOBAL const float* b, GLOBAL float* y, int n)
{ int i = GLOBAL_ID; if (i < n) y[i] = FADD(a[i], b[i]); }

KERNEL void ew_sub(GLOBAL const float* a, GLOBAL const float* b, GLOBAL float* y, int n)
{ int i = GLOBAL_ID; if (i < n) y[i] = FSUB(a[i], b[i]); }

KERNEL void ew_mul(GLOBAL const float* a, GLOBAL const float* b, GLOBAL float* y, int n)
{ int i = GLOBAL_ID; if (i < n) y[i] = FMUL(a[i], b[i]); }

KERNEL void ew_scale(GLOBAL const float* a, float alpha, GLOBAL float* y, int n)
{ int i = GLOBAL_ID; if (i < n) y[i] = FMUL(a[i], alpha); }

// ReLU as the CPU's IEEE maximum(x, 0): NaN stays NaN and -0 becomes +0 (fmax may return either zero).
KERNEL void ew_relu(GLOBAL const float* a, GLOBAL float* y, int n)
{ int i = GLOBAL_ID; if (i < n) y[i] = a[i] > 0.0f ? a[i] : (a[i] != a[i] ? a[i] : 0.0f); }

// y[r, c] = x[r, c] + bias[c] (a Linear layer's bias over a batch of rows).
KERNEL void ew_add_bias(GLOBAL const float* x, GLOBAL const float* bias, GLOBAL float* y, int rows, int cols)
{ int i = GLOBAL_ID; if (i < rows * cols) y[i] = FADD(x[i], bias[i % cols]); }
