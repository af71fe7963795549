using Qail.Policies;

namespace Qail.Quantization;

/// <summary>
/// What <see cref="Awq.Apply"/> produced: the prepared student, its rescaled full-precision network and the search
/// record.
/// </summary>
/// <param name="Student">The fake-quantized, calibrated copy of <see cref="Rescaled"/> (what round-to-nearest PTQ
/// gives, on the rescaled weights).</param>
/// <param name="Rescaled">The full-precision network after folding the scales: the same function as the input
/// network.</param>
/// <param name="Scalings">One entry per searched scale group, in forward order.</param>
/// <param name="Skipped">Weight layers whose inputs were not rescaled (left at round-to-nearest or full precision),
/// with the reason.</param>
public sealed record AwqResult(PolicyNetwork Student, PolicyNetwork Rescaled, IReadOnlyList<AwqScaling> Scalings,
    IReadOnlyList<AwqSkip> Skipped);
