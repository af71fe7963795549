using System.Runtime.InteropServices;
using System.Text;

namespace Qail.Envs.MuJoCo;

/// <summary>A compiled MuJoCo model (mjModel), loaded from an MJCF file or string; freed when disposed.</summary>
public sealed unsafe class MujocoModel : SafeHandle
{
    private MujocoModel(nint handle)
        : base(0, ownsHandle: true)
    {
        SetHandle(handle);
        var layout = Mujoco.Layout;
        byte* m = (byte*)handle;
        Nq = *(int*)(m + MujocoLayout.NqOffset);
        Nv = *(int*)(m + MujocoLayout.NvOffset);
        Nu = *(int*)(m + MujocoLayout.NuOffset);
        Na = *(int*)(m + MujocoLayout.NaOffset);
        BodyCount = *(int*)(m + MujocoLayout.NbodyOffset);
        JointCount = *(int*)(m + MujocoLayout.NjntOffset);
        GeomCount = *(int*)(m + MujocoLayout.NgeomOffset);
        SiteCount = *(int*)(m + MujocoLayout.NsiteOffset);
        Timestep = *(double*)(m + layout.Timestep);
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == 0;

    /// <summary>Number of generalized coordinates (qpos length).</summary>
    public int Nq { get; }

    /// <summary>Number of degrees of freedom (qvel length).</summary>
    public int Nv { get; }

    /// <summary>Number of actuators (ctrl length).</summary>
    public int Nu { get; }

    /// <summary>Number of actuator activations.</summary>
    public int Na { get; }

    /// <summary>Number of bodies, the world body 0 included.</summary>
    public int BodyCount { get; }

    /// <summary>Number of joints.</summary>
    public int JointCount { get; }

    /// <summary>Number of geoms.</summary>
    public int GeomCount { get; }

    /// <summary>Number of sites.</summary>
    public int SiteCount { get; }

    /// <summary>Physics time step [s] (the model's opt.timestep).</summary>
    public double Timestep { get; }

    /// <summary>Compiles the MJCF file at <paramref name="path"/>.</summary>
    /// <exception cref="MujocoUnavailableException">MuJoCo 2.2.2 is not installed.</exception>
    /// <exception cref="ArgumentException">The file is missing or MuJoCo's compiler rejected it; the message holds its
    /// error text.</exception>
    public static MujocoModel FromFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        _ = Mujoco.Layout;
        if (!File.Exists(path)) throw new ArgumentException($"MujocoModel: no MJCF file at '{path}'.", nameof(path));
        nint m = LoadRaw(Path.GetFullPath(path), out string error);
        if (m == 0) throw new ArgumentException($"MujocoModel: MuJoCo rejected '{path}': {error}", nameof(path));
        return new MujocoModel(m);
    }

    /// <summary>
    /// Compiles MJCF text (through a private temporary file, so relative asset paths are not resolved).
    /// </summary>
    /// <exception cref="MujocoUnavailableException">MuJoCo 2.2.2 is not installed.</exception>
    /// <exception cref="ArgumentException">MuJoCo's compiler rejected the text; the message holds its error
    /// text.</exception>
    public static MujocoModel FromXml(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        _ = Mujoco.Layout;
        string path = Path.Combine(Path.GetTempPath(), $"qail-mjcf-{Guid.NewGuid():N}.xml");
        File.WriteAllText(path, xml);
        try
        {
            nint m = LoadRaw(path, out string error);
            if (m == 0)
                throw new ArgumentException($"MujocoModel: MuJoCo rejected the MJCF text: {error}", nameof(xml));
            return new MujocoModel(m);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// A copy of this model (mj_copyModel) whose physics time step is <paramref name="timestep"/>; this model is
    /// unchanged. Planners roll out on such a copy to trade accuracy for speed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The time step is not positive and finite.</exception>
    public MujocoModel WithTimestep(double timestep)
    {
        if (!(timestep > 0 && double.IsFinite(timestep)))
            throw new ArgumentOutOfRangeException(nameof(timestep), timestep,
                "MujocoModel: the time step must be positive and finite.");
        nint copy = MujocoNative.CopyModel(0, Pointer);
        if (copy == 0) throw new OutOfMemoryException("MujocoModel: mj_copyModel could not allocate the copy.");
        *(double*)((byte*)copy + Mujoco.Layout.Timestep) = timestep;
        return new MujocoModel(copy);
    }

    /// <summary>Id of the named object of a kind, or -1 when there is none.</summary>
    public int BodyId(string name) => NameToId(Pointer, MujocoNative.ObjBody, name);

    /// <summary>Id of the named joint, or -1.</summary>
    public int JointId(string name) => NameToId(Pointer, MujocoNative.ObjJoint, name);

    /// <summary>Id of the named geom, or -1.</summary>
    public int GeomId(string name) => NameToId(Pointer, MujocoNative.ObjGeom, name);

    /// <summary>Id of the named site, or -1.</summary>
    public int SiteId(string name) => NameToId(Pointer, MujocoNative.ObjSite, name);

    /// <summary>Id of the named actuator, or -1.</summary>
    public int ActuatorId(string name) => NameToId(Pointer, MujocoNative.ObjActuator, name);

    /// <summary>Index in qpos of the named joint's first coordinate.</summary>
    /// <exception cref="ArgumentException">The model has no joint of that name.</exception>
    public int QposAddress(string joint) => IntArray(Mujoco.Layout.JntQposAdr, JointCount)[RequireJoint(joint)];

    /// <summary>Index in qvel of the named joint's first degree of freedom.</summary>
    /// <exception cref="ArgumentException">The model has no joint of that name.</exception>
    public int DofAddress(string joint) => IntArray(Mujoco.Layout.JntDofAdr, JointCount)[RequireJoint(joint)];

    /// <summary>Joint type per joint (mjtJoint: 0 free, 1 ball, 2 slide, 3 hinge).</summary>
    public ReadOnlySpan<int> JointType => IntArray(Mujoco.Layout.JntType, JointCount);

    /// <summary>Joint limits (low, high) per joint, njnt x 2, in radians or metres; (0, 0) when unset.</summary>
    public ReadOnlySpan<double> JointRange => DoubleArray(Mujoco.Layout.JntRange, 2 * JointCount);

    /// <summary>Index in qpos of each joint's first coordinate.</summary>
    public ReadOnlySpan<int> JointQposAddress => IntArray(Mujoco.Layout.JntQposAdr, JointCount);

    /// <summary>Control range (low, high) per actuator, nu x 2.</summary>
    public ReadOnlySpan<double> ActuatorControlRange => DoubleArray(Mujoco.Layout.ActuatorCtrlRange, 2 * Nu);

    /// <summary>Geom type per geom (mjtGeom: 0 plane, 2 sphere, 3 capsule, 4 ellipsoid, 5 cylinder, 6 box).</summary>
    public ReadOnlySpan<int> GeomType => IntArray(Mujoco.Layout.GeomType, GeomCount);

    /// <summary>Body id per geom.</summary>
    public ReadOnlySpan<int> GeomBodyId => IntArray(Mujoco.Layout.GeomBodyId, GeomCount);

    /// <summary>Geom size parameters, ngeom x 3 (radius, half-length or half-sizes by type).</summary>
    public ReadOnlySpan<double> GeomSize => DoubleArray(Mujoco.Layout.GeomSize, 3 * GeomCount);

    /// <summary>Mass per body [kg].</summary>
    public ReadOnlySpan<double> BodyMass => DoubleArray(Mujoco.Layout.BodyMass, BodyCount);

    internal nint Pointer => handle;

    internal static nint LoadRaw(string path, out string error)
    {
        const int errorSize = 1000;
        byte* text = stackalloc byte[errorSize];
        text[0] = 0;
        byte[] file = Encoding.UTF8.GetBytes(path + "\0");
        nint m;
        fixed (byte* f = file) m = MujocoNative.LoadXml(f, 0, text, errorSize);
        // MuJoCo's message spans lines (error, then where); one line keeps our errors one line.
        string message = Marshal.PtrToStringUTF8((nint)text) ?? "";
        error = string.Join("; ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        return m;
    }

    internal static int NameToId(nint m, int type, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        byte[] text = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* t = text) return MujocoNative.Name2Id(m, type, t);
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        MujocoNative.DeleteModel(handle);
        return true;
    }

    private int RequireJoint(string joint)
    {
        int id = JointId(joint);
        if (id < 0) throw new ArgumentException($"MujocoModel: no joint named '{joint}'.", nameof(joint));
        return id;
    }

    private ReadOnlySpan<int> IntArray(int offset, int length) => new(*(int**)((byte*)Pointer + offset), length);

    private ReadOnlySpan<double> DoubleArray(int offset, int length) =>
        new(*(double**)((byte*)Pointer + offset), length);
}
