using System.Buffers.Binary;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Engine;
using Qail.Engine.Serialization;

namespace Qail.Nn.Tests.Checkpoints;

public class SafeTensorsTests
{
    private static readonly DType[] Stored = [DType.Float32, DType.Float64, DType.Int32, DType.Int8, DType.UInt8];

    /// <summary>
    /// A tensor of the dtype whose bytes are random (NaN payloads and denormals included), so equality is bitwise.
    /// </summary>
    private static Tensor RandomBits(DType dtype, int[] shape, long seed)
    {
        var t = Tensor.Zeros(shape, dtype);
        var rng = new SeededRandom(seed);
        var bytes = dtype switch
        {
            DType.Float32 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.AsSpan<float>()),
            DType.Float64 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.AsSpan<double>()),
            DType.Int32 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.AsSpan<int>()),
            DType.Int8 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.AsSpan<sbyte>()),
            _ => t.AsSpan<byte>(),
        };
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)rng.NextUInt64();
        return t;
    }

    private static byte[] Bits(Tensor t) => SafeTensors.Serialize([new("x", t)]).AsSpan().ToArray();

    private static Dictionary<string, Tensor> RandomSet(int seed)
    {
        var rng = new SeededRandom(seed);
        var set = new Dictionary<string, Tensor>();
        int count = 1 + rng.NextInt(4);
        for (int i = 0; i < count; i++)
        {
            var shape = new int[rng.NextInt(4)];
            for (int d = 0; d < shape.Length; d++) shape[d] = rng.NextInt(4);
            set[$"layer{i}.w"] = RandomBits(Stored[rng.NextInt(Stored.Length)], shape, seed * 31 + i);
        }
        return set;
    }

    [Property(MaxTest = 60)]
    public void RoundTripIsBitExact(int seed)
    {
        var set = RandomSet(seed);
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["seed"] = seed.ToString() };
        var archive = SafeTensors.Deserialize(SafeTensors.Serialize(set, metadata));
        Assert.Equal(set.Keys.Order(), archive.Tensors.Keys.Order());
        foreach (var (name, t) in set)
        {
            var back = archive.Tensors[name];
            Assert.Equal(t.DType, back.DType);
            Assert.Equal(t.ShapeToArray(), back.ShapeToArray());
            Assert.Equal(Bits(t), Bits(back));
        }
        Assert.Equal(metadata, archive.Metadata);
    }

    [Fact]
    public void FileRoundTripIsAtomicAndBitExact()
    {
        string dir = Directory.CreateTempSubdirectory("qail-st").FullName;
        try
        {
            string path = Path.Combine(dir, "model.safetensors");
            var set = RandomSet(7);
            SafeTensors.Save(path, set);
            SafeTensors.Save(path, set); // overwrite goes through the temp file too
            Assert.Equal(["model.safetensors"], Directory.GetFiles(dir).Select(Path.GetFileName));
            var archive = SafeTensors.Load(path);
            foreach (var (name, t) in set) Assert.Equal(Bits(t), Bits(archive.Tensors[name]));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void LayoutMatchesThePythonLibrary()
    {
        var bytes = SafeTensors.Serialize([new("b", Tensor.From<float>([1f, 2f], [1, 2])),
            new("a", Tensor.From<int>([3]))]);
        ulong n = SafeTensorsFiles.HeaderLength(bytes);
        Assert.Equal(0UL, n % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)n).TrimEnd(' ');
        Assert.Equal("{\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\","
            + "\"shape\":[1,2],\"data_offsets\":[4,12]}}", header);
        var data = bytes.AsSpan(8 + (int)n);
        Assert.Equal(3, BinaryPrimitives.ReadInt32LittleEndian(data));
        Assert.Equal(2f, BinaryPrimitives.ReadSingleLittleEndian(data[8..]));
    }

    [Fact]
    public void ReadsAPythonWrittenFile()
    {
        // Bytes as safetensors.numpy.save_file({"w": np.array([[1.5, -2]], np.float32)}, metadata={"format": "np"})
        // lays them out.
        var file = SafeTensorsFiles.Build("{\"__metadata__\":{\"format\":\"np\"},\"w\":{\"dtype\":\"F32\",\"shape\":[1,"
            + "2],\"data_offsets\":[0,8]}}   ",
            [0, 0, 0xC0, 0x3F, 0, 0, 0, 0xC0]);
        var archive = SafeTensors.Deserialize(file);
        Assert.Equal([1.5, -2.0], archive.Tensors["w"].ToDoubleArray());
        Assert.Equal("np", archive.Metadata["format"]);
    }

    private static CheckpointException Fails(byte[] file) =>
        Assert.Throws<CheckpointException>(() => SafeTensors.Deserialize(file));

    [Fact]
    public void OversizedHeaderLengthIsRejected()
    {
        var file = SafeTensors.Serialize(RandomSet(3));
        BinaryPrimitives.WriteUInt64LittleEndian(file, 1UL << 40);
        Assert.Equal(CheckpointProblem.HeaderLength, Fails(file).Problem);
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)file.Length);
        Assert.Equal(CheckpointProblem.HeaderLength, Fails(file).Problem);
    }

    [Fact]
    public void EachHeaderFaultHasItsOwnProblem()
    {
        const int data = 16;
        (string Header, CheckpointProblem Problem, string? Name)[] cases =
        [
            ("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", CheckpointProblem.MalformedHeader,
                null),
            ("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"w\":{\"dtype\":\"F32\",\"shape\":[2],"
                + "\"data_offsets\":[8,16]}}", CheckpointProblem.MalformedHeader, "w"),
            ("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"extra\":1}}",
                CheckpointProblem.MalformedHeader, "w"),
            ("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", CheckpointProblem.MalformedHeader,
                "w"),
            ("{\"w\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", CheckpointProblem.UnknownDType, "w"),
            ("{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,8]}}",
                CheckpointProblem.InvalidShape, "w"),
            ("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", CheckpointProblem.OffsetsOutOfRange,
                "w"),
            ("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", CheckpointProblem.OffsetsOutOfRange,
                "w"),
            ("{\"w\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}", CheckpointProblem.ByteLengthMismatch,
                "w"),
            ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],"
                + "\"data_offsets\":[4,12]}}", CheckpointProblem.OverlappingOffsets, "b"),
            ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F64\",\"shape\":[2],"
                + "\"data_offsets\":[8,24]}}", CheckpointProblem.Truncated, "b"),
        ];
        foreach (var (header, problem, name) in cases)
        {
            var e = Fails(SafeTensorsFiles.Build(header, data));
            Assert.True(problem == e.Problem, $"{header}: expected {problem}, got {e.Problem}: {e.Message}");
            Assert.Equal(name, e.TensorName);
            if (name is not null) Assert.Contains($"'{name}'", e.Message);
        }
    }

    [Property(MaxTest = 60)]
    public void TruncatedFilesAreRejected(int seed, PositiveInt cut)
    {
        var set = RandomSet(seed);
        set["last"] = Tensor.Ones([3]);
        var file = SafeTensors.Serialize(set);
        int length = cut.Get % file.Length;
        var e = Fails(file[..length]);
        Assert.Contains(e.Problem, new[] { CheckpointProblem.Truncated, CheckpointProblem.HeaderLength });
    }

    [Property(MaxTest = 200)]
    public void CorruptedBytesFailCleanlyOrLoad(int seed, PositiveInt position, byte value)
    {
        var file = SafeTensors.Serialize(RandomSet(seed));
        file[position.Get % file.Length] = value;
        try
        {
            var archive = SafeTensors.Deserialize(file);
            Assert.All(archive.Entries, e => Assert.InRange(e.End, e.Begin, file.Length));
        }
        catch (CheckpointException) { }
    }

    [Property(MaxTest = 100)]
    public void CorruptedOffsetsAreNamed(int seed, NonNegativeInt begin, NonNegativeInt length)
    {
        var set = RandomSet(seed);
        set["w"] = Tensor.Ones([4]);
        var file = SafeTensors.Serialize(set);
        int n = (int)SafeTensorsFiles.HeaderLength(file);
        string header = Encoding.UTF8.GetString(file, 8, n);
        var archive = SafeTensors.Deserialize(file);
        var w = archive.Entries.Single(e => e.Name == "w");
        string original = $"\"w\":{{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[{w.Begin},{w.End}]}}";
        long b = begin.Get % 64, e = b + length.Get % 32;
        if (b == w.Begin && e == w.End) return;
        string corrupted = header.Replace(original,
            $"\"w\":{{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[{b},{e}]}}").TrimEnd(' ');
        var ex = Fails(SafeTensorsFiles.Build(corrupted, file[(8 + n)..]));
        Assert.Contains(ex.Problem, new[] { CheckpointProblem.ByteLengthMismatch, CheckpointProblem.OffsetsOutOfRange,
            CheckpointProblem.OverlappingOffsets, CheckpointProblem.Truncated });
        Assert.NotNull(ex.TensorName);
    }

    [Fact]
    public void WriterRejectsInt4AndDuplicateOrReservedNames()
    {
        Assert.Throws<ArgumentException>(() => SafeTensors.Serialize([new("__metadata__", Tensor.Ones([1]))]));
        Assert.Throws<ArgumentException>(() =>
            SafeTensors.Serialize([new("a", Tensor.Ones([1])), new("a", Tensor.Ones([2]))]));
        var int4 = new Tensor(CpuStorage.WrapInt4([0x12], 2), [2]);
        Assert.Throws<ArgumentException>(() => SafeTensors.Serialize([new("q", int4)]));
    }
}
