using System.Buffers.Binary;

namespace Qail.Fuzz;

/// <summary>
/// Byte-level mutations for the plain loop: bit flips, boundary bytes, cuts, inserts, deletes, header lengths, splices.
/// </summary>
internal static class RandomMutator
{
    private static readonly byte[] Boundary = [0x00, 0x7F, 0x80, 0xFF, (byte)'"', (byte)'{', (byte)'}', (byte)',',
        (byte)'[', (byte)'9', (byte)'-'];
    private static readonly ulong[] Lengths = [0, 1, 7, 8, 1UL << 31, 1UL << 32, 1UL << 63, ulong.MaxValue];

    /// <summary>
    /// A copy of <paramref name="file"/> with one to four mutations, two in three aimed at the header.
    /// </summary>
    public static byte[] Mutate(byte[] file, Random random)
    {
        var bytes = new List<byte>(file);
        int rounds = random.Next(1, 5);
        for (int r = 0; r < rounds && bytes.Count > 0; r++)
        {
            int headerEnd = bytes.Count >= 8 ? (int)Math.Min((ulong)bytes.Count,
                8 + BinaryPrimitives.ReadUInt64LittleEndian([.. bytes.Take(8)])) : bytes.Count;
            int at = random.Next(random.Next(3) < 2 ? Math.Max(1, headerEnd) : bytes.Count) % bytes.Count;
            switch (random.Next(7))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = Boundary[random.Next(Boundary.Length)]; break;
                case 2: bytes.RemoveRange(at, bytes.Count - at); break;
                case 3: bytes.InsertRange(at,
                    Enumerable.Range(0, random.Next(1, 17)).Select(_ => (byte)random.Next(256))); break;
                case 4: bytes.RemoveRange(at, Math.Min(random.Next(1, 65), bytes.Count - at)); break;
                case 5:
                    var length = new byte[8];
                    BinaryPrimitives.WriteUInt64LittleEndian(length, Lengths[random.Next(Lengths.Length)]);
                    for (int i = 0; i < 8 && i < bytes.Count; i++) bytes[i] = length[i];
                    break;
                default:
                    int from = random.Next(file.Length), count = random.Next(1, 33);
                    for (int i = 0; i < count && from + i < file.Length && at + i < bytes.Count; i++)
                        bytes[at + i] = file[from + i];
                    break;
            }
        }
        return [.. bytes];
    }
}
