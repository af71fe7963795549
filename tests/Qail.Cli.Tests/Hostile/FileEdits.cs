using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Qail.Engine;
using Qail.Envs;
using NnSafeTensors = Qail.Engine.Serialization.SafeTensors;
using Qail.IO;

namespace Qail.Cli.Tests.Hostile;

/// <summary>Well-formed files with one chosen value changed, re-checksummed where the format has a checksum.</summary>
internal static class FileEdits
{
    /// <summary>
    /// A demonstrations file with element <paramref name="index"/> of float tensor <paramref name="tensor"/> set, its
    /// CRC restated.
    /// </summary>
    public static byte[] DemonstrationsWith(byte[] file, string tensor, int index, float value)
    {
        var (tensors, metadata) = SafeTensors.Read(file);
        var edited = tensors.Values.Select(t => t with { Data = (byte[])t.Data.Clone() }).ToList();
        MemoryMarshal.Cast<byte, float>(edited.Single(t => t.Name == tensor).Data.AsSpan())[index] = value;
        var order = SafeTensorsOrder(file, edited);
        return Restamp(SafeTensors.Write(order, metadata.ToDictionary(p => p.Key, p => p.Value)));
    }

    /// <summary>
    /// A demonstrations file whose CRC field is recomputed over its (possibly mutated) bytes, so deeper checks see it.
    /// </summary>
    public static byte[] Restamp(byte[] file)
    {
        var needle = Encoding.ASCII.GetBytes("\"crc32\":\"");
        if (file.Length < 8) return file;
        ulong headerLength = BitConverter.ToUInt64(file, 0);
        if (headerLength > (ulong)(file.Length - 8)) return file;
        int at = file.AsSpan(8, (int)headerLength).IndexOf(needle);
        if (at < 0 || 8 + at + needle.Length + 8 > file.Length) return file;
        var copy = (byte[])file.Clone();
        int field = 8 + at + needle.Length;
        Encoding.ASCII.GetBytes("00000000", copy.AsSpan(field, 8));
        Encoding.ASCII.GetBytes(Crc32.Compute(copy).ToString("x8", CultureInfo.InvariantCulture),
            copy.AsSpan(field, 8));
        return copy;
    }

    /// <summary>
    /// A demonstrations file holding the episodes of <paramref name="file"/> repeated until it reaches
    /// <paramref name="bytes"/>.
    /// </summary>
    public static byte[] Repeated(byte[] file, long bytes)
    {
        var (tensors, metadata) = SafeTensors.Read(file);
        int copies = (int)(bytes / file.Length) + 1;
        var offsets = MemoryMarshal.Cast<byte, long>(tensors["episode_offsets"].Data).ToArray();
        long steps = offsets[^1];
        var repeatedOffsets = new List<long> { 0 };
        for (int c = 0; c < copies; c++)
            foreach (long end in offsets.Skip(1)) repeatedOffsets.Add(c * steps + end);
        var edited = new List<SafeTensor>();
        foreach (var t in SafeTensorsOrder(file, [.. tensors.Values]))
        {
            if (t.Name == "episode_offsets")
                edited.Add(t with { Shape = [repeatedOffsets.Count],
                    Data = MemoryMarshal.AsBytes(repeatedOffsets.ToArray().AsSpan()).ToArray() });
            else if (t.Name == "success")
                edited.Add(t with { Shape = [t.Shape[0] * copies],
                    Data = [.. Enumerable.Repeat(t.Data, copies).SelectMany(d => d)] });
            else
                edited.Add(t with { Shape = [t.Shape[0] * copies, .. t.Shape[1..]],
                    Data = [.. Enumerable.Repeat(t.Data, copies).SelectMany(d => d)] });
        }
        return Restamp(SafeTensors.Write(edited, metadata.ToDictionary(p => p.Key, p => p.Value)));
    }

    /// <summary>
    /// Copies a checkpoint to <paramref name="destination"/> after <paramref name="edit"/> changed its tensors or
    /// metadata.
    /// </summary>
    public static void CheckpointWith(string source, string destination,
        Action<(Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata)> edit)
    {
        var archive = NnSafeTensors.Load(source);
        var tensors = archive.Tensors.ToDictionary(p => p.Key, p => p.Value);
        var metadata = archive.Metadata.ToDictionary(p => p.Key, p => p.Value);
        edit((tensors, metadata));
        File.WriteAllBytes(destination, NnSafeTensors.Serialize(tensors, metadata, checksum: true));
    }

    // The tensors in the order of their data in the original file, as the writer lays them out.
    private static List<SafeTensor> SafeTensorsOrder(byte[] file, List<SafeTensor> tensors)
    {
        string header = Encoding.UTF8.GetString(file, 8, (int)BitConverter.ToUInt64(file, 0));
        return [.. tensors.OrderBy(t => header.IndexOf($"\"{t.Name}\":", StringComparison.Ordinal))];
    }
}
