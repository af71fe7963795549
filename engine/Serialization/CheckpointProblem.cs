namespace Qail.Engine.Serialization;

/// <summary>What was wrong with a checkpoint file or with its fit to a module.</summary>
public enum CheckpointProblem
{
    /// <summary>The file is shorter than its 8-byte header length, or its data ends early.</summary>
    Truncated,
    /// <summary>The declared header length exceeds the bound or the file length.</summary>
    HeaderLength,
    /// <summary>The header is not well-formed JSON of the expected structure.</summary>
    MalformedHeader,
    /// <summary>A tensor's dtype string is not one this engine reads (F32, F64, I32, I8, U8).</summary>
    UnknownDType,
    /// <summary>A tensor's shape is negative or too large.</summary>
    InvalidShape,
    /// <summary>A tensor's data offsets lie outside the data section or are reversed.</summary>
    OffsetsOutOfRange,
    /// <summary>Two tensors' byte ranges overlap.</summary>
    OverlappingOffsets,
    /// <summary>A tensor's byte range does not equal element count times element size.</summary>
    ByteLengthMismatch,
    /// <summary>A tensor's shape differs from the module's.</summary>
    ShapeMismatch,
    /// <summary>A tensor's dtype differs from the module's.</summary>
    DTypeMismatch,
    /// <summary>The module has state the file lacks (strict loading).</summary>
    MissingKeys,
    /// <summary>The file has tensors the module lacks (strict loading).</summary>
    UnexpectedKeys,
}
