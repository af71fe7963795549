using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Autograd;
using Qail.Engine;
using Qail.Engine.Serialization;
using Qail.Nn.Checkpoints;

namespace Qail.Nn.Tests.Checkpoints;

public sealed class ModuleCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qail-ckpt").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Sequential Model(long seed, int hidden = 4) => new(
        new Conv2d(1, hidden, 3, Init.DeriveSeed(seed, 0), padding: 1),
        new BatchNorm2d(hidden),
        new ReLU(),
        new GlobalAvgPool2d(),
        new Linear(hidden, 2, Init.DeriveSeed(seed, 1)));

    private static byte[][] Snapshot(Module m) =>
        m.StateDict().Select(s => SafeTensors.Serialize([new("x", s.Value)])).ToArray();

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public void ModuleRoundTripIsBitExactIncludingBuffers()
    {
        var source = Model(1);
        source.Forward(Variable.Constant(Tensor.RandomNormal([3, 1, 4, 4], 2))); // non-trivial running statistics
        string path = PathOf("model.safetensors");
        Checkpoint.Save(source, path, new Dictionary<string, string> { ["family"] = "cnn" });
        var target = Model(99);
        var result = Checkpoint.Load(target, path);
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Equal(Snapshot(source), Snapshot(target));
        Assert.Equal("cnn", SafeTensors.Load(path).Metadata["family"]);
    }

    [Fact]
    public void LoadKeepsParameterIdentitySoOptimizersStayAttached()
    {
        var target = Model(3);
        var before = target.Parameters().ToArray();
        string path = PathOf("m.safetensors");
        Checkpoint.Save(Model(4), path);
        Checkpoint.Load(target, path);
        Assert.Equal(before, target.Parameters().ToArray());
    }

    private void AssertRejectedAndIntact(string path, CheckpointProblem problem, string? tensorName = null,
        bool strict = true)
    {
        var target = Model(5);
        var before = Snapshot(target);
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(target, path, strict));
        Assert.Equal(problem, e.Problem);
        if (tensorName is not null)
        {
            Assert.Equal(tensorName, e.TensorName);
            Assert.Contains(tensorName, e.Message);
        }
        Assert.Equal(before, Snapshot(target));
    }

    [Fact]
    public void WrongShapeIsNamedAndLeavesTheModuleIntact()
    {
        string path = PathOf("wide.safetensors");
        Checkpoint.Save(Model(6, hidden: 5), path);
        AssertRejectedAndIntact(path, CheckpointProblem.ShapeMismatch, "0.weight");
    }

    [Fact]
    public void WrongDTypeIsNamedAndLeavesTheModuleIntact()
    {
        string path = PathOf("f64.safetensors");
        var state = Model(7).StateDict().Select(s =>
            new KeyValuePair<string, Tensor>(s.Key, s.Key == "4.bias" ? s.Value.Cast(DType.Float64) : s.Value));
        SafeTensors.Save(path, state);
        AssertRejectedAndIntact(path, CheckpointProblem.DTypeMismatch, "4.bias");
    }

    [Fact]
    public void MissingAndUnexpectedKeysAreReportedByName()
    {
        string path = PathOf("partial.safetensors");
        var state = Model(8).StateDict().Where(s => s.Key != "1.running_var")
            .Append(new("extra.scale", Tensor.Ones([1]))).ToList();
        SafeTensors.Save(path, state);
        var missing = Assert.Throws<CheckpointException>(() => Checkpoint.Load(Model(9), path));
        Assert.Equal(CheckpointProblem.MissingKeys, missing.Problem);
        Assert.Contains("1.running_var", missing.Message);
        var target = Model(9);
        var result = Checkpoint.Load(target, path, strict: false);
        Assert.Equal(["1.running_var"], result.MissingKeys);
        Assert.Equal(["extra.scale"], result.UnexpectedKeys);
        Assert.Equal(SafeTensors.Serialize([new("x", state[0].Value)]),
            SafeTensors.Serialize([new("x", target.StateDict()[0].Value)]));

        SafeTensors.Save(path, Model(8).StateDict().Append(new("extra.scale", Tensor.Ones([1]))));
        var unexpected = Assert.Throws<CheckpointException>(() => Checkpoint.Load(Model(9), path));
        Assert.Equal(CheckpointProblem.UnexpectedKeys, unexpected.Problem);
        Assert.Contains("extra.scale", unexpected.Message);
    }

    [Fact]
    public void FileFaultsLeaveTheModuleIntact()
    {
        string good = PathOf("good.safetensors");
        Checkpoint.Save(Model(10), good);
        var bytes = File.ReadAllBytes(good);

        File.WriteAllBytes(PathOf("truncated"), bytes[..^3]);
        AssertRejectedAndIntact(PathOf("truncated"), CheckpointProblem.Truncated);

        var oversized = (byte[])bytes.Clone();
        BitConverter.GetBytes(ulong.MaxValue / 2).CopyTo(oversized, 0);
        File.WriteAllBytes(PathOf("oversized"), oversized);
        AssertRejectedAndIntact(PathOf("oversized"), CheckpointProblem.HeaderLength);

        int n = (int)BitConverter.ToUInt64(bytes, 0);
        string header = Encoding.UTF8.GetString(bytes, 8, n);
        File.WriteAllBytes(PathOf("dtype"),
            SafeTensorsFiles.Build(header.Replace("\"F32\"", "\"F16\"").TrimEnd(), bytes[(8 + n)..]));
        AssertRejectedAndIntact(PathOf("dtype"), CheckpointProblem.UnknownDType);
    }

    [Theory]
    [InlineData("[0,4]", "[4,12]", null)]
    [InlineData("[0,4]", "[100,108]", CheckpointProblem.OffsetsOutOfRange)]
    [InlineData("[0,4]", "[0,8]", CheckpointProblem.OverlappingOffsets)]
    [InlineData("[0,4]", "[4,16]", CheckpointProblem.ByteLengthMismatch)]
    public void OffsetFaultsLeaveALinearLayerIntact(string biasOffsets, string weightOffsets,
        CheckpointProblem? problem)
    {
        string header = $"{{\"bias\":{{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{biasOffsets}}},"
            + $"\"weight\":{{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":{weightOffsets}}}}}";
        var data = new byte[12];
        BitConverter.GetBytes(0.5f).CopyTo(data, 0);
        BitConverter.GetBytes(1.5f).CopyTo(data, 4);
        BitConverter.GetBytes(-2.5f).CopyTo(data, 8);
        string path = PathOf("linear.safetensors");
        File.WriteAllBytes(path, SafeTensorsFiles.Build(header, data));
        var linear = new Linear(2, 1, 3);
        var before = Snapshot(linear);
        if (problem is null)
        {
            Checkpoint.Load(linear, path);
            Assert.Equal([1.5, -2.5], linear.Weight.Value.ToDoubleArray());
            Assert.Equal([0.5], linear.Bias!.Value.ToDoubleArray());
            return;
        }
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(linear, path));
        Assert.Equal(problem, e.Problem);
        Assert.Equal("weight", e.TensorName);
        Assert.Equal(before, Snapshot(linear));
    }

    [Property(MaxTest = 40)]
    public void RandomCorruptionsNeverPartiallyLoad(PositiveInt position, byte value, PositiveInt cut)
    {
        string good = PathOf($"good-{position.Get}-{value}-{cut.Get}.safetensors");
        Checkpoint.Save(Model(11), good);
        var bytes = File.ReadAllBytes(good);
        bytes[position.Get % bytes.Length] = value;
        if (cut.Get % 3 == 0) bytes = bytes[..(cut.Get % bytes.Length)];
        File.WriteAllBytes(good, bytes);
        var target = Model(12);
        var before = Snapshot(target);
        try
        {
            Checkpoint.Load(target, good);
        }
        catch (CheckpointException)
        {
            Assert.Equal(before, Snapshot(target));
        }
    }
}
