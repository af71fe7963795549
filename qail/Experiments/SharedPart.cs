using Qail.Envs;
using Qail.Evaluation;
using Qail.Policies;
using Qail.Training;

namespace Qail.Experiments;

/// <summary>
/// The part of a study cell that no bit config changes: the expert demonstrations (with DAgger's rounds, when it
/// ran), the early-stopped FP teacher, its test row and visited states, the expert's test row, the "FP + extra
/// epochs" control and SQIL's teacher saliency.
/// <see cref="SharedPartCache"/> computes it once per <see cref="SharedPartKey"/> and hands it to every config.
/// </summary>
public sealed class SharedPart
{
    private readonly PolicyNetwork _teacher;

    /// <summary>
    /// Wraps a computed (or reloaded) shared part; a copy of <paramref name="teacher"/> is kept, so what the cell that
    /// trained it does next reaches no other cell.
    /// </summary>
    public SharedPart(SharedPartKey key, Demonstrations demonstrations, PolicyNetwork teacher, StudyRow fullPrecision,
        IReadOnlyList<Observation> fpStates, StudyRow? expert, StudyRow? control, PolicyNetwork? controlNetwork,
        bool aggregated = false)
    {
        Aggregated = aggregated;
        Key = key ?? throw new ArgumentNullException(nameof(key));
        Demonstrations = demonstrations ?? throw new ArgumentNullException(nameof(demonstrations));
        ArgumentNullException.ThrowIfNull(teacher);
        _teacher = (PolicyNetwork)teacher.DeepCopy();
        FullPrecision = fullPrecision ?? throw new ArgumentNullException(nameof(fullPrecision));
        FpStates = fpStates ?? throw new ArgumentNullException(nameof(fpStates));
        Expert = expert;
        Control = control;
        ControlNetwork = controlNetwork;
        TeacherFingerprint = PolicyFingerprint.Of(_teacher);
    }

    /// <summary>What the part depends on.</summary>
    public SharedPartKey Key { get; }

    /// <summary>The expert demonstrations the teacher imitated.</summary>
    public Demonstrations Demonstrations { get; }

    /// <summary>
    /// The demonstrations hold DAgger's rounds: no cache recollects them, so they are stored with the part.
    /// </summary>
    public bool Aggregated { get; }

    /// <summary>The FP32 row: the teacher's test episodes, its training report and the kept-epoch note.</summary>
    public StudyRow FullPrecision { get; }

    /// <summary>The states the FP policy visits in the test episodes (for the action error on FP states).</summary>
    public IReadOnlyList<Observation> FpStates { get; }

    /// <summary>The expert's test row (null when the study runs without controls).</summary>
    public StudyRow? Expert { get; }

    /// <summary>The "FP + extra epochs" row (null when the study runs without controls).</summary>
    public StudyRow? Control { get; }

    /// <summary>The control's weights (null when the study runs without controls).</summary>
    public PolicyNetwork? ControlNetwork { get; }

    /// <summary>The teacher's <see cref="PolicyFingerprint"/>, checked whenever it is reloaded.</summary>
    public string TeacherFingerprint { get; }

    /// <summary>
    /// SQIL's teacher saliency per demonstration step, with its patch size, once a cell has computed (or reloaded) it.
    /// </summary>
    public (int PatchSize, float[] Scores)? Saliency { get; set; }

    /// <summary>
    /// A private copy of the teacher for one cell: nothing a cell does reaches another cell's teacher.
    /// </summary>
    public PolicyNetwork Teacher() => (PolicyNetwork)_teacher.DeepCopy();
}
