namespace Qail.Envs.Manipulation;

/// <summary>
/// One sub-task: make <see cref="Relation"/> hold between object <see cref="Object"/> and object <see cref="Target"/>
/// (indices).
/// </summary>
public sealed record TaskGoal(GoalRelation Relation, int Object, int Target)
{
    /// <summary>Gap between footprints that the expert aims at for left/right-of, metres.</summary>
    public const double SideGap = 0.035;

    /// <summary>Largest gap between footprints that still counts as beside, metres.</summary>
    public const double MaxSideGap = 0.09;

    /// <summary>Largest offset in y between the two centres that still counts as level, metres.</summary>
    public const double MaxSideOffset = 0.05;

    /// <summary>Whether the relation holds in <paramref name="table"/>.</summary>
    public bool IsSatisfiedBy(Tabletop table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var objects = table.Objects;
        if ((uint)Object >= (uint)objects.Count || (uint)Target >= (uint)objects.Count || Object == Target)
            throw new ArgumentException(
                $"TaskGoal: object {Object} and target {Target} must be distinct indices below {objects.Count}.");
        var a = objects[Object];
        var b = objects[Target];
        double d = table.Distance(Object, Target);
        switch (Relation)
        {
            case GoalRelation.In:
                return b.Kind == ObjectKind.Bowl && a.Support != Tabletop.InGripper && table.IsWithin(Object, Target)
                    && d + a.Radius <= b.InnerRadius + 1e-9;
            case GoalRelation.On:
            case GoalRelation.Stack:
                return a.Support != Tabletop.InGripper && table.IsWithin(Object, Target) && d <= b.Radius;
            case GoalRelation.LeftOf:
            case GoalRelation.RightOf:
                if (a.Support != Tabletop.OnTable) return false;
                double sign = Relation == GoalRelation.LeftOf ? 1 : -1;
                double gap = sign * (b.X - a.X) - a.Radius - b.Radius;
                return gap >= -0.005 && gap <= MaxSideGap && Math.Abs(a.Y - b.Y) <= MaxSideOffset;
            default:
                throw new ArgumentException($"TaskGoal: unknown relation {Relation}.");
        }
    }

    /// <summary>
    /// Where the expert brings the object's centre for a left/right-of goal, given the current positions.
    /// </summary>
    public (double X, double Y) SideTarget(Tabletop table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (Relation is not (GoalRelation.LeftOf or GoalRelation.RightOf))
            throw new ArgumentException($"TaskGoal.SideTarget: relation {Relation} is not left/right-of.");
        var a = table.Objects[Object];
        var b = table.Objects[Target];
        double sign = Relation == GoalRelation.LeftOf ? -1 : 1;
        return (b.X + sign * (a.Radius + b.Radius + SideGap), b.Y);
    }

    /// <summary>
    /// The sentence for this goal, e.g. "put the red block in the blue bowl"; <paramref name="qualifier"/> precedes the
    /// object's words.
    /// </summary>
    public string Sentence(IReadOnlyList<TabletopObject> objects, string? qualifier = null)
    {
        ArgumentNullException.ThrowIfNull(objects);
        string a = (qualifier is null ? "" : qualifier + " ") + objects[Object].Words, b = objects[Target].Words;
        return Relation switch
        {
            GoalRelation.In => $"put the {a} in the {b}",
            GoalRelation.On => $"put the {a} on the {b}",
            GoalRelation.Stack => $"stack the {a} on the {b}",
            GoalRelation.LeftOf => $"push the {a} to the left of the {b}",
            GoalRelation.RightOf => $"push the {a} to the right of the {b}",
            _ => throw new ArgumentException($"TaskGoal: unknown relation {Relation}."),
        };
    }
}
