using Qail.Kernels.Cpu;
using Qail.Kernels.Cuda;

namespace Qail.DeviceCheck;

/// <summary>
/// Every CUDA kernel against the CPU reference on seeded random inputs (never zeros). Integer outputs and
/// single-rounding float outputs must match bit for bit; sums whose order differs from the CPU's must lie within
/// the reassociation bound 2 (K + 2) 2^-24 sum |terms| (each order is within (K + 2) 2^-24 sum |terms| of the exact
/// sum). Shared by the device-check tool and the GPU test, so both run the same comparisons.
/// </summary>
public static class KernelChecks
{
    /// <summary>
    /// Runs all checks on <paramref name="device"/>; <paramref name="log"/> receives one line per check.
    /// </summary>
    public static List<CheckResult> RunAll(CudaDevice device, int seed, Action<string>? log)
    {
        ArgumentNullException.ThrowIfNull(device);
        var checks = new (string Name, Func<CudaDevice, Random, string?> Run)[]
        {
            ("quantize_groups == QuantizeLinear.PerGroup", Quantize),
            ("dequantize_groups == DequantizeLinear.PerGroup", Dequantize),
            ("int4_dequantize == GroupwiseInt4Weights.Dequantize", Int4Dequantize),
            ("int4_gemv (portable) ~ Int4Matmul Float", Int4GemvPortable),
            ("w4a16_gemv ~ Int4Matmul Float on fp16 x", W4A16Gemv),
            ("w4a16_gemm (tensor cores) ~ Int4Matmul Float on fp16 x", W4A16Gemm),
            ("fp16_gemv ~ fp64 dot", Fp16Gemv),
            ("int8_gemm int32 == Int8GemmReference, y == Int8Epilogue", Int8Gemm),
            ("quantize_dynamic == Int4Matmul.QuantizeActivations", QuantizeDynamic),
            ("W4A4 (int4_unpack + int8_gemm) ~ Int4Matmul Int4", W4A4),
            ("im2col == direct gather", Im2Col),
            ("layer_norm, softmax ~ fp64", Normalization),
            ("elementwise == Elementwise", ElementwiseOps),
        };
        var results = new List<CheckResult>();
        for (var index = 0; index < checks.Length; index++)
        {
            var (name, run) = checks[index];
            CheckResult result;
            try
            {
                // Each check draws from its own seeded stream, independent of how many values the others drew.
                var failure = run(device, new Random(unchecked(seed + 7919 * index)));
                result = new CheckResult(name, failure is null, failure ?? "ok");
            }
            catch (Exception e) when (e is CudaException or ArgumentException or InvalidOperationException)
            {
                result = new CheckResult(name, false, $"{e.GetType().Name}: {e.Message}");
            }
            results.Add(result);
            log?.Invoke($"{(result.Passed ? "PASS" : "FAIL")}  {name}  {result.Detail}");
        }
        return results;
    }

    // A nonzero value: magnitude in [0.0001, 8) times scale, random sign; a quarter sit on a half-way point k + 0.5.
    private static float Value(Random r, float scale)
    {
        var sign = r.Next(2) == 0 ? 1f : -1f;
        return r.Next(4) == 0 ? sign * (r.Next(200) + 0.5f) * scale : sign * (r.Next(1, 80_000) / 10_000f) * scale;
    }

    private static float[] Values(Random r, int n, float scale)
    {
        var v = new float[n];
        for (var i = 0; i < n; i++) v[i] = Value(r, scale);
        return v;
    }

    private static float[] Positive(Random r, int n, float low, float high)
    {
        var v = new float[n];
        for (var i = 0; i < n; i++) v[i] = low + (float)r.NextDouble() * (high - low);
        return v;
    }

    private static string? FirstBitDifference(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        for (var i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                return $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}";
        return null;
    }

    private static string? FirstDifference<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what)
        where T : unmanaged, IEquatable<T>
    {
        for (var i = 0; i < expected.Length; i++)
            if (!expected[i].Equals(actual[i])) return $"{what}[{i}]: expected {expected[i]}, got {actual[i]}";
        return null;
    }

    private static double Bound(int terms, double magnitude) =>
        2.0 * (terms + 2) * Math.Pow(2, -24) * magnitude + 1e-30;

    private static string? Quantize(CudaDevice d, Random r)
    {
        for (var trial = 0; trial < 20; trial++)
        {
            int rows = r.Next(1, 9), groupSize = r.Next(1, 70), cols = groupSize * r.Next(1, 5),
                groups = rows * cols / groupSize;
            var scales = Positive(r, groups, 0.001f, 0.4f);
            var zeros = Enumerable.Range(0, groups).Select(_ => r.Next(-20, 21)).ToArray();
            var x = Values(r, rows * cols, scales[0]);
            var expected = new sbyte[x.Length];
            QuantizeLinear.PerGroup(x, rows, cols, groupSize, scales, zeros, expected);
            using var gx = d.Upload<float>(x);
            using var gs = d.Upload<float>(scales);
            using var gz = d.Upload<int>(zeros);
            using var gq = d.Allocate(Qail.Engine.DType.Int8, x.Length);
            CudaQuantization.Quantize(gx, gs, gz, gq, x.Length, groupSize, -128, 127);
            var failure = FirstDifference<sbyte>(expected, d.Download<sbyte>(gq, x.Length), $"trial {trial} q");
            if (failure is not null) return failure;
        }
        return null;
    }

    private static string? Dequantize(CudaDevice d, Random r)
    {
        for (var trial = 0; trial < 20; trial++)
        {
            int rows = r.Next(1, 9), groupSize = r.Next(1, 70), cols = groupSize * r.Next(1, 5),
                groups = rows * cols / groupSize;
            var scales = Positive(r, groups, 1e-4f, 3f);
            var zeros = Enumerable.Range(0, groups).Select(_ => r.Next(-20, 21)).ToArray();
            var q = Enumerable.Range(0, rows * cols).Select(_ => (sbyte)(r.Next(1, 128) * (r.Next(2) == 0 ? 1 : -1)))
                .ToArray();
            var expected = new float[q.Length];
            QuantizeLinear.DequantizePerGroup(q, rows, cols, groupSize, scales, zeros, expected);
            using var gq = d.Upload<sbyte>(q);
            using var gs = d.Upload<float>(scales);
            using var gz = d.Upload<int>(zeros);
            using var gx = d.Allocate(Qail.Engine.DType.Float32, q.Length);
            CudaQuantization.Dequantize(gq, gs, gz, gx, q.Length, groupSize);
            var failure = FirstBitDifference(expected, d.Download<float>(gx, q.Length), $"trial {trial} x");
            if (failure is not null) return failure;
        }
        return null;
    }

    private static GroupwiseInt4Weights RandomInt4(Random r, int rows, int cols, int groupSize, bool symmetric)
        => GroupwiseInt4Weights.Quantize(Values(r, rows * cols, 0.01f), rows, cols, groupSize, symmetric);

    private static string? Int4Dequantize(CudaDevice d, Random r)
    {
        for (var trial = 0; trial < 12; trial++)
        {
            int groupSize = new[] { 32, 64, 128 }[r.Next(3)], rows = r.Next(1, 40), cols = groupSize * r.Next(1, 4);
            var w = RandomInt4(r, rows, cols, groupSize, trial % 2 == 0);
            var expected = new float[rows * cols];
            w.Dequantize(expected);
            using var gw = CudaInt4Weights.Upload(d, w);
            using var gout = d.Allocate(Qail.Engine.DType.Float32, expected.Length);
            CudaQuantization.DequantizeInt4(gw, gout);
            var failure = FirstBitDifference(expected, d.Download<float>(gout, expected.Length), $"trial {trial} w");
            if (failure is not null) return failure;
        }
        return null;
    }

    private static string? CompareGemv(GroupwiseInt4Weights w, float[] x, int batch, float[] bias, float[] actual,
        string what, double boundFactor = 1)
    {
        int n = w.Rows, k = w.Columns;
        var expected = new float[batch * n];
        Int4Matmul.Multiply(new PackedInt4Weights(w), x, batch, expected, bias, Int4ActivationMode.Float);
        var dense = new float[n * k];
        w.Dequantize(dense);
        for (var b = 0; b < batch; b++)
            for (var j = 0; j < n; j++)
            {
                double magnitude = Math.Abs(bias[j]);
                for (var i = 0; i < k; i++) magnitude += Math.Abs((double)dense[j * k + i] * x[b * k + i]);
                var e = expected[b * n + j];
                var a = actual[b * n + j];
                if (!(Math.Abs(e - a) <= boundFactor * Bound(k, magnitude)))
                    return $"{what} y[{b}, {j}]: CPU {e:R}, GPU {a:R}, bound {boundFactor * Bound(k, magnitude):E2}";
            }
        return null;
    }

    private static string? Int4GemvPortable(CudaDevice d, Random r)
    {
        for (var trial = 0; trial < 12; trial++)
        {
            int groupSize = new[] { 32, 64, 128 }[r.Next(3)], rows = r.Next(1, 70), cols = groupSize * r.Next(1, 5),
                batch = r.Next(1, 9);
            var w = RandomInt4(r, rows, cols, groupSize, trial % 2 == 0);
            var x = Values(r, batch * cols, 0.1f);
            var bias = Values(r, rows, 0.1f);
            using var gw = CudaInt4Weights.Upload(d, w);
            using var gx = d.Upload<float>(x);
            using var gb = d.Upload<float>(bias);
            using var gy = d.Allocate(Qail.Engine.DType.Float32, batch * rows);
            CudaGemv.Int4Float(gw, gx, batch, gy, gb);
            var failure = CompareGemv(w, x, batch, bias, d.Download<float>(gy, batch * rows), $"trial {trial}");
            if (failure is not null) return failure;
        }
        return null;
    }

    private static string? W4A16Gemv(CudaDevice d, Random r)
    {
        for (var trial = 0; trial < 12; trial++)
        {
            int groupSize = new[] { 32, 64, 128 }[r.Next(3)], rows = r.Next(1, 300), cols = groupSize * r.Next(1, 9),
                batch = r.Next(1, 9);
            var w = RandomInt4(r, rows, cols, groupSize, trial % 2 == 1);
            var halves = Values(r, batch * cols, 0.1f).Select(v => (Half)v).ToArray();
            var x = halves.Select(h => (float)h).ToArray(); // the fp16 activations, exactly, as the CPU's fp32 input
            var bias = Values(r, rows, 0.1f);
            using var gw = CudaInt4Weights.Upload(d, w);
            using var gx = d.Upload<Half>(halves);
            using var gb = d.Upload<float>(bias);
            using var gy = d.Allocate(Qail.Engine.DType.Float32, batch * rows);
            CudaGemv.W4A16(gw, gx, batch, gy, gb);
            var failure = CompareGemv(w, x, batch, bias, d.Download<float>(gy, batch * rows), $"trial {trial}");
            if (failure is not null) return failure;
        }
        return null;
    }

    // Tensor-core fp32 accumulation may truncate instead of rounding to nearest, up to one ulp per addition instead of
    // half an ulp, so the bound doubles.
    private static string? W4A16Gemm(CudaDevice d, Random r)
    {
        for (var trial = 0; trial < 10; trial++)
        {
            int groupSize = new[] { 32, 64, 128 }[r.Next(3)], rows = r.Next(1, 200), cols = groupSize * r.Next(1, 6),
                batch = r.Next(1, 70);
            var w = RandomInt4(r, rows, cols, groupSize, trial % 2 == 1);
            var halves = Values(r, batch * cols, 0.1f).Select(v => (Half)v).ToArray();
            var x = halves.Select(h => (float)h).ToArray();
            var bias = Values(r, rows, 0.1f);
            using var gw = CudaInt4Weights.Upload(d, w);
            using var gx = d.Upload<Half>(halves);
            using var gb = d.Upload<float>(bias);
            using var gy = d.Allocate(Qail.Engine.DType.Float32, batch * rows);
            CudaInt4Matmul.W4A16Gemm(gw, gx, batch, gy, gb);
            var failure = CompareGemv(w, x, batch, bias, d.Download<float>(gy, batch * rows),
                $"trial {trial} (M {batch}, N {rows}, K {cols})", boundFactor: 2);
            if (failure is not null) return failure;
        }
        return null;
    }

    private static string? Fp16Gemv(CudaDevice d, Random r)
    {
        for (var trial = 0; trial < 8; trial++)
        {
            int rows = r.Next(1, 200), cols = 8 * r.Next(1, 100), batch = r.Next(1, 9);
            var w = Values(r, rows * cols, 0.01f).Select(v => (Half)v).ToArray();
            var x = Values(r, batch * cols, 0.1f).Select(v => (Half)v).ToArray();
            using var gw = d.Upload<Half>(w);
            using var gx = d.Upload<Half>(x);
            using var gy = d.Allocate(Qail.Engine.DType.Float32, batch * rows);
            CudaGemv.Fp16(gw, rows, cols, gx, batch, gy);
            var y = d.Download<float>(gy, batch * rows);
            for (var b = 0; b < batch; b++)
                for (var j = 0; j < rows; j++)
                {
                    double exact = 0, magnitude = 0;
                    for (var i = 0; i < cols; i++)
                    {
                        var p = (double)(float)w[j * cols + i] * (float)x[b * cols + i];
                        exact += p;
                        magnitude += Math.Abs(p);
                    }
                    if (!(Math.Abs(exact - y[b * rows + j]) <= Bound(cols, magnitude) / 2))
                        return $"trial {trial} y[{b}, {j}]: exact {exact:R}, GPU {y[b * rows + j]:R}";
                }
        }
        return null;
    }

    private static string? Int8Gemm(CudaDevice d, Random r)
    {
        for (var trial = 0; trial < 16; trial++)
        {
            int m = r.Next(1, 40), n = r.Next(1, 90), k = trial % 2 == 0 ? 32 * r.Next(1, 9) : r.Next(1, 300);
            var a = Enumerable.Range(0, m * k).Select(_ => (sbyte)(r.Next(1, 128) * (r.Next(2) == 0 ? 1 : -1)))
                .ToArray();
            var w = Enumerable.Range(0, n * k).Select(_ => (sbyte)(r.Next(1, 128) * (r.Next(2) == 0 ? 1 : -1)))
                .ToArray();
            var sa = Positive(r, m, 1e-3f, 0.1f);
            var sw = Positive(r, n, 1e-3f, 0.1f);
            var bias = Values(r, n, 1f);
            var relu = trial % 4 >= 2;
            var c = new int[m * n];
            Int8GemmReference.Multiply(a, m, 0, w, n, k, [], c);
            var y = new float[m * n];
            for (var i = 0; i < m; i++)
                Int8Epilogue.Rescale(c.AsSpan(i * n, n), 1, n, sa[i], sw, bias, relu, y.AsSpan(i * n, n));
            using var ga = d.Upload<sbyte>(a);
            using var gw = d.Upload<sbyte>(w);
            using var gsa = d.Upload<float>(sa);
            using var gsw = d.Upload<float>(sw);
            using var gb = d.Upload<float>(bias);
            using var gc = d.Allocate(Qail.Engine.DType.Int32, m * n);
            using var gy = d.Allocate(Qail.Engine.DType.Float32, m * n);
            CudaInt8Gemm.Multiply(ga, gw, gsa, gsw, m, n, k, k, gy, gc, gb, relu);
            var failure = FirstDifference<int>(c, d.Download<int>(gc, m * n), $"trial {trial} (M {m}, N {n}, K {k}) C")
                          ?? FirstBitDifference(y, d.Download<float>(gy, m * n),
                              $"trial {trial} (M {m}, N {n}, K {k}) y");
            if (failure is not null) return failure;
        }
        return null;
    }

    private static string? QuantizeDynamic(CudaDevice d, Random r)
    {
        for (var trial = 0; trial < 12; trial++)
        {
            int rows = r.Next(1, 9), groupSize = trial % 2 == 0 ? 32 * r.Next(1, 5) : r.Next(1, 500),
                qMax = trial % 3 == 0 ? 7 : 127;
            var x = Values(r, rows * groupSize, 0.05f);
            var q = new sbyte[x.Length];
            var scales = new float[rows];
            var sums = new int[rows];
            Int4Matmul.QuantizeActivations(x, rows, groupSize, groupSize, qMax, q, scales, sums);
            using var gx = d.Upload<float>(x);
            using var gq = d.Allocate(Qail.Engine.DType.Int8, x.Length);
            using var gs = d.Allocate(Qail.Engine.DType.Float32, rows);
            CudaQuantization.QuantizeDynamic(gx, gq, gs, rows, groupSize, qMax);
            var failure = FirstDifference<sbyte>(q, d.Download<sbyte>(gq, x.Length), $"trial {trial} q")
                          ?? FirstBitDifference(scales, d.Download<float>(gs, rows), $"trial {trial} scale");
            if (failure is not null) return failure;
        }
        return null;
    }

    private static string? W4A4(CudaDevice d, Random r)
    {
        for (var trial = 0; trial < 10; trial++)
        {
            int groupSize = new[] { 32, 64, 128 }[r.Next(3)], n = r.Next(1, 90), k = groupSize * r.Next(1, 5),
                m = r.Next(1, 20), groups = k / groupSize;
            var w = RandomInt4(r, n, k, groupSize, symmetric: true);
            var x = Values(r, m * k, 0.1f);
            var expected = new float[m * n];
            Int4Matmul.Multiply(new PackedInt4Weights(w), x, m, expected, default, Int4ActivationMode.Int4);
            var qx = new sbyte[m * k];
            var sx = new float[m * groups];
            Int4Matmul.QuantizeActivations(x, m, k, groupSize, 7, qx, sx, new int[m * groups]);
            using var gw = CudaInt4Weights.Upload(d, w);
            using var gw8 = d.Allocate(Qail.Engine.DType.Int8, n * k);
            CudaQuantization.UnpackInt4(gw.Codes, gw8, n * k);
            var codes = d.Download<sbyte>(gw8, n * k);
            for (var i = 0; i < n * k; i++)
                if (codes[i] != w.Code(i / k, i % k))
                    return $"trial {trial} unpacked code[{i}]: expected {w.Code(i / k, i % k)}, got {codes[i]}";
            using var gx = d.Upload<float>(x);
            using var gq = d.Allocate(Qail.Engine.DType.Int8, m * k);
            using var gsx = d.Allocate(Qail.Engine.DType.Float32, m * groups);
            CudaQuantization.QuantizeDynamic(gx, gq, gsx, m * groups, groupSize, 7);
            using var gy = d.Allocate(Qail.Engine.DType.Float32, m * n);
            CudaInt8Gemm.Multiply(gq, gw8, gsx, gw.Scales, m, n, k, groupSize, gy);
            var y = d.Download<float>(gy, m * n);
            for (var i = 0; i < m; i++)
                for (var j = 0; j < n; j++)
                {
                    double magnitude = 0;
                    for (var g = 0; g < groups; g++)
                    {
                        long dot = 0;
                        for (var t = g * groupSize; t < (g + 1) * groupSize; t++)
                            dot += Math.Abs(qx[i * k + t] * w.Code(j, t));
                        magnitude += (double)sx[i * groups + g] * w.Scales[j * groups + g] * dot;
                    }
                    // Integer dot products are exact on both sides; only the fp32 folding of groups differs in order.
                    if (!(Math.Abs(expected[i * n + j] - y[i * n + j]) <= Bound(2 * groups, magnitude)))
                        return $"trial {trial} y[{i}, {j}]: CPU {expected[i * n + j]:R}, GPU {y[i * n + j]:R}";
                }
        }
        return null;
    }

    private static string? Im2Col(CudaDevice d, Random r)
    {
        for (var trial = 0; trial < 8; trial++)
        {
            int batch = r.Next(1, 3), c = r.Next(1, 4), h = r.Next(3, 12), wd = r.Next(3, 12), kh = r.Next(1, 4),
                kw = r.Next(1, 4);
            int sh = r.Next(1, 3), sw = r.Next(1, 3), ph = r.Next(0, 2), pw = r.Next(0, 2);
            int oh = (h + 2 * ph - kh) / sh + 1, ow = (wd + 2 * pw - kw) / sw + 1, patch = c * kh * kw;
            var x = Values(r, batch * c * h * wd, 1f);
            var expected = new float[batch * oh * ow * patch];
            for (var b = 0; b < batch; b++)
                for (var oy = 0; oy < oh; oy++)
                    for (var ox = 0; ox < ow; ox++)
                        for (var ch = 0; ch < c; ch++)
                            for (var ky = 0; ky < kh; ky++)
                                for (var kx = 0; kx < kw; kx++)
                                {
                                    int iy = oy * sh - ph + ky, ix = ox * sw - pw + kx;
                                    expected[((b * oh + oy) * ow + ox) * patch + (ch * kh + ky) * kw + kx] =
                                        iy >= 0 && iy < h && ix >= 0 && ix < wd
                                            ? x[((b * c + ch) * h + iy) * wd + ix] : 0f;
                                }
            using var gx = d.Upload<float>(x);
            using var gp = d.Allocate(Qail.Engine.DType.Float32, expected.Length);
            CudaLayers.Im2Col(gx, gp, batch, c, h, wd, kh, kw, sh, sw, ph, pw);
            var failure = FirstBitDifference(expected, d.Download<float>(gp, expected.Length),
                $"trial {trial} patches");
            if (failure is not null) return failure;
        }
        return null;
    }

    private static string? Normalization(CudaDevice d, Random r)
    {
        for (var trial = 0; trial < 8; trial++)
        {
            int rows = r.Next(1, 20), cols = r.Next(2, 700);
            var x = Values(r, rows * cols, 0.5f);
            var gamma = Values(r, cols, 1f);
            var beta = Values(r, cols, 1f);
            using var gx = d.Upload<float>(x);
            using var gg = d.Upload<float>(gamma);
            using var gb = d.Upload<float>(beta);
            using var gy = d.Allocate(Qail.Engine.DType.Float32, rows * cols);
            CudaLayers.LayerNorm(gx, gg, gb, gy, rows, cols);
            var ln = d.Download<float>(gy, rows * cols);
            CudaLayers.Softmax(gx, gy, rows, cols);
            var sm = d.Download<float>(gy, rows * cols);
            for (var i = 0; i < rows; i++)
            {
                var row = x.AsSpan(i * cols, cols).ToArray().Select(v => (double)v).ToArray();
                double mean = row.Average(), variance = row.Select(v => (v - mean) * (v - mean)).Average(),
                    inv = 1 / Math.Sqrt(variance + 1e-5);
                double max = row.Max(), sum = row.Sum(v => Math.Exp(v - max));
                for (var j = 0; j < cols; j++)
                {
                    var expectedLn = (row[j] - mean) * inv * gamma[j] + beta[j];
                    // fp32 sums of `cols` terms and rsqrt (2 ulp): relative error about cols * 2^-24 on the normalised
                    // value.
                    var lnTolerance = (cols + 8) * Math.Pow(2, -23)
                        * (Math.Abs((row[j] - mean) * inv * gamma[j]) + Math.Abs(beta[j]) + 1);
                    if (!(Math.Abs(ln[i * cols + j] - expectedLn) <= lnTolerance))
                        return $"trial {trial} layer_norm[{i}, {j}]: fp64 {expectedLn:R}, GPU {ln[i * cols + j]:R}";
                    var expectedSm = Math.Exp(row[j] - max) / sum;
                    if (!(Math.Abs(sm[i * cols + j] - expectedSm) <= (cols + 8) * Math.Pow(2, -22) * expectedSm + 1e-9))
                        return $"trial {trial} softmax[{i}, {j}]: fp64 {expectedSm:R}, GPU {sm[i * cols + j]:R}";
                }
            }
        }
        return null;
    }

    private static string? ElementwiseOps(CudaDevice d, Random r)
    {
        for (var trial = 0; trial < 6; trial++)
        {
            int rows = r.Next(1, 30), cols = r.Next(1, 200), n = rows * cols;
            var a = Values(r, n, 0.25f);
            var b = Values(r, n, 0.5f);
            var bias = Values(r, cols, 1f);
            var alpha = Value(r, 1f);
            using var ga = d.Upload<float>(a);
            using var gb = d.Upload<float>(b);
            using var gbias = d.Upload<float>(bias);
            using var gy = d.Allocate(Qail.Engine.DType.Float32, n);
            var expected = new float[n];
            string? Compare(string what) =>
                FirstBitDifference(expected, d.Download<float>(gy, n), $"trial {trial} {what}");
            Elementwise.Add(a, b, expected);
            CudaLayers.Add(ga, gb, gy, n);
            var failure = Compare("add");
            Elementwise.Subtract(a, b, expected);
            CudaLayers.Subtract(ga, gb, gy, n);
            failure ??= Compare("sub");
            Elementwise.Multiply(a, b, expected);
            CudaLayers.Multiply(ga, gb, gy, n);
            failure ??= Compare("mul");
            Elementwise.Scale(a, alpha, expected);
            CudaLayers.Scale(ga, alpha, gy, n);
            failure ??= Compare("scale");
            Elementwise.Relu(a, expected);
            CudaLayers.Relu(ga, gy, n);
            failure ??= Compare("relu");
            for (var i = 0; i < n; i++) expected[i] = a[i] + bias[i % cols];
            CudaLayers.AddBias(ga, gbias, gy, rows, cols);
            failure ??= Compare("add_bias");
            if (failure is not null) return failure;
        }
        return null;
    }
}
