using Qail.Engine;

namespace Qail.Runtime;

/// <summary>
/// A layer input's calibrated per-tensor quantization: codes clamp(round_half_even(x / Scale) + ZeroPoint, QMin, QMax).
/// </summary>
internal sealed record ActivationQuantization
{
    public ActivationQuantization(int bits, bool symmetric, float scale, int zeroPoint, string where)
    {
        if (bits is < 2 or > 8) throw new ArgumentException($"{where}: activation bits {bits} must lie in 2..8.");
        (Bits, Symmetric) = (bits, symmetric);
        if (!(scale > 0) || !float.IsFinite(scale))
            throw new ArgumentException($"{where}: activation scale {scale} must be finite and > 0.");
        if (zeroPoint < QMin || zeroPoint > QMax || (symmetric && zeroPoint != 0))
            throw new ArgumentException($"{where}: activation zero point {zeroPoint} does not fit "
                + $"{(symmetric ? "symmetric" : "asymmetric")} {bits}-bit codes {QMin}..{QMax}.");
        (Scale, ZeroPoint) = (scale, zeroPoint);
    }

    public int Bits { get; }
    public bool Symmetric { get; }
    public float Scale { get; }
    public int ZeroPoint { get; }
    public int QMin => Symmetric ? -(1 << (Bits - 1)) : 0;
    public int QMax => Symmetric ? (1 << (Bits - 1)) - 1 : (1 << Bits) - 1;

    public void Write(OpWriter writer, string prefix)
    {
        writer.Attribute($"{prefix}bits", Bits);
        writer.Attribute($"{prefix}symmetric", Symmetric);
        writer.Attribute($"{prefix}zero_point", ZeroPoint);
        writer.Tensor($"{prefix}scale", Tensor.From<float>([Scale], [1]));
    }

    public static ActivationQuantization Read(OpReader reader, string prefix)
    {
        int bits = reader.Int($"{prefix}bits", 2, 8);
        bool symmetric = reader.Bool($"{prefix}symmetric");
        int zero = reader.Int($"{prefix}zero_point", -128, 255);
        float scale = reader.Finite($"{prefix}scale", [1])[0];
        return new ActivationQuantization(bits, symmetric, scale, zero, reader.Where);
    }
}
