// The ops of a deployed policy graph (qail's integer runtime) for CUDA and OpenCL alike. Every value of the graph
// lives in one float arena per policy instance ("v"), addressed by element offsets, so a kernel never needs a
// sub-buffer; activation codes of many-row int8 layers go to scratch in the same arena, viewed as int (four signed
// 8-bit codes a word). Weights are separate read-only buffers. Kernels named *_group run one work-group of
// GROUP_SIZE per output (a reduction in fixed order, so results are deterministic); the others one work-item per
// output value.
//
// Against the CPU runtime: copies, gathers, normalisation, residual adds, the int8 layers (exact int32 sums, the
// same float epilogue) and layer norm (double, same order) give the same bits; fp32 / int4 dot products, tanh,
// exp and the softmaxes differ by float reassociation and library rounding only.

// Four signed 8-bit products of a and b summed into c (the portable form of dp4a); sign extension by arithmetic.
HELPER int dot4_bytes(int a, int b, int c)
{
    for (int i = 0; i < 4; i++)
    {
        int x = (a >> (8 * i)) & 255, y = (b >> (8 * i)) & 255;
        c += (x - ((x & 128) << 1)) * (y - ((y & 128) << 1));
    }
    return c;
}

// The 4-bit code of element i of a low-nibble-first packed array: signed -8..7 or unsigned 0..15.
#define NIBBLE(packed, i, is_signed) \
    ((is_signed) ? ((((int)((packed)[(i) >> 1] >> (((i) & 1) << 2)) & 15) ^ 8) - 8) \
                 : ((int)((packed)[(i) >> 1] >> (((i) & 1) << 2)) & 15))

// Tree reduction of buf[0..GROUP_SIZE) into buf[0] in a fixed order; every work-item of the group must call it.
#define GROUP_REDUCE(buf, lid) \
    BARRIER(); \
    for (int s_ = GROUP_SIZE / 2; s_ > 0; s_ >>= 1) { if ((lid) < s_) buf[lid] += buf[(lid) + s_]; BARRIER(); }

// max(a, 0) with NaN kept and -0 -> +0, as the CPU's TensorPrimitives.Max(x, 0).
#define RELU(a) ((a) > 0.0f ? (a) : ((a) != (a) ? (a) : 0.0f))

// Input value k of row r of a weight layer with cols inputs a row: row-major at x, or, when the layer reads through
// a gather table (an im2col or patch gather folded into it), x[gather[r * cols + k]] with -1 reading as zero.
HELPER float layer_input(GLOBAL const float* v, int x, GLOBAL const int* gather, int gathered, int r, int cols, int k)
{
    if (!gathered) return v[x + r * cols + k];
    int s = gather[r * cols + k];
    return s < 0 ? 0.0f : v[x + s];
}

#define CLAMP_TO(v, lo, hi) ((v) < (lo) ? (lo) : ((v) > (hi) ? (hi) : (v)))

// y = (x - mean) / std.
KERNEL void pol_normalize(GLOBAL float* v, int x, int y, GLOBAL const float* mean, GLOBAL const float* std, int n)
{ int i = GLOBAL_ID; if (i < n) v[y + i] = FDIV(FSUB(v[x + i], mean[i]), std[i]); }

KERNEL void pol_relu(GLOBAL float* v, int x, int y, int n)
{ int i = GLOBAL_ID; if (i < n) v[y + i] = RELU(v[x + i]); }

// y = a + b (residual add).
KERNEL void pol_add(GLOBAL float* v, int a, int b, int y, int n)
{ int i = GLOBAL_ID; if (i < n) v[y + i] = FADD(v[a + i], v[b + i]); }

// y[i] = x[i] (concat pieces, row slices).
KERNEL void pol_copy(GLOBAL float* v, int x, int y, int n)
{ int i = GLOBAL_ID; if (i < n) v[y + i] = v[x + i]; }

// y = the head picked by the command value v[command] (checked on the host): y[i] = v[heads[command] + i].
KERNEL void pol_select(GLOBAL float* v, GLOBAL const int* heads, int command, int y, int n)
{ int i = GLOBAL_ID; if (i < n) v[y + i] = v[heads[(int)v[command]] + i]; }

// y[i] = x[sources[i]], 0 where sources[i] < 0 (im2col padding); im2col, patch gather and transposes.
KERNEL void pol_gather(GLOBAL float* v, int x, int y, GLOBAL const int* sources, int n)
{ int i = GLOBAL_ID; if (i < n) { int s = sources[i]; v[y + i] = s < 0 ? 0.0f : v[x + s]; } }

// clamp(tanh(x) * half_range + centre, low, high).
KERNEL void pol_tanh_action(GLOBAL float* v, int x, int y, GLOBAL const float* centre, GLOBAL const float* half_range,
                            GLOBAL const float* low, GLOBAL const float* high, int n)
{
    int i = GLOBAL_ID;
    if (i >= n) return;
    float a = FADD(FMUL(TANHF(v[x + i]), half_range[i]), centre[i]);
    v[y + i] = CLAMP_TO(a, low[i], high[i]);
}

// CILRS head: steer tanh(x[0]), pedals 1 / (1 + exp(-x)), each clamped to its bounds.
KERNEL void pol_cilrs_action(GLOBAL float* v, int x, int y, GLOBAL const float* low, GLOBAL const float* high, int n)
{
    int i = GLOBAL_ID;
    if (i >= n) return;
    float a = v[x + i];
    a = i == 0 ? TANHF(a) : FDIV(1.0f, FADD(1.0f, EXPF(-a)));
    v[y + i] = CLAMP_TO(a, low[i], high[i]);
}

// GELU, tanh form, in the engine's order: 0.5 x (1 + tanh(c (x + ((k x) x) x))).
KERNEL void pol_gelu_tanh(GLOBAL float* v, int x, int y, int n)
{
    int i = GLOBAL_ID;
    if (i >= n) return;
    float a = v[x + i];
    float t = FMUL(FMUL(FMUL(a, 0.044715f), a), a);
    t = TANHF(FMUL(FADD(t, a), 0.7978845608028654f));
    v[y + i] = FMUL(FMUL(FADD(t, 1.0f), a), 0.5f);
}

// Y[r, n] = X[r, :] . W[n, :] + bias[n] (ReLU when relu != 0), fp32 weights; one group per output.
KERNEL void pol_linear_f32_group(GLOBAL float* v, int x, GLOBAL const int* gather, int gathered, int y, GLOBAL const float* w,
                                 GLOBAL const float* bias, int has_bias, int relu, int rows, int outputs, int inputs)
{
    SHARED(float, part, GROUP_SIZE);
    int o = GROUP_ID, lid = LOCAL_ID;
    if (o >= rows * outputs) return;
    int r = o / outputs, n = o - r * outputs;
    GLOBAL const float* wr = w + (long)n * inputs;
    float acc = 0.0f;
    for (int k = lid; k < inputs; k += GROUP_SIZE) acc = FMA(wr[k], layer_input(v, x, gather, gathered, r, inputs, k), acc);
    part[lid] = acc;
    GROUP_REDUCE(part, lid);
    if (lid != 0) return;
    float out = has_bias ? FADD(part[0], bias[n]) : part[0];
    v[y + o] = relu ? RELU(out) : out;
}

// Weight-only int4 layer (activations stay fp32; ReLU when relu != 0): weight = scale[g] * (code - zero[g]) over groups of group_size
// along a row of stride packed columns (>= inputs: per-channel rows are padded to whole groups).
KERNEL void pol_linear_int4_group(GLOBAL float* v, int x, GLOBAL const int* gather, int gathered, int y,
                                  GLOBAL const uchar* codes, GLOBAL const float* scales,
                                  GLOBAL const uchar* zeros, int is_signed, GLOBAL const float* bias, int has_bias, int relu,
                                  int rows, int outputs, int inputs, int stride, int group_size)
{
    SHARED(float, part, GROUP_SIZE);
    int o = GROUP_ID, lid = LOCAL_ID;
    if (o >= rows * outputs) return;
    int r = o / outputs, n = o - r * outputs;
    int groups = stride / group_size;
    float acc = 0.0f;
    for (int k = lid; k < inputs; k += GROUP_SIZE)
    {
        int g = n * groups + k / group_size;
        int zero = is_signed ? 0 : NIBBLE(zeros, g, 0);
        float weight = FMUL(scales[g], (float)(NIBBLE(codes, (long)n * stride + k, is_signed) - zero));
        acc = FMA(weight, layer_input(v, x, gather, gathered, r, inputs, k), acc);
    }
    part[lid] = acc;
    GROUP_REDUCE(part, lid);
    if (lid != 0) return;
    float out = has_bias ? FADD(part[0], bias[n]) : part[0];
    v[y + o] = relu ? RELU(out) : out;
}

// Four activation codes of inputs 4 word .. 4 word + 3 of row r (zero past cols) as signed bytes of one word:
// clamp(round_half_even(x / scale) + zero, qmin, qmax) - shift, the CPU's QuantizeLinear. Sets *nan on a NaN input.
HELPER int quantize_word(GLOBAL const float* v, int x, GLOBAL const int* gather, int gathered, int r, int word, int cols,
                         float scale, int zero, int qmin, int qmax, int shift, int* nan)
{
    unsigned packed = 0u;
    for (int j = 0; j < 4; j++)
    {
        int k = word * 4 + j;
        if (k >= cols) break;
        float a = layer_input(v, x, gather, gathered, r, cols, k);
        if (a != a) *nan = 1;
        float q = FADD(ROUND_EVEN(FDIV(a, scale)), (float)zero);
        q = FMIN(FMAX(q, (float)qmin), (float)qmax);
        packed |= ((unsigned)((int)q - shift) & 255u) << (8 * j);
    }
    return (int)packed;
}

// The int8 epilogue: acc = sum_k (a - za)(w - zw[n]) exactly in int32 from the shifted codes a' = a - shift,
// w' = w - tw, as sum a'w' - zw' sum a' - za' sum w' + K za' zw' (za' = zero - shift, zw' = w_zeros[n],
// sum w' = w_sums[n]; unsigned wrap-around keeps it exact whenever acc fits), then float(acc) * out_scale[n] + bias[n]
// in two roundings as on the CPU, and ReLU when relu != 0.
HELPER float int8_output(int dot, int sum, int n, GLOBAL const int* w_sums, GLOBAL const int* w_zeros, GLOBAL const float* out_scales,
                         GLOBAL const float* bias, int has_bias, int relu, int inputs, int a_zero)
{
    unsigned zw = (unsigned)w_zeros[n], za = (unsigned)a_zero;
    int acc = (int)((unsigned)dot - zw * (unsigned)sum - za * (unsigned)w_sums[n] + (unsigned)inputs * za * zw);
    float out = FMUL((float)acc, out_scales[n]);
    if (has_bias) out = FADD(out, bias[n]);
    return relu ? RELU(out) : out;
}

// Int8 layer for few rows (a state vector): each group quantizes its input row on the fly, which costs one launch
// less than quantizing first. A NaN input raises the fault flag v[fault] (the CPU throws).
KERNEL void pol_linear_int8_group(GLOBAL float* v, int x, GLOBAL const int* gather, int gathered, int y,
                                  GLOBAL const int* w, GLOBAL const int* w_sums,
                                  GLOBAL const int* w_zeros, GLOBAL const float* out_scales, GLOBAL const float* bias,
                                  int has_bias, int relu, int rows, int outputs, int inputs, int words,
                                  float scale, int zero, int qmin, int qmax, int shift, int fault)
{
    SHARED(int, dots, GROUP_SIZE);
    SHARED(int, sums, GROUP_SIZE);
    int o = GROUP_ID, lid = LOCAL_ID;
    if (o >= rows * outputs) return;
    int r = o / outputs, n = o - r * outputs;
    GLOBAL const int* wr = w + (long)n * words;
    int dot = 0, sum = 0, nan = 0;
    for (int j = lid; j < words; j += GROUP_SIZE)
    {
        int a4 = quantize_word(v, x, gather, gathered, r, j, inputs, scale, zero, qmin, qmax, shift, &nan);
        dot = DOT4(a4, wr[j], dot);
        sum = DOT4(a4, 0x01010101, sum);
    }
    if (nan) v[fault] = 1.0f;
    dots[lid] = dot;
    sums[lid] = sum;
    GROUP_REDUCE(dots, lid);
    GROUP_REDUCE(sums, lid);
    if (lid == 0) v[y + o] = int8_output(dots[0], sums[0], n, w_sums, w_zeros, out_scales, bias, has_bias, relu, inputs, zero - shift);
}

// Activation codes of rows x cols inputs, words_per_row words a row, into the int view of the arena at c; for
// many-row layers (convolution pixels, tokens), where every output would otherwise quantize its row again.
KERNEL void pol_quantize(GLOBAL const float* v, int x, GLOBAL const int* gather, int gathered, GLOBAL int* codes, int c,
                         int rows, int cols, int words_per_row, float scale, int zero, int qmin, int qmax, int shift,
                         GLOBAL float* flag, int fault)
{
    int i = GLOBAL_ID;
    if (i >= rows * words_per_row) return;
    int r = i / words_per_row, nan = 0;
    codes[c + i] = quantize_word(v, x, gather, gathered, r, i - r * words_per_row, cols, scale, zero, qmin, qmax, shift, &nan);
    if (nan) flag[fault] = 1.0f;
}

// Int8 layer over codes from pol_quantize (c: their offset in the int view of the arena).
KERNEL void pol_linear_int8_codes_group(GLOBAL float* v, GLOBAL const int* codes, int c, int y, GLOBAL const int* w,
                                        GLOBAL const int* w_sums, GLOBAL const int* w_zeros, GLOBAL const float* out_scales,
                                        GLOBAL const float* bias, int has_bias, int relu, int rows, int outputs, int inputs,
                                        int words, int a_zero)
{
    SHARED(int, dots, GROUP_SIZE);
    SHARED(int, sums, GROUP_SIZE);
    int o = GROUP_ID, lid = LOCAL_ID;
    if (o >= rows * outputs) return;
    int r = o / outputs, n = o - r * outputs;
    GLOBAL const int* ar = codes + c + r * words;
    GLOBAL const int* wr = w + (long)n * words;
    int dot = 0, sum = 0;
    for (int j = lid; j < words; j += GROUP_SIZE)
    {
        int a4 = ar[j];
        dot = DOT4(a4, wr[j], dot);
        sum = DOT4(a4, 0x01010101, sum);
    }
    dots[lid] = dot;
    sums[lid] = sum;
    GROUP_REDUCE(dots, lid);
    GROUP_REDUCE(sums, lid);
    if (lid == 0) v[y + o] = int8_output(dots[0], sums[0], n, w_sums, w_zeros, out_scales, bias, has_bias, relu, inputs, a_zero);
}

// Layer norm of each row in double, in the CPU runtime's order (mean, biased variance, 1 / sqrt(var + eps)).
KERNEL void pol_layer_norm(GLOBAL float* v, int x, int y, GLOBAL const double* weight, GLOBAL const double* bias, double eps,
                           int rows, int features)
{
    int r = GLOBAL_ID;
    if (r >= rows) return;
    GLOBAL const float* xr = v + x + r * features;
    GLOBAL float* yr = v + y + r * features;
    double mean = 0.0, variance = 0.0;
    for (int j = 0; j < features; j++) mean = DADD(mean, (double)xr[j]);
    mean = DDIV(mean, (double)features);
    for (int j = 0; j < features; j++) { double d = DSUB((double)xr[j], mean); variance = DADD(variance, DMUL(d, d)); }
    double inv_std = DDIV(1.0, DSQRT(DADD(DDIV(variance, (double)features), eps)));
    for (int j = 0; j < features; j++)
        yr[j] = (float)DADD(DMUL(DMUL(DSUB((double)xr[j], mean), inv_std), weight[j]), bias[j]);
}

// Token rows [patches | state | queries | words] plus positions; ids were checked against the table on the host.
KERNEL void pol_token_sequence(GLOBAL float* v, int patch_rows, int state, int ids, int y, GLOBAL const float* queries,
                               GLOBAL const float* word_table, GLOBAL const float* positions, int patches, int query_count,
                               int words, int dim)
{
    int i = GLOBAL_ID;
    int tokens = patches + 1 + query_count + words;
    if (i >= tokens * dim) return;
    int t = i / dim, j = i - t * dim;
    float s;
    if (t < patches) s = v[patch_rows + i];
    else if (t == patches) s = v[state + j];
    else if (t <= patches + query_count) s = queries[(t - patches - 1) * dim + j];
    else s = word_table[(int)v[ids + t - patches - 1 - query_count] * dim + j];
    v[y + i] = FADD(s, positions[i]);
}

// Attention scores[h, i, j] = scale * q_i . k_j over head h's columns; word tokens with id 0 are masked (-inf).
KERNEL void pol_attention_scores(GLOBAL float* v, int q, int k, int ids, int scores, int queries, int prefix, int words,
                                 int dim, int heads, float scale)
{
    int i = GLOBAL_ID;
    int tokens = prefix + words;
    if (i >= heads * queries * tokens) return;
    int j = i % tokens, row = i / tokens, h = row / queries, qi = row - h * queries;
    int dh = dim / heads;
    float s;
    if (j >= prefix && v[ids + j - prefix] == 0.0f) s = NEG_INF;
    else
    {
        float dot = 0.0f;
        for (int e = 0; e < dh; e++) dot = FMA(v[q + qi * dim + h * dh + e], v[k + j * dim + h * dh + e], dot);
        s = FMUL(scale, dot);
    }
    v[scores + i] = s;
}

// Softmax of each score row (max shift, exp, masked entries exactly 0, divide by the sum).
KERNEL void pol_attention_softmax(GLOBAL float* v, int ids, int scores, int rows, int prefix, int words)
{
    int r = GLOBAL_ID;
    if (r >= rows) return;
    int tokens = prefix + words;
    GLOBAL float* s = v + scores + r * tokens;
    float m = s[0];
    for (int j = 1; j < tokens; j++) m = FMAX(m, s[j]);
    float sum = 0.0f;
    for (int j = 0; j < tokens; j++)
    {
        float e = (j >= prefix && v[ids + j - prefix] == 0.0f) ? 0.0f : EXPF(FSUB(s[j], m));
        s[j] = e;
        sum = FADD(sum, e);
    }
    for (int j = 0; j < tokens; j++) s[j] = FDIV(s[j], sum);
}

// out[i, h * dh + e] = sum_j p[h, i, j] v_j[h * dh + e].
KERNEL void pol_attention_values(GLOBAL float* v, int scores, int values, int y, int queries, int tokens, int dim, int heads)
{
    int i = GLOBAL_ID;
    if (i >= queries * dim) return;
    int qi = i / dim, col = i - qi * dim, h = col / (dim / heads);
    GLOBAL const float* p = v + scores + (h * queries + qi) * tokens;
    float acc = 0.0f;
    for (int j = 0; j < tokens; j++) acc = FMA(p[j], v[values + j * dim + col], acc);
    v[y + i] = acc;
}

// Binned action per dimension: the argmax bin's centre, or the softmax expectation of the bin centres in double,
// clamped to [low, high].
KERNEL void pol_bin_action(GLOBAL float* v, int x, int y, GLOBAL const float* low, GLOBAL const float* high,
                           int actions, int bins, int expectation)
{
    int d = GLOBAL_ID;
    if (d >= actions) return;
    GLOBAL const float* logits = v + x + d * bins;
    double lo = (double)low[d], width = DDIV(DSUB((double)high[d], lo), (double)bins);
    if (!expectation)
    {
        int best = 0;
        for (int k = 1; k < bins; k++) if (logits[k] > logits[best]) best = k;
        v[y + d] = (float)DADD(lo, DMUL((double)best + 0.5, width));
        return;
    }
    double m = (double)logits[0];
    for (int k = 1; k < bins; k++) m = fmax(m, (double)logits[k]);
    double sum = 0.0;
    for (int k = 0; k < bins; k++) sum = DADD(sum, DEXP(DSUB((double)logits[k], m)));
    double mean = 0.0;
    for (int k = 0; k < bins; k++)
        mean = DADD(mean, DMUL(DDIV(DEXP(DSUB((double)logits[k], m)), sum), DADD(lo, DMUL((double)k + 0.5, width))));
    float a = (float)mean;
    v[y + d] = CLAMP_TO(a, low[d], high[d]);
}
