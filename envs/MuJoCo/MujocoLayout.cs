using System.Globalization;

namespace Qail.Envs.MuJoCo;

/// <summary>
/// Where the fields we use sit inside MuJoCo's mjModel and mjData structs. Rather than trusting a transcribed header,
/// the offsets are found once per process on a small calibration model whose sizes, parameters and kinematics are
/// known here, and every field is checked against those known values; any mismatch makes MuJoCo unavailable with the
/// reason, never a silent misread.
/// </summary>
internal sealed unsafe class MujocoLayout
{
    // mjModel begins with its sizes as ints, in this order, since MuJoCo 2.0.
    public const int NqOffset = 0, NvOffset = 4, NuOffset = 8, NaOffset = 12, NbodyOffset = 16, NjntOffset = 20,
        NgeomOffset = 24, NsiteOffset = 28;

    private const double CalibrationTimestep = 0.00321, HingeAngle = 0.3, SlideShift = 0.05;
    private static readonly double[] BodyA = [0.123, -0.234, 0.345];

    // A free body a, a hinged child b (about y) and a sliding grandchild c (along x), two motors, 7 sensor values.
    private static readonly string CalibrationXml = string.Create(CultureInfo.InvariantCulture, $"""
        <mujoco model="qail-calibration">
          <compiler angle="radian"/>
          <option timestep="{CalibrationTimestep}"/>
          <worldbody>
            <body name="a" pos="{BodyA[0]} {BodyA[1]} {BodyA[2]}">
              <freejoint name="free"/>
              <geom name="ga" type="box" size="0.11 0.12 0.13" pos="0.05 0 0" mass="1"/>
              <body name="b" pos="0.2 0 0">
                <joint name="hinge" type="hinge" axis="0 1 0" limited="true" range="-0.61 0.67"/>
                <geom name="gb" type="sphere" size="0.07" pos="0 0 -0.1" mass="0.5"/>
                <site name="sb" pos="0.01 0.02 0.03"/>
                <body name="c" pos="0 0 -0.3">
                  <joint name="slide" type="slide" axis="1 0 0" limited="true" range="-0.71 0.73"/>
                  <geom name="gc" type="capsule" size="0.03" fromto="0 0 0 0.1 0 0" mass="0.25"/>
                </body>
              </body>
            </body>
          </worldbody>
          <actuator>
            <motor name="m_hinge" joint="hinge" gear="2" ctrlrange="-0.37 0.41" ctrllimited="true"/>
            <motor name="m_slide" joint="slide" ctrlrange="-0.53 0.59" ctrllimited="true"/>
          </actuator>
          <sensor>
            <jointpos joint="hinge"/>
            <jointpos joint="slide"/>
            <actuatorfrc actuator="m_hinge"/>
            <actuatorfrc actuator="m_slide"/>
            <framepos objtype="site" objname="sb"/>
          </sensor>
        </mujoco>
        """);

    // Three free spheres over a floor; each rests 5 cm into it (one contact) or hangs clear, per calibration state.
    private const string ContactXml = """
        <mujoco model="qail-contact-calibration">
          <worldbody>
            <geom name="floor" type="plane" size="5 5 0.1"/>
            <body pos="0 0 1"><freejoint/><geom type="sphere" size="0.1"/></body>
            <body pos="1 0 1"><freejoint/><geom type="sphere" size="0.1"/></body>
            <body pos="2 0 1"><freejoint/><geom type="sphere" size="0.1"/></body>
          </worldbody>
        </mujoco>
        """;

    // Contacts in each calibration state: ncon follows them; maxuse_con (2, 3, 3, 3) and nefc (x4) do not.
    private static readonly int[] ContactCounts = [2, 3, 0, 1];

    public int Timestep { get; private init; }
    public int ActuatorCtrlRange { get; private init; }
    public int JntType { get; private init; }
    public int JntRange { get; private init; }
    public int JntQposAdr { get; private init; }
    public int JntDofAdr { get; private init; }
    public int GeomType { get; private init; }
    public int GeomBodyId { get; private init; }
    public int GeomSize { get; private init; }
    public int BodyMass { get; private init; }
    public int Qpos { get; private init; }
    public int Qvel { get; private init; }
    public int Act { get; private init; }
    public int QaccWarmstart { get; private init; }
    public int Ctrl { get; private init; }
    public int SensorData { get; private init; }
    /// <summary>The mjModel size nsensordata.</summary>
    public int SensorDataCount { get; private init; }
    public int Xpos { get; private init; }
    public int Xquat { get; private init; }
    public int Xmat { get; private init; }
    public int Xipos { get; private init; }
    public int GeomXpos { get; private init; }
    public int GeomXmat { get; private init; }
    /// <summary>The mjData field ncon: contacts found by the last collision pass.</summary>
    public int ContactCount { get; private set; }

    /// <summary>
    /// Finds and checks every offset; throws <see cref="InvalidOperationException"/> naming the field that failed.
    /// </summary>
    public static MujocoLayout Discover()
    {
        var layout = OnModel(CalibrationXml, Calibrate);
        layout.ContactCount = OnModel(ContactXml, (m, d) => FindContactCount(m, d, layout.Qpos));
        return layout;
    }

    private delegate T Calibration<out T>(byte* model, byte* data);

    /// <summary>Compiles <paramref name="xml"/>, runs <paramref name="calibrate"/> on it and frees both.</summary>
    private static T OnModel<T>(string xml, Calibration<T> calibrate)
    {
        string path = Path.Combine(Path.GetTempPath(), $"qail-mujoco-calibration-{Environment.ProcessId}.xml");
        File.WriteAllText(path, xml);
        nint m, d;
        try
        {
            m = MujocoModel.LoadRaw(path, out string error);
            if (m == 0) throw new InvalidOperationException($"MuJoCo could not compile the calibration model: {error}");
        }
        finally
        {
            File.Delete(path);
        }
        d = MujocoNative.MakeData(m);
        try
        {
            return calibrate((byte*)m, (byte*)d);
        }
        finally
        {
            MujocoNative.DeleteData(d);
            MujocoNative.DeleteModel(m);
        }
    }

    /// <summary>
    /// The one int of mjData's scalar part (before the array pointers, which start at <paramref name="qposField"/>)
    /// that counts the contacts of every calibration state, each set up by lowering spheres into the floor.
    /// </summary>
    private static int FindContactCount(byte* m, byte* d, int qposField)
    {
        MujocoNative.ResetData((nint)m, (nint)d);
        double* qpos = *(double**)(d + qposField);
        var values = new int[ContactCounts.Length, qposField / 4];
        for (int state = 0; state < ContactCounts.Length; state++)
        {
            for (int sphere = 0; sphere < 3; sphere++) qpos[7 * sphere + 2] = sphere < ContactCounts[state] ? 0.05 : 1;
            MujocoNative.Forward((nint)m, (nint)d);
            for (int o = 0; o < qposField / 4; o++) values[state, o] = ((int*)d)[o];
        }
        int found = -1, matches = 0;
        for (int o = 0; o < qposField / 4; o++)
        {
            bool follows = true;
            for (int state = 0; state < ContactCounts.Length; state++)
                follows &= values[state, o] == ContactCounts[state];
            if (follows) { found = 4 * o; matches++; }
        }
        Check(matches == 1, "mjData ncon");
        return found;
    }

    private static MujocoLayout Calibrate(byte* m, byte* d)
    {
        Check(*(int*)(m + NqOffset) == 9 && *(int*)(m + NvOffset) == 8 && *(int*)(m + NuOffset) == 2
              && *(int*)(m + NaOffset) == 0 && *(int*)(m + NbodyOffset) == 4 && *(int*)(m + NjntOffset) == 3
              && *(int*)(m + NgeomOffset) == 3 && *(int*)(m + NsiteOffset) == 1, "mjModel sizes (nq, nv, nu, ...)");
        CheckId(m, MujocoNative.ObjBody, "c", 3);
        CheckId(m, MujocoNative.ObjJoint, "slide", 2);
        CheckId(m, MujocoNative.ObjGeom, "gb", 1);
        CheckId(m, MujocoNative.ObjSite, "sb", 0);
        CheckId(m, MujocoNative.ObjActuator, "m_slide", 1);

        int timestep = -1;
        for (int o = 32; o < 4096 && timestep < 0; o += 8)
            if (*(double*)(m + o) == CalibrationTimestep) timestep = o;
        Check(timestep >= 0, "mjModel opt.timestep");

        double[] qpos0 = [BodyA[0], BodyA[1], BodyA[2], 1, 0, 0, 0, 0, 0];
        var model = new PointerFields(m, 4096, 1, p => Same((double*)p, qpos0));
        int ctrlRange = model.Find(0, p => Same((double*)p, [-0.37, 0.41, -0.53, 0.59]), "actuator_ctrlrange");
        int jointType = model.Find(0, p => Same((int*)p, [0, 3, 2]), "jnt_type"); // free, hinge, slide
        int qposAdr = model.Find(model.Index(jointType) + 1, p => Same((int*)p, [0, 7, 8]), "jnt_qposadr");
        int dofAdr = model.Find(model.Index(qposAdr) + 1, p => Same((int*)p, [0, 6, 7]), "jnt_dofadr");
        int jointRange = model.Find(0, p => Same((double*)p, [0, 0, -0.61, 0.67, -0.71, 0.73]), "jnt_range");
        int geomType = model.Find(0, p => Same((int*)p, [6, 2, 3]), "geom_type"); // box, sphere, capsule
        int geomBody = model.Find(model.Index(geomType) + 1, p => Same((int*)p, [1, 2, 3]), "geom_bodyid");
        double[] geomSizes = [0.11, 0.12, 0.13, 0.07, 0, 0, 0.03, 0.05, 0];
        int geomSize = model.Find(0, p => Same((double*)p, geomSizes, 1e-12), "geom_size");
        int bodyMass = model.Find(0, p => Same((double*)p, [0, 1, 0.5, 0.25]), "body_mass");

        // mjData: reset gives qpos = qpos0; the state pointers follow in a fixed order, sized nq, nv, na, nv.
        MujocoNative.ResetData((nint)m, (nint)d);
        var data = new PointerFields(d, 1 << 16, 2, p => Same((double*)p, qpos0));
        // 2.2.2 starts every mjData array on a 64-byte boundary.
        Check(data.Count > 6 && data.Gap(0) == 128 && data.Gap(1) == 64 && data.Gap(2) == 0 && data.Gap(3) == 64,
            "mjData qpos, qvel, act, qacc_warmstart");
        double* qpos = (double*)data.Target(0);
        qpos[7] = HingeAngle;
        qpos[8] = SlideShift;
        double* ctrl = (double*)data.Target(4);
        ctrl[0] = 0.3;
        ctrl[1] = -0.2;
        MujocoNative.Forward((nint)m, (nint)d);

        double c = Math.Cos(HingeAngle), s = Math.Sin(HingeAngle);
        double[] a = BodyA, b = [a[0] + 0.2, a[1], a[2]];
        double[] site = [b[0] + 0.01 * c + 0.03 * s, b[1] + 0.02, b[2] - 0.01 * s + 0.03 * c];
        double[] sensors = [HingeAngle, SlideShift, 0.3, -0.2, .. site];
        int sensor = data.Find(5, p => Same((double*)p, sensors, 1e-12), "sensordata / ctrl");
        double[] cPos = [b[0] - 0.3 * s + SlideShift * c, b[1], b[2] - 0.3 * c - SlideShift * s];
        int xpos = data.Find(5, p => Same((double*)p, [0, 0, 0, .. a, .. b, .. cPos], 1e-12), "xpos");
        double ch = Math.Cos(HingeAngle / 2), sh = Math.Sin(HingeAngle / 2);
        double[] quats = [1, 0, 0, 0, 1, 0, 0, 0, ch, 0, sh, 0, ch, 0, sh, 0];
        int xquat = data.Find(5, p => Same((double*)p, quats, 1e-12), "xquat");
        double[] rot = [c, 0, s, 0, 1, 0, -s, 0, c], eye = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        int xmat = data.Find(5, p => Same((double*)p, [.. eye, .. eye, .. rot, .. rot], 1e-12), "xmat");
        // Each body's only geom holds its mass, so the body's centre of mass and its geom's centre coincide.
        double[] ga = [a[0] + 0.05, a[1], a[2]], gb = [b[0] - 0.1 * s, b[1], b[2] - 0.1 * c];
        double[] gc = [cPos[0] + 0.05 * c, cPos[1], cPos[2] - 0.05 * s];
        int xipos = data.Find(5, p => Same((double*)p, [0, 0, 0, .. ga, .. gb, .. gc], 1e-12), "xipos");
        int geomXpos = data.Find(5, p => Same((double*)p, [.. ga, .. gb, .. gc], 1e-12), "geom_xpos");
        // The capsule's own frame is turned by its fromto, so only the box's and the sphere's orientations are checked.
        int geomXmat = data.Find(data.Index(geomXpos) + 1, p => Same((double*)p, [.. eye, .. rot], 1e-12), "geom_xmat");
        // nsensordata (7) is the only size of the calibration model with that value; sizes precede opt.timestep.
        int sensorCount = -1, matches = 0;
        for (int o = 32; o < timestep; o += 4)
            if (*(int*)(m + o) == 7) { sensorCount = o; matches++; }
        Check(matches == 1, "mjModel nsensordata");
        return new MujocoLayout
        {
            Timestep = timestep, ActuatorCtrlRange = ctrlRange, JntQposAdr = qposAdr, JntDofAdr = dofAdr,
            JntType = jointType, JntRange = jointRange, GeomType = geomType, GeomBodyId = geomBody, GeomSize = geomSize,
            BodyMass = bodyMass,
            Qpos = data.Offsets[0], Qvel = data.Offsets[1], Act = data.Offsets[2], QaccWarmstart = data.Offsets[3],
            Ctrl = data.Offsets[4], SensorData = sensor, SensorDataCount = sensorCount,
            Xpos = xpos, Xquat = xquat, Xmat = xmat, Xipos = xipos, GeomXpos = geomXpos, GeomXmat = geomXmat,
        };
    }

    /// <summary>
    /// The consecutive pointer fields of one struct, starting at the first field whose target satisfies the
    /// predicate and that equals the field <c>lag</c> words before it (the struct's buffer pointer, since the first
    /// array starts the buffer); the run ends where the addresses stop increasing.
    /// </summary>
    private sealed class PointerFields
    {
        private readonly byte* _base;

        public PointerFields(byte* s, int searchBytes, int lag, Func<nint, bool> isFirst)
        {
            _base = s;
            for (int o = 8 * lag; o < searchBytes; o += 8)
            {
                nint value = *(nint*)(s + o);
                // The calibration model is small, so its arrays sit in the same heap as its struct: anything else
                // (sizes, options, statistics) is not dereferenced.
                if (Math.Abs((long)value - (long)s) > 1L << 32 || value % 8 != 0) continue;
                if (value != *(nint*)(s + o - 8 * lag) || !isFirst(value)) continue;
                var offsets = new List<int> { o };
                nint previous = value;
                for (int f = o + 8; offsets.Count < 1000; f += 8)
                {
                    nint next = *(nint*)(s + f);
                    if (next < previous || next - previous > (1 << 26)) break;
                    offsets.Add(f);
                    previous = next;
                }
                Offsets = offsets.ToArray();
                return;
            }
            throw new InvalidOperationException(
                "MuJoCo layout check failed: the struct's array pointers were not found.");
        }

        public int[] Offsets { get; } = [];

        public int Count => Offsets.Length;

        public nint Target(int i) => *(nint*)(_base + Offsets[i]);

        public long Gap(int i) => (long)Target(i + 1) - Target(i);

        public int Index(int offset) => Array.IndexOf(Offsets, offset);

        public int Find(int from, Func<nint, bool> matches, string what)
        {
            for (int i = Math.Max(from, 0); i < Offsets.Length; i++)
                if (matches(Target(i))) return Offsets[i];
            throw new InvalidOperationException(
                $"MuJoCo layout check failed: field {what} was not found where 2.2.2 keeps it.");
        }
    }

    private static bool Same(double* p, double[] expected, double tolerance = 0)
    {
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(p[i] - expected[i]) <= tolerance)) return false;
        return true;
    }

    private static bool Same(int* p, int[] expected)
    {
        for (int i = 0; i < expected.Length; i++)
            if (p[i] != expected[i]) return false;
        return true;
    }

    private static void CheckId(byte* m, int type, string name, int expected)
    {
        Check(MujocoModel.NameToId((nint)m, type, name) == expected, $"mj_name2id for object type {type} ('{name}')");
    }

    private static void Check(bool ok, string what)
    {
        if (!ok)
            throw new InvalidOperationException($"MuJoCo layout check failed: {what} does not match MuJoCo 2.2.2.");
    }
}
