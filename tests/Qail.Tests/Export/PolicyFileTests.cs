using System.Buffers.Binary;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Deployment;
using Qail.Envs;
using Qail.Exporting;
using Qail.Engine.Serialization;
using Qail.Runtime;
using SafeTensors = Qail.Engine.Serialization.SafeTensors;

namespace Qail.Tests.Exporting;

public class PolicyFileTests
{
    [Property(MaxTest = 25, Replay = "(20261126,11)")]
    public Property SaveLoadRoundTripIsBitExact() => Prop.ForAll(PolicyCase.Generator().ToArbitrary(), c =>
    {
        var policy = Export.ToIntegerPolicy(c.Prepared(c.FullPrecision()));
        var bytes = policy.ToBytes();
        var loaded = DeployedPolicy.FromBytes(bytes);
        Assert.Equal(bytes, loaded.ToBytes());
        Assert.Equal(policy.ModelBytes, loaded.ModelBytes);
        Assert.Equal((policy.Label, policy.Precision), (loaded.Label, loaded.Precision));
        foreach (var state in c.States(4, 3))
            Assert.Equal(policy.Act(new Observation(state)), loaded.Act(new Observation(state)));
    });

    [Fact]
    public void SavesToAndLoadsFromOneFile()
    {
        var policy = DeployedPolicyTests.Deployed("W8A8");
        string path = Path.Combine(Path.GetTempPath(), $"qail-export-{Environment.ProcessId}.safetensors");
        try
        {
            policy.Save(path);
            var loaded = DeployedPolicy.Load(path);
            var state = new Observation(new float[policy.StateSize]);
            Assert.Equal(policy.Act(state), loaded.Act(state));
            Assert.Equal(File.ReadAllBytes(path), loaded.ToBytes());
            Assert.Contains(SafeTensors.ReadHeader(path),
                e => e.Name == "ops.1.weight_codes" && e.DType == Engine.DType.Int8);
        }
        finally { File.Delete(path); }
    }

    public static TheoryData<string, string> Corruptions() => new()
    {
        { "header length", "header length" },
        { "truncated", "Truncated" },
        { "outputs", "ShapeMismatch" },
        { "dtype", "dtype" },
        { "offsets", "data_offsets" },
        { "unknown op", "unknown op kind" },
        { "no config", "not an integer policy" },
        { "bad json", "not well-formed JSON" },
        { "nan scale", "not finite" },
        { "zero point", "input_zero_point" },
        { "extra tensor", "UnexpectedKeys" },
        { "chain", "takes 65 values but slot 2 holds 64" },
        { "forward source", "reads slot 9" },
        { "no inputs", "no \"inputs\" array" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void CorruptedFilesAreRefusedNamingTheProblem(string corruption, string expected)
    {
        var policy = DeployedPolicyTests.Deployed("W8A8");
        var state = new Observation(new float[policy.StateSize]);
        var before = policy.Act(state);
        var bytes = Corrupt(policy, corruption);
        var error = Assert.ThrowsAny<ArgumentException>(() => DeployedPolicy.FromBytes(bytes));
        Assert.Contains(expected, error.Message);
        Assert.Equal(before, policy.Act(state));
    }

    private static byte[] Corrupt(DeployedPolicy policy, string corruption)
    {
        var bytes = policy.ToBytes();
        switch (corruption)
        {
            case "header length":
                BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)SafeTensors.MaxHeaderBytes + 1);
                return bytes;
            case "truncated":
                return bytes[..^3];
            case "outputs": return Rewrite(bytes,
                h => h.Replace("\\u0022outputs\\u0022:64", "\\u0022outputs\\u0022:65", StringComparison.Ordinal), true);
            case "dtype": return Rewrite(bytes,
                h => h.Replace("\"dtype\":\"I8\"", "\"dtype\":\"F16\"", StringComparison.Ordinal), true);
            case "offsets":
                return Rewrite(bytes, h =>
                {
                    int at = h.LastIndexOf("\"data_offsets\":[",
                        StringComparison.Ordinal) + "\"data_offsets\":[".Length;
                    int comma = h.IndexOf(',', at);
                    return h[..at] + "999999999" + h[comma..];
                }, true);
            case "unknown op": return Rewrite(bytes,
                h => h.Replace("\\u0022relu\\u0022", "\\u0022gelu\\u0022", StringComparison.Ordinal), true);
            case "no config": return Rewrite(bytes,
                h => h.Replace(DeployedPolicy.ConfigKey, "something.else", StringComparison.Ordinal), true);
            case "bad json": return Rewrite(bytes,
                h => h.Replace("\\u0022ops\\u0022:[", "\\u0022ops\\u0022:[[", StringComparison.Ordinal), true);
            case "nan scale": return Patch(policy, "ops.1.input_scale", float.NaN);
            case "zero point": return Rewrite(bytes, h => h.Replace("\\u0022input_zero_point\\u0022:",
                "\\u0022input_zero_point\\u0022:3", StringComparison.Ordinal), true);
            case "extra tensor":
                {
                    var archive = SafeTensors.Deserialize(bytes);
                    var tensors = archive.Tensors.ToDictionary(p => p.Key, p => p.Value);
                    tensors["ops.99.weight"] = Engine.Tensor.Zeros([2]);
                    return SafeTensors.Serialize(tensors, archive.Metadata);
                }
            case "chain": return Rewrite(bytes,
                h => h.Replace("\\u0022size\\u0022:64", "\\u0022size\\u0022:65", StringComparison.Ordinal), true);
            case "forward source": return Rewrite(bytes, h =>
                h.Replace("\\u0022sources\\u0022:[2]", "\\u0022sources\\u0022:[9]", StringComparison.Ordinal), true);
            case "no inputs": return Rewrite(bytes,
                h => h.Replace("\\u0022inputs\\u0022:", "\\u0022outputs_\\u0022:", StringComparison.Ordinal), true);
            default: throw new ArgumentException(corruption);
        }
    }

    // Overwrites one float tensor value while keeping the file well-formed.
    private static byte[] Patch(DeployedPolicy policy, string tensor, float value)
    {
        var archive = SafeTensors.Deserialize(policy.ToBytes());
        var tensors = archive.Tensors.ToDictionary(p => p.Key, p => p.Value.Clone());
        tensors[tensor].AsSpan<float>()[0] = value;
        return SafeTensors.Serialize(tensors, archive.Metadata);
    }

    // Rewrites the JSON header text and re-frames the file (length prefix, 8-byte padding, same data section). The
    // whole-file checksum is dropped, so the reader's deeper checks (not the CRC) meet the edit.
    private static byte[] Rewrite(byte[] bytes, Func<string, string> edit, bool mustChange)
    {
        int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        string header = Encoding.UTF8.GetString(bytes, 8, length).TrimEnd(' ');
        string changed = edit(header);
        if (mustChange) Assert.NotEqual(header, changed);
        string edited = System.Text.RegularExpressions.Regex.Replace(changed, "\"qail\\.crc32\":\"[0-9a-f]{8}\",?", "");
        var headerBytes = Encoding.UTF8.GetBytes(edited);
        int padded = (headerBytes.Length + 7) / 8 * 8;
        var result = new byte[8 + padded + bytes.Length - 8 - length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        headerBytes.CopyTo(result, 8);
        for (int i = 8 + headerBytes.Length; i < 8 + padded; i++) result[i] = (byte)' ';
        bytes.AsSpan(8 + length).CopyTo(result.AsSpan(8 + padded));
        return result;
    }
}
