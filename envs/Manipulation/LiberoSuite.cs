namespace Qail.Envs.Manipulation;

/// <summary>The four task suites, after LIBERO's.</summary>
public enum LiberoSuite
{
    /// <summary>
    /// "libero-spatial": the same five objects in ten layouts; the instruction picks one of two red blocks by where it
    /// is (left/right/front/back).
    /// </summary>
    Spatial,

    /// <summary>
    /// "libero-object": ten different target objects among distractors, each to be put in the white bowl.
    /// </summary>
    Object,

    /// <summary>"libero-goal": one layout, ten different goals (put in, put on, stack, push beside).</summary>
    Goal,

    /// <summary>"libero-long": ten tasks of two or three chained sub-tasks.</summary>
    Long,
}
