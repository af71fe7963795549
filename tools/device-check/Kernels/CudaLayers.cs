using Qail.Kernels.Cuda;

namespace Qail.DeviceCheck;

/// <summary>
/// The non-GEMM layers the policies need on the GPU: im2col for convolution, layer norm, softmax, elementwise.
/// </summary>
public static class CudaLayers
{
    /// <summary>
    /// im2col of NCHW input x into patches [batch*outH*outW, C*KH*KW] (column order c, kh, kw), so a GEMM with the
    /// weights [OC, C*KH*KW] gives NHWC output. Returns (outH, outW).
    /// </summary>
    public static (int OutHeight, int OutWidth) Im2Col(CudaStorage x, CudaStorage patches, int batch, int channels,
        int height, int width,
        int kernelH, int kernelW, int strideH = 1, int strideW = 1, int padH = 0, int padW = 0)
    {
        const string op = "CudaLayers.Im2Col";
        if (batch < 1 || channels < 1 || height < 1 || width < 1 || kernelH < 1 || kernelW < 1 || strideH < 1
            || strideW < 1 || padH < 0 || padW < 0)
            throw new ArgumentException($"{op}: bad shape batch {batch}, C {channels}, H {height}, W {width}, kernel "
                + $"{kernelH}x{kernelW}, stride {strideH}x{strideW}, pad {padH}x{padW}.", nameof(batch));
        int outH = (height + 2 * padH - kernelH) / strideH + 1, outW = (width + 2 * padW - kernelW) / strideW + 1;
        if (outH < 1 || outW < 1)
            throw new ArgumentException(
                $"{op}: kernel {kernelH}x{kernelW} does not fit input {height}x{width} with pad {padH}x{padW}.",
                nameof(kernelH));
        long total = (long)batch * outH * outW * channels * kernelH * kernelW;
        LaunchShape.Need(x, 4L * batch * channels * height * width, op, nameof(x));
        LaunchShape.Need(patches, 4L * total, op, nameof(patches));
        x.Owner.Launch("conv.cu", "im2col", LaunchShape.ThreadPerElement(total), LaunchShape.Block,
            x, patches, batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, outH, outW);
        return (outH, outW);
    }

    /// <summary>Layer norm over the last dimension of x [rows, cols] with gamma, beta [cols].</summary>
    public static void LayerNorm(CudaStorage x, CudaStorage gamma, CudaStorage beta, CudaStorage y, int rows, int cols,
        float eps = 1e-5f)
    {
        CheckRows("CudaLayers.LayerNorm", x, y, rows, cols);
        LaunchShape.Need(gamma, 4L * cols, "CudaLayers.LayerNorm", nameof(gamma));
        LaunchShape.Need(beta, 4L * cols, "CudaLayers.LayerNorm", nameof(beta));
        if (!(eps > 0))
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "CudaLayers.LayerNorm: eps must be > 0.");
        x.Owner.Launch("normalization.cu", "layer_norm", LaunchShape.WarpPerRow(rows), LaunchShape.Block, x, gamma,
            beta, y, rows, cols, eps);
    }

    /// <summary>Softmax over the last dimension of x [rows, cols].</summary>
    public static void Softmax(CudaStorage x, CudaStorage y, int rows, int cols)
    {
        CheckRows("CudaLayers.Softmax", x, y, rows, cols);
        x.Owner.Launch("normalization.cu", "softmax", LaunchShape.WarpPerRow(rows), LaunchShape.Block, x, y, rows,
            cols);
    }

    /// <summary>y = a + b.</summary>
    public static void Add(CudaStorage a, CudaStorage b, CudaStorage y, int n) => Binary("ew_add", a, b, y, n);
    /// <summary>y = a - b.</summary>
    public static void Subtract(CudaStorage a, CudaStorage b, CudaStorage y, int n) => Binary("ew_sub", a, b, y, n);
    /// <summary>y = a * b.</summary>
    public static void Multiply(CudaStorage a, CudaStorage b, CudaStorage y, int n) => Binary("ew_mul", a, b, y, n);

    /// <summary>y = a * alpha.</summary>
    public static void Scale(CudaStorage a, float alpha, CudaStorage y, int n)
    {
        CheckRows("CudaLayers.Scale", a, y, 1, n);
        a.Owner.Launch(KernelSource.PortableFile, "ew_scale", LaunchShape.ThreadPerElement(n), LaunchShape.Block, a,
            alpha, y, n);
    }

    /// <summary>y = max(a, 0) (NaN stays NaN).</summary>
    public static void Relu(CudaStorage a, CudaStorage y, int n)
    {
        CheckRows("CudaLayers.Relu", a, y, 1, n);
        a.Owner.Launch(KernelSource.PortableFile, "ew_relu", LaunchShape.ThreadPerElement(n), LaunchShape.Block, a, y,
            n);
    }

    /// <summary>y[r, c] = x[r, c] + bias[c].</summary>
    public static void AddBias(CudaStorage x, CudaStorage bias, CudaStorage y, int rows, int cols)
    {
        CheckRows("CudaLayers.AddBias", x, y, rows, cols);
        LaunchShape.Need(bias, 4L * cols, "CudaLayers.AddBias", nameof(bias));
        x.Owner.Launch(KernelSource.PortableFile, "ew_add_bias", LaunchShape.ThreadPerElement((long)rows * cols),
            LaunchShape.Block, x, bias, y, rows, cols);
    }

    private static void Binary(string kernel, CudaStorage a, CudaStorage b, CudaStorage y, int n)
    {
        CheckRows("CudaLayers." + kernel, a, y, 1, n);
        LaunchShape.Need(b, 4L * n, "CudaLayers." + kernel, nameof(b));
        a.Owner.Launch(KernelSource.PortableFile, kernel, LaunchShape.ThreadPerElement(n), LaunchShape.Block, a, b, y,
            n);
    }

    private static void CheckRows(string op, CudaStorage x, CudaStorage y, int rows, int cols)
    {
        if (rows < 1 || cols < 1)
            throw new ArgumentException($"{op}: rows {rows} and cols {cols} must be >= 1.", nameof(rows));
        LaunchShape.Need(x, 4L * rows * cols, op, nameof(x));
        LaunchShape.Need(y, 4L * rows * cols, op, nameof(y));
    }
}
