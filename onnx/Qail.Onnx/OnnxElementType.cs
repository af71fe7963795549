namespace Qail.Onnx;

/// <summary>ONNX TensorProto.DataType values used by Qail's models.</summary>
public enum OnnxElementType
{
    /// <summary>32-bit float.</summary>
    Float = 1,
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 2,
    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 3,
    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 6,
    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 7,
    /// <summary>64-bit float.</summary>
    Double = 11,
    /// <summary>4-bit unsigned, two per byte, low nibble first (opset 21).</summary>
    UInt4 = 21,
    /// <summary>4-bit signed, two per byte, low nibble first (opset 21).</summary>
    Int4 = 22,
}
