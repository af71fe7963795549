namespace Qail.Envs.Manipulation;

/// <summary>The relation a sub-task asks to make true between an object and a target.</summary>
public enum GoalRelation
{
    /// <summary>
    /// "put the A in the B": A rests inside bowl B (on its floor or on something there), centred within its rim.
    /// </summary>
    In,

    /// <summary>"put the A on the B": A rests on B directly or through a stack, centred over B's footprint.</summary>
    On,

    /// <summary>"stack the A on the B": as <see cref="On"/>, said of blocks and cylinders.</summary>
    Stack,

    /// <summary>
    /// "push the A to the left of the B": A stands on the table just left of B (smaller x), level with it.
    /// </summary>
    LeftOf,

    /// <summary>
    /// "push the A to the right of the B": A stands on the table just right of B (larger x), level with it.
    /// </summary>
    RightOf,
}
