using Qail.IO;

namespace Qail.Cli.Tests.Hostile;

/// <summary>
/// A write that fails part-way leaves the previous file whole and no temp file; leftovers of live writers stay.
/// </summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("qail-atomic-").FullName;

    [Fact]
    public void AWriteThatFailsPartWay_LeavesThePreviousFileWhole()
    {
        string path = Path.Combine(_folder, "policy.safetensors");
        File.WriteAllBytes(path, [1, 2, 3, 4]);
        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new IOException("disk full");
        }));
        Assert.Equal([1, 2, 3, 4], File.ReadAllBytes(path));
        Assert.Empty(Directory.EnumerateFiles(_folder, "*" + AtomicFile.TempSuffix));
        AtomicFile.WriteAllBytes(path, [5]);
        Assert.Equal([5], File.ReadAllBytes(path));
    }

    [Fact]
    public void OnlyLeftoversOfEndedProcessesAreRemoved()
    {
        string dead = Path.Combine(_folder, $".a.safetensors.2000000000.00{AtomicFile.TempSuffix}");
        string live = Path.Combine(_folder, $".b.safetensors.{Environment.ProcessId}.00{AtomicFile.TempSuffix}");
        File.WriteAllBytes(dead, [0]);
        File.WriteAllBytes(live, [0]);
        Assert.Equal(1, AtomicFile.RemoveLeftovers(_folder));
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
