using System.Buffers.Binary;
using System.Text;

namespace Qail.Onnx;

/// <summary>
/// Minimal protobuf wire-format encoder (varint, fixed32, length-delimited), enough for the ONNX messages.
/// Nested messages are encoded into their own writer and embedded as length-delimited bytes.
/// </summary>
internal sealed class ProtobufWriter
{
    private const int Varint = 0;
    private const int LengthDelimited = 2;
    private const int Fixed32 = 5;

    private byte[] _buffer = new byte[256];
    private int _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public ProtobufWriter Int64(int field, long value)
    {
        Tag(field, Varint);
        RawVarint(unchecked((ulong)value));
        return this;
    }

    public ProtobufWriter Float(int field, float value)
    {
        Tag(field, Fixed32);
        BinaryPrimitives.WriteSingleLittleEndian(Reserve(4), value);
        return this;
    }

    public ProtobufWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtobufWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimited);
        RawVarint((ulong)value.Length);
        value.CopyTo(Reserve(value.Length));
        return this;
    }

    public ProtobufWriter Message(int field, ProtobufWriter message) => Bytes(field, message.Written);

    private void Tag(int field, int wireType) => RawVarint((ulong)((field << 3) | wireType));

    private void RawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            Reserve(1)[0] = (byte)(value | 0x80);
            value >>= 7;
        }
        Reserve(1)[0] = (byte)value;
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
