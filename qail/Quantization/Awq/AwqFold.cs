using Qail.Autograd;
using Qail.Engine;
using Qail.Nn;

namespace Qail.Quantization;

/// <summary>
/// A producer of a layer's input that absorbs 1/s on its output channels, so that scaling the reader's weight
/// columns by s leaves the network's function unchanged. Positive per-channel scales commute with ReLU.
/// </summary>
internal sealed class AwqFold
{
    private readonly Action<double[]> _divide;

    private AwqFold(string path, int channels, string? weightLayer, Action<double[]> divide) =>
        (Path, Channels, WeightLayer, _divide) = (path, channels, weightLayer, divide);

    /// <summary>Module path (or buffer name) of the producer.</summary>
    public string Path { get; }

    /// <summary>
    /// The weight layer whose rows end up holding 1/s (a batch norm's convolution, folded before quantization), or
    /// null.
    /// </summary>
    public string? WeightLayer { get; }

    /// <summary>Number of output channels it scales.</summary>
    public int Channels { get; }

    /// <summary>Divides output channel c by <paramref name="scales"/>[c].</summary>
    public void DivideOutputs(double[] scales)
    {
        if (scales.Length != Channels)
            throw new ArgumentException($"AwqFold {Path}: {scales.Length} scales for {Channels} channels.",
                nameof(scales));
        _divide(scales);
    }

    /// <summary>A Linear's rows and bias: its output channel c becomes y_c / s_c.</summary>
    public static AwqFold Rows(string path, Linear layer) => new(path, layer.OutFeatures, path, scales =>
    {
        var inverse = Inverse(scales);
        ScaleAxis(layer.Weight.Value, 0, inverse);
        if (layer.Bias is Variable bias) ScaleAxis(bias.Value, 0, inverse);
    });

    /// <summary>
    /// A per-channel affine map (BatchNorm or LayerNorm gamma and beta): both divided by s;
    /// <paramref name="weightLayer"/> as <see cref="WeightLayer"/>.
    /// </summary>
    public static AwqFold Affine(string path, Variable gamma, Variable beta, string? weightLayer = null) =>
        new(path, gamma.Value.Size(0), weightLayer, scales =>
    {
        var inverse = Inverse(scales);
        ScaleAxis(gamma.Value, 0, inverse);
        ScaleAxis(beta.Value, 0, inverse);
    });

    /// <summary>A normalisation divisor buffer ((x - mean) / std): std multiplied by s.</summary>
    public static AwqFold Divisor(string path, Tensor std) =>
        new(path, std.Size(0), null, scales => ScaleAxis(std, 0, scales));

    /// <summary>
    /// Multiplies <paramref name="tensor"/> in place by <paramref name="factors"/> along <paramref name="axis"/>.
    /// </summary>
    public static void ScaleAxis(Tensor tensor, int axis, double[] factors)
    {
        if (tensor.Size(axis) != factors.Length)
            throw new ArgumentException(
                $"AwqFold: {factors.Length} factors for axis {axis} of {Shapes.Format(tensor.ShapeSpan)}.",
                nameof(factors));
        (tensor * Broadcast(factors, tensor.Rank, axis, tensor.DType)).CopyTo(tensor);
    }

    /// <summary>
    /// The factors shaped [1, .., n, .., 1] to broadcast along <paramref name="axis"/> of a
    /// rank-<paramref name="rank"/> tensor.
    /// </summary>
    public static Tensor Broadcast(double[] factors, int rank, int axis, DType dtype)
    {
        var shape = Enumerable.Repeat(1, rank).ToArray();
        shape[axis] = factors.Length;
        return Tensor.From<double>(factors, shape).Cast(dtype);
    }

    private static double[] Inverse(double[] scales) => scales.Select(s => 1 / s).ToArray();
}
