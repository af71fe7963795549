namespace Qail.Experiments;

/// <summary>Receives a study's progress: a stage starts, advances, ends.</summary>
public interface IStudyProgress
{
    /// <summary>A stage with <paramref name="total"/> units of work begins.</summary>
    void Begin(string stage, int total);

    /// <summary>The stage has done <paramref name="done"/> units.</summary>
    void Advance(string stage, int done);

    /// <summary>The stage finished with a one-line summary.</summary>
    void End(string stage, string summary);
}
