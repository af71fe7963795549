namespace Qail.Engine.Tests;

public class BadInputTests
{
    private static void ThrowsNaming<TException>(Action act, params string[] parts) where TException : Exception
    {
        var ex = Assert.ThrowsAny<TException>(act);
        foreach (var part in parts) Assert.Contains(part, ex.Message);
    }

    [Fact]
    public void BroadcastMismatchNamesOpAndShapes()
    {
        ThrowsNaming<ArgumentException>(() => Tensor.Add(Tensor.Zeros([2, 3]), Tensor.Zeros([4])), "Add", "[2, 3]",
            "[4]");
        ThrowsNaming<ArgumentException>(() => Tensor.Mul(Tensor.Zeros([2, 3]), Tensor.Zeros([3, 2])), "Mul", "[2, 3]",
            "[3, 2]");
        ThrowsNaming<ArgumentException>(() => Tensor.Lt(Tensor.Zeros([5]), Tensor.Zeros([2])), "Lt", "[5]", "[2]");
        ThrowsNaming<ArgumentException>(() =>
            Tensor.Where(Tensor.Zeros([3], DType.UInt8), Tensor.Zeros([2]), Tensor.Zeros([2])), "Where", "[3]", "[2]");
    }

    [Fact]
    public void DTypeMismatchNamesOpAndBothDTypes()
    {
        ThrowsNaming<ArgumentException>(() => Tensor.Add(Tensor.Zeros([2]), Tensor.Zeros([2], DType.Float64)), "Add",
            "float32", "float64");
        ThrowsNaming<ArgumentException>(() => Tensor.Eq(Tensor.Zeros([2], DType.Int32), Tensor.Zeros([2])), "Eq",
            "int32", "float32");
        ThrowsNaming<ArgumentException>(() => Tensor.Where(Tensor.Zeros([2]), Tensor.Zeros([2]), Tensor.Zeros([2])),
            "Where", "uint8", "float32");
        ThrowsNaming<ArgumentException>(() => Tensor.Zeros([2]).AddInPlace(Tensor.Zeros([2], DType.Float64)),
            "AddInPlace", "float32", "float64");
    }

    [Fact]
    public void UnsupportedDTypeNamesOpAndDType()
    {
        ThrowsNaming<ArgumentException>(() => Tensor.Zeros([2], DType.Int32).Exp(), "Exp", "int32");
        ThrowsNaming<ArgumentException>(() =>
            Tensor.Div(Tensor.Zeros([2], DType.Int32), Tensor.Zeros([2], DType.Int32)), "Div", "int32");
        ThrowsNaming<ArgumentException>(() => Tensor.Zeros([2], DType.UInt8).Sum(), "Sum", "uint8");
        ThrowsNaming<ArgumentException>(() => Tensor.Zeros([2], DType.Int32).Mean(), "Mean", "int32");
        ThrowsNaming<ArgumentException>(() => Tensor.Add(Tensor.Zeros([2], DType.Int32), 0.5), "Add", "0.5", "int32");
    }

    [Fact]
    public void OutOfRangeAxisNamesAxisAndRank()
    {
        ThrowsNaming<ArgumentOutOfRangeException>(() => Tensor.Zeros([2, 3]).Sum(2), "Sum", "axis 2", "rank 2");
        ThrowsNaming<ArgumentOutOfRangeException>(() => Tensor.Zeros([2, 3]).Softmax(-3), "Softmax", "axis -3");
        ThrowsNaming<ArgumentOutOfRangeException>(() => Tensor.Zeros([2, 3]).ArgMax(5), "ArgMax", "axis 5");
        ThrowsNaming<ArgumentOutOfRangeException>(() => Tensor.Concat([Tensor.Zeros([2])], 1), "Concat", "axis 1");
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        ThrowsNaming<ArgumentException>(() => Tensor.Zeros([2]).Clamp(1, 0), "Clamp", "1", "0");
        ThrowsNaming<ArgumentException>(() => Tensor.Zeros([2, 2]).Sum([0, 0]), "Sum", "twice");
        ThrowsNaming<ArgumentException>(() => Tensor.MatMul(Tensor.Scalar(1), Tensor.Zeros([2])), "MatMul", "rank");
        ThrowsNaming<InvalidOperationException>(() => Tensor.Zeros([1]).Expand(3).ScaleInPlace(2), "ScaleInPlace",
            "broadcast");
        ThrowsNaming<ArgumentException>(() => Tensor.Zeros([2]).AddInPlace(Tensor.Zeros([3])), "AddInPlace", "[2]",
            "[3]");
    }
}

public class DeviceTests
{
    // Storage that claims to live on a GPU: every op must refuse it rather than read host memory.
    private sealed class GpuStorage(long length) : Storage
    {
        public override DType DType => DType.Float32;
        public override long Length => length;
        public override Device Device => new(DeviceKind.Cuda);
    }

    [Fact]
    public void OpsRefuseNonCpuTensors()
    {
        var gpu = new Tensor(new GpuStorage(6), [2, 3]);
        var cpu = Tensor.Zeros([2, 3]);
        Action[] ops =
        [
            () => gpu.Exp(), () => Tensor.Add(gpu, cpu), () => gpu.Sum(), () => gpu.Softmax(1),
            () => Tensor.MatMul(gpu, cpu.T),
            () => gpu.IndexSelect(0, Tensor.From(new[] { 0 })), () => Tensor.Concat([cpu, gpu], 0),
            () => gpu.ScaleInPlace(2),
            () => Tensor.LayerNorm(gpu, 1, null, null),
            () => Tensor.Conv2d(gpu.Reshape(1, 1, 2, 3), Tensor.Zeros([1, 1, 1, 1]), null, Conv2dOptions.Uniform()),
        ];
        foreach (var op in ops)
        {
            var ex = Assert.Throws<InvalidOperationException>(op);
            Assert.Contains("needs a CPU tensor", ex.Message);
            Assert.Contains("cuda:0", ex.Message);
        }
    }
}
