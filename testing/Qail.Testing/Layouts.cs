namespace Qail.Testing;

/// <summary>Which memory layouts a generated tensor may take.</summary>
[Flags]
public enum Layouts
{
    /// <summary>A fresh contiguous tensor.</summary>
    Contiguous = 1,
    /// <summary>A permuted view of a contiguous tensor (strides out of order).</summary>
    Permuted = 2,
    /// <summary>A strided slice (step 2, maybe offset) of a larger tensor.</summary>
    Sliced = 4,
    /// <summary>Some size-1 dims broadcast to the target size with stride 0 (values repeat along them).</summary>
    Expanded = 8,
    /// <summary>Any layout, including combinations of permuted and sliced.</summary>
    Any = Contiguous | Permuted | Sliced | Expanded,
}
