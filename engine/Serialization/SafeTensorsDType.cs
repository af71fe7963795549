using Qail.Engine;

namespace Qail.Engine.Serialization;

/// <summary>The dtype strings of the safetensors format, as the Python library writes them.</summary>
public static class SafeTensorsDType
{
    /// <summary>The safetensors name of an engine dtype; int4-packed has none and throws.</summary>
    public static string Name(DType dtype) => dtype switch
    {
        DType.Float32 => "F32",
        DType.Float64 => "F64",
        DType.Int32 => "I32",
        DType.Int8 => "I8",
        DType.UInt8 => "U8",
        _ => throw new ArgumentException($"dtype {dtype.Name()} has no safetensors representation.", nameof(dtype)),
    };

    /// <summary>
    /// Parses a safetensors dtype name; false for names this engine does not hold (F16, BF16, BOOL, ...).
    /// </summary>
    public static bool TryParse(string name, out DType dtype)
    {
        switch (name)
        {
            case "F32": dtype = DType.Float32; return true;
            case "F64": dtype = DType.Float64; return true;
            case "I32": dtype = DType.Int32; return true;
            case "I8": dtype = DType.Int8; return true;
            case "U8": dtype = DType.UInt8; return true;
            default: dtype = default; return false;
        }
    }

    /// <summary>Bytes per element.</summary>
    public static int Size(DType dtype) => dtype.BitsPerElement() / 8;
}
