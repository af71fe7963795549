using System.CommandLine;

namespace Qail.Cli.Commands;

/// <summary>Range checks on option values, reported by the parser as "--option: ..." before any work starts.</summary>
internal static class OptionChecks
{
    /// <summary>Rejects values below <paramref name="min"/>.</summary>
    public static Option<int> AtLeast(this Option<int> option, int min) => option.Check(v => v >= min, $"must be at least {min}");

    /// <summary>Rejects values outside [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Within(this Option<int> option, int min, int max) => option.Check(v => v >= min && v <= max, $"must lie in {min}..{max}");

    /// <summary>Rejects negative or non-finite values.</summary>
    public static Option<double> NonNegative(this Option<double> option) => option.Check(v => v >= 0 && double.IsFinite(v), "must be a finite number >= 0");

    /// <summary>Rejects values for which <paramref name="valid"/> is false, with "--name: value <paramref name="rule"/>".</summary>
    public static Option<T> Check<T>(this Option<T> option, Func<T, bool> valid, string rule)
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<T>();
            if (!valid(value)) result.AddError($"{option.Name}: {value} {rule}.");
        });
        return option;
    }
}
