namespace Qail.Import;

/// <summary>
/// One tensor of a PyTorch state dict, widened to float32 (from F32, F64, F16 or BF16) in row-major order.
/// </summary>
public sealed record TorchTensor(string Name, string DType, int[] Shape, float[] Values)
{
    /// <summary>Elements in the tensor.</summary>
    public long ElementCount => Values.LongLength;
}
