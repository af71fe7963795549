using System.Runtime.InteropServices;

namespace Qail.Envs.MuJoCo;

/// <summary>
/// Our own bindings to the MuJoCo 2.2.2 C API: the library is found at run time with <see cref="NativeLibrary"/>
/// (no link-time dependency), so every other part of Qail works where MuJoCo is not installed.
/// </summary>
internal static unsafe class MujocoNative
{
    /// <summary>The only library version whose struct layout we accept (mj_version() of MuJoCo 2.2.2).</summary>
    public const int SupportedVersion = 222;

    /// <summary>The Debian package that provides the library.</summary>
    public const string Package = "libmujoco2.2.2";

    // mjtObj values of MuJoCo 2.2.2 (2.3 inserted more kinds; the calibration checks these ids by name).
    public const int ObjBody = 1, ObjJoint = 3, ObjGeom = 5, ObjSite = 6, ObjActuator = 18;

    private static readonly string[] Candidates =
        ["libmujoco.so.2.2.2", "libmujoco.so.2", "libmujoco.so", "libmujoco.2.2.2.dylib", "mujoco.dll"];

    private static readonly Lazy<string?> Loaded = new(Load);

    public static delegate* unmanaged<int> Version;
    public static delegate* unmanaged<byte*, nint, byte*, int, nint> LoadXml;
    public static delegate* unmanaged<nint, nint> MakeData;
    public static delegate* unmanaged<nint, void> DeleteData;
    public static delegate* unmanaged<nint, void> DeleteModel;
    public static delegate* unmanaged<nint, nint, void> Step;
    public static delegate* unmanaged<nint, nint, void> Forward;
    public static delegate* unmanaged<nint, nint, void> ResetData;
    public static delegate* unmanaged<nint, nint, nint, nint> CopyData;
    public static delegate* unmanaged<nint, int, byte*, int> Name2Id;
    public static delegate* unmanaged<nint, nint, nint> CopyModel;

    /// <summary>Null when the library is loaded and of the supported version, else why it is not usable.</summary>
    public static string? Problem => Loaded.Value;

    /// <summary>Null for the supported mj_version() value, else why that version is refused.</summary>
    public static string? VersionProblem(int version) => version == SupportedVersion ? null :
        $"MuJoCo {version / 100}.{version / 10 % 10}.{version % 10} was found, but only 2.2.2 is supported " +
        $"(its struct layout is checked); install `{Package}`";

    private static string? Load()
    {
        nint handle = 0;
        foreach (var name in Candidates)
            if (NativeLibrary.TryLoad(name, out handle)) break;
        if (handle == 0)
            return "the MuJoCo library (libmujoco.so.2.2.2) was not found; " +
                   $"install it with `apt-get install {Package}`";
        try
        {
            Version = (delegate* unmanaged<int>)NativeLibrary.GetExport(handle, "mj_version");
            int version = Version();
            if (VersionProblem(version) is { } problem) return problem;
            LoadXml = (delegate* unmanaged<byte*, nint, byte*, int, nint>)NativeLibrary.GetExport(handle, "mj_loadXML");
            MakeData = (delegate* unmanaged<nint, nint>)NativeLibrary.GetExport(handle, "mj_makeData");
            DeleteData = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(handle, "mj_deleteData");
            DeleteModel = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(handle, "mj_deleteModel");
            Step = (delegate* unmanaged<nint, nint, void>)NativeLibrary.GetExport(handle, "mj_step");
            Forward = (delegate* unmanaged<nint, nint, void>)NativeLibrary.GetExport(handle, "mj_forward");
            ResetData = (delegate* unmanaged<nint, nint, void>)NativeLibrary.GetExport(handle, "mj_resetData");
            CopyData = (delegate* unmanaged<nint, nint, nint, nint>)NativeLibrary.GetExport(handle, "mj_copyData");
            Name2Id = (delegate* unmanaged<nint, int, byte*, int>)NativeLibrary.GetExport(handle, "mj_name2id");
            CopyModel = (delegate* unmanaged<nint, nint, nint>)NativeLibrary.GetExport(handle, "mj_copyModel");
            return null;
        }
        catch (EntryPointNotFoundException e)
        {
            return $"the MuJoCo library lacks an expected function ({e.Message}); install `{Package}`";
        }
    }
}
