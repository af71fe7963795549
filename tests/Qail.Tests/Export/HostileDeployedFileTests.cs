using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Qail.Engine.Serialization;
using Qail.Envs;
using Qail.Runtime;
using SafeTensors = Qail.Engine.Serialization.SafeTensors;

namespace Qail.Tests.Exporting;

/// <summary>
/// The deployed-file faults of issue 17, each refused with <see cref="CheckpointException"/> naming the key or the
/// limit: type confusion in the JSON config, declared row counts that overflow, working memory out of proportion to
/// the file, normalisation that overflows, far-out and non-finite states, and a changed byte under the checksum.
/// </summary>
public class HostileDeployedFileTests
{
    [Theory]
    [InlineData("\\u0022version\\u0022:2", "\\u0022version\\u0022:\\u00222\\u0022", "\"version\"")]
    [InlineData("\\u0022action_size\\u0022:", "\\u0022action_size\\u0022:\\u0022x\\u0022,\\u0022unused\\u0022:",
        "\"action_size\"")]
    [InlineData("\\u0022sources\\u0022:[", "\\u0022sources\\u0022:[\\u00220\\u0022,", "\"sources\"")]
    [InlineData("\\u0022range\\u0022:0", "\\u0022range\\u0022:\\u00220\\u0022", "\"range\"")]
    [InlineData("\\u0022rows\\u0022:1", "\\u0022rows\\u0022:\\u00221\\u0022", "'rows'")]
    public void TypeConfusionInTheConfig_NamesTheKey(string find, string replace, string key)
    {
        var e = Refused(Rewrite(Bytes("W8A8"), h => ReplaceFirst(h, find, replace)));
        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void DeclaredRowsOutOfProportion_AreRefusedWithinTheMemoryBound()
    {
        var bytes = Bytes("W8A8");
        long before = GC.GetAllocatedBytesForCurrentThread();
        Refused(Rewrite(bytes, h => ReplaceFirst(h, "\\u0022rows\\u0022:1", "\\u0022rows\\u0022:65536")));
        Refused(Rewrite(bytes,
            h => h.Replace("\\u0022rows\\u0022:1", "\\u0022rows\\u0022:65536", StringComparison.Ordinal)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < (64L << 20) + 16L * bytes.Length);
    }

    [Fact]
    public void WorkingMemory_RefusesPastItsLimit_NamingIt()
    {
        var memory = new WorkingMemory(1000);
        memory.Reserve(40L << 20, "ops.0 output");
        var e = Assert.Throws<CheckpointException>(() => memory.Reserve(10L << 20, "ops.1 output"));
        Assert.Contains("ops.1 output", e.Message);
        Assert.Contains($"limit of {WorkingMemory.Limit(1000)} bytes", e.Message);
        Assert.Equal(40L << 20, memory.Reserved);
    }

    [Theory]
    [InlineData("mean", 3e38f)]
    [InlineData("std", 1e-45f)]
    [InlineData("std", 0f)]
    public void OverflowingNormalisation_IsRefused(string tensor, float value)
    {
        var archive = SafeTensors.Deserialize(Bytes("W4"));
        var tensors = archive.Tensors.ToDictionary(p => p.Key, p => p.Value.Clone());
        tensors[$"ops.0.{tensor}"].AsSpan<float>()[0] = value;
        var e = Refused(SafeTensors.Serialize(tensors, archive.Metadata, checksum: true));
        Assert.Contains("overflows", e.Message);
    }

    [Theory]
    [InlineData(float.NaN, "not finite")]
    [InlineData(float.PositiveInfinity, "not finite")]
    [InlineData(3e38f, "far outside")]
    [InlineData(-2e9f, "far outside")]
    public void NonFiniteAndFarOutStates_AreRefusedTheSameWayByEveryPolicy(float value, string reason)
    {
        var deployed = DeployedPolicyTests.Deployed("W4");
        var state = new float[deployed.StateSize];
        state[0] = value;
        var e = Assert.ThrowsAny<ArgumentException>(() => deployed.Act(new PolicyInputs { State = state }));
        Assert.Contains($"observation state[0] = ", e.Message);
        Assert.Contains(reason, e.Message);
        Assert.Equal(ObservationCheck.MaxMagnitude, RuntimeLimits.MaxStateMagnitude);
        var network = Assert.ThrowsAny<ArgumentException>(() => ObservationCheck.State(state, "EvalModePolicy.Act"));
        Assert.Contains(reason, network.Message);
    }

    [Fact]
    public void AChangedByteUnderTheChecksum_IsRefused()
    {
        var bytes = Bytes("W4");
        bytes[^3] ^= 1;
        Assert.Equal(CheckpointProblem.ChecksumMismatch, Refused(bytes).Problem);
        Assert.True(SafeTensors.Deserialize(Bytes("W4")).Checksummed);
    }

    private static byte[] Bytes(string format) => DeployedPolicyTests.Deployed(format).ToBytes();

    private static CheckpointException Refused(byte[] bytes) =>
        Assert.Throws<CheckpointException>(() => DeployedPolicy.FromBytes(bytes));

    private static string ReplaceFirst(string text, string find, string replace)
    {
        int at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{find}' is not in the header");
        return text[..at] + replace + text[(at + find.Length)..];
    }

    // Rewrites the JSON header (dropping the checksum so the deeper checks meet the edit) and re-frames the file.
    private static byte[] Rewrite(byte[] bytes, Func<string, string> edit)
    {
        int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        string header = Regex.Replace(edit(Encoding.UTF8.GetString(bytes, 8, length).TrimEnd(' ')),
            "\"qail\\.crc32\":\"[0-9a-f]{8}\",?", "");
        var headerBytes = Encoding.UTF8.GetBytes(header);
        int padded = (headerBytes.Length + 7) / 8 * 8;
        var result = new byte[8 + padded + bytes.Length - 8 - length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        headerBytes.CopyTo(result, 8);
        result.AsSpan(8 + headerBytes.Length, padded - headerBytes.Length).Fill((byte)' ');
        bytes.AsSpan(8 + length).CopyTo(result.AsSpan(8 + padded));
        return result;
    }
}
