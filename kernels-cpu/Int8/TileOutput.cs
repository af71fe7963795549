namespace Qail.Kernels.Cpu;

/// <summary>
/// Where the tiles of <see cref="Vnni512Gemm"/> go: the int32 sums into C, or, with <see cref="Y"/> set, straight
/// to floats by <see cref="Int8RescaleRows"/> while the tile is in L1 (C is then not written).
/// </summary>
internal unsafe struct TileOutput
{
    /// <summary>C[m, N] of int32 sums (when <see cref="Y"/> is null).</summary>
    public int* C;
    /// <summary>y[m, N] = (float)C * Scales[n] (+ Bias[n]) (then max(y, 0)), or null.</summary>
    public float* Y;
    /// <summary>The per-output factors aScale * wScale[n].</summary>
    public float* Scales;
    /// <summary>The bias, or null.</summary>
    public float* Bias;
    /// <summary>True when a ReLU follows.</summary>
    public bool Relu;
    /// <summary>The caller's float lane width (workers may run under another thread's cap).</summary>
    public FloatLaneWidth Lanes;
}
