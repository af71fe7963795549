using System.Runtime.InteropServices;

namespace Qail.Envs.MuJoCo;

/// <summary>
/// Simulation state and workspace (mjData) of one <see cref="MujocoModel"/>; freed when disposed. The spans view
/// MuJoCo's own arrays (no copies): write qpos/qvel/ctrl, step, then read positions and sensors.
/// </summary>
public sealed unsafe class MujocoData : SafeHandle
{
    private readonly MujocoLayout _layout = Mujoco.Layout;

    /// <summary>Allocates data for <paramref name="model"/> and resets it to the model's initial state.</summary>
    public MujocoData(MujocoModel model)
        : base(0, ownsHandle: true)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        SetHandle(MujocoNative.MakeData(model.Pointer));
        if (IsInvalid) throw new OutOfMemoryException("MujocoData: mj_makeData could not allocate the data.");
        SensorCount = *(int*)((byte*)model.Pointer + _layout.SensorDataCount);
    }

    /// <summary>The model this data simulates.</summary>
    public MujocoModel Model { get; }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == 0;

    /// <summary>Length of <see cref="SensorData"/>.</summary>
    public int SensorCount { get; }

    /// <summary>Generalized positions, nq.</summary>
    public Span<double> Qpos => Doubles(_layout.Qpos, Model.Nq);

    /// <summary>Generalized velocities, nv.</summary>
    public Span<double> Qvel => Doubles(_layout.Qvel, Model.Nv);

    /// <summary>Actuator activations, na.</summary>
    public Span<double> Act => Doubles(_layout.Act, Model.Na);

    /// <summary>Controls, nu (clamped by MuJoCo to each actuator's ctrlrange when limited).</summary>
    public Span<double> Ctrl => Doubles(_layout.Ctrl, Model.Nu);

    /// <summary>Sensor readings of the last forward pass.</summary>
    public ReadOnlySpan<double> SensorData => Doubles(_layout.SensorData, SensorCount);

    /// <summary>Body frame positions in the world, nbody x 3.</summary>
    public ReadOnlySpan<double> Xpos => Doubles(_layout.Xpos, 3 * Model.BodyCount);

    /// <summary>Body frame orientations as unit quaternions (w, x, y, z), nbody x 4.</summary>
    public ReadOnlySpan<double> Xquat => Doubles(_layout.Xquat, 4 * Model.BodyCount);

    /// <summary>Body frame orientations as row-major rotation matrices, nbody x 9.</summary>
    public ReadOnlySpan<double> Xmat => Doubles(_layout.Xmat, 9 * Model.BodyCount);

    /// <summary>Body centres of mass in the world, nbody x 3.</summary>
    public ReadOnlySpan<double> Xipos => Doubles(_layout.Xipos, 3 * Model.BodyCount);

    /// <summary>Geom centres in the world, ngeom x 3.</summary>
    public ReadOnlySpan<double> GeomXpos => Doubles(_layout.GeomXpos, 3 * Model.GeomCount);

    /// <summary>Geom orientations as row-major rotation matrices, ngeom x 9.</summary>
    public ReadOnlySpan<double> GeomXmat => Doubles(_layout.GeomXmat, 9 * Model.GeomCount);

    /// <summary>Contacts found by the last forward pass or step (mjData.ncon).</summary>
    public int ContactCount => *(int*)(D + _layout.ContactCount);

    /// <summary>Length of a <see cref="SaveState"/> buffer.</summary>
    public int StateSize => Model.Nq + 2 * Model.Nv + Model.Na + Model.Nu;

    /// <summary>Advances the simulation by one physics time step (mj_step).</summary>
    public void Step() => MujocoNative.Step(Model.Pointer, handle);

    /// <summary>
    /// Computes positions, velocities-dependent terms and sensors without advancing time (mj_forward).
    /// </summary>
    public void Forward() => MujocoNative.Forward(Model.Pointer, handle);

    /// <summary>Resets to the model's initial state (mj_resetData).</summary>
    public void Reset() => MujocoNative.ResetData(Model.Pointer, handle);

    /// <summary>Copies the whole of <paramref name="source"/> (same model) into this data (mj_copyData).</summary>
    public void CopyFrom(MujocoData source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!ReferenceEquals(source.Model, Model))
            throw new ArgumentException("MujocoData.CopyFrom: the source simulates another model.", nameof(source));
        MujocoNative.CopyData(handle, Model.Pointer, source.handle);
    }

    /// <summary>
    /// Writes the state that determines the future (qpos, qvel, act, ctrl, solver warm start) to <paramref
    /// name="state"/>.
    /// </summary>
    public void SaveState(Span<double> state)
    {
        CheckStateLength(state.Length);
        int o = 0;
        foreach (var (offset, length) in StateParts())
        {
            Doubles(offset, length).CopyTo(state.Slice(o, length));
            o += length;
        }
    }

    /// <summary>Restores a state written by <see cref="SaveState"/> (not followed by a forward pass).</summary>
    public void RestoreState(ReadOnlySpan<double> state)
    {
        CheckStateLength(state.Length);
        int o = 0;
        foreach (var (offset, length) in StateParts())
        {
            state.Slice(o, length).CopyTo(Doubles(offset, length));
            o += length;
        }
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        MujocoNative.DeleteData(handle);
        return true;
    }

    private byte* D => (byte*)handle;

    private (int Offset, int Length)[] StateParts() =>
        [(_layout.Qpos, Model.Nq), (_layout.Qvel, Model.Nv), (_layout.Act, Model.Na), (_layout.Ctrl, Model.Nu),
         (_layout.QaccWarmstart, Model.Nv)];

    private void CheckStateLength(int length)
    {
        if (length != StateSize)
            throw new ArgumentException($"MujocoData: state has length {length}, expected {StateSize}.", "state");
    }

    private Span<double> Doubles(int offset, int length) => new(*(double**)(D + offset), length);
}
