using System.Runtime.InteropServices;
using System.Text;

namespace Qail.Native;

/// <summary>
/// The calling thread's last failure as a NUL-terminated UTF-8 string in native memory (qail_last_error).
/// </summary>
internal static unsafe class LastError
{
    [ThreadStatic] private static byte* _text;

    private static readonly byte* Empty = (byte*)NativeMemory.AllocZeroed(1);

    public static byte* Text => _text is null ? Empty : _text;

    public static void Set(string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        var text = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
        bytes.CopyTo(new Span<byte>(text, bytes.Length));
        text[bytes.Length] = 0;
        NativeMemory.Free(_text);
        _text = text;
    }
}
