using System.Buffers.Binary;
using System.Text;

namespace Qail.Nn.Tests.Checkpoints;

/// <summary>Builds raw safetensors bytes from a hand-written header, for corruption tests.</summary>
internal static class SafeTensorsFiles
{
    public static byte[] Build(string headerJson, int dataBytes) => Build(headerJson, new byte[dataBytes]);

    public static byte[] Build(string headerJson, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    public static ulong HeaderLength(byte[] file) => BinaryPrimitives.ReadUInt64LittleEndian(file);
}
