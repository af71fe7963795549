using System.CommandLine;

namespace Qail.Cli.Commands;

/// <summary>Range checks on option values, reported by the parser as "--option: ..." before any work starts.</summary>
internal static class OptionChecks
{
    /// <summary>Rejects values below <paramref name="min"/>.</summary>
    public static Option<int> AtLeast(this Option<int> option, int min) =>
        option.Check(v => v >= min, $"must be at least {min}");

    /// <summary>Rejects values outside [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Within(this Option<int> option, int min, int max) =>
        option.Check(v => v >= min && v <= max, $"must lie in {min}..{max}");

    /// <summary>
    /// Rejects unset-able values outside [<paramref name="min"/>, <paramref name="max"/>]; null (use the default)
    /// passes.
    /// </summary>
    public static Option<int?> Within(this Option<int?> option, int min, int max) =>
        option.Check(v => v is null || (v >= min && v <= max), $"must lie in {min}..{max}");

    /// <summary>Rejects negative or non-finite values.</summary>
    public static Option<double> NonNegative(this Option<double> option) =>
        option.Check(v => v >= 0 && double.IsFinite(v), "must be a finite number >= 0");

    /// <summary>Rejects negative or non-finite values; null (use the default) passes.</summary>
    public static Option<double?> NonNegative(this Option<double?> option) =>
        option.Check(v => v is null || (v >= 0 && double.IsFinite(v.Value)), "must be a finite number >= 0");

    /// <summary>Activation bit widths: 0 (weight-only) or 2..8.</summary>
    public static Option<int> ActivationBits(this Option<int> option) =>
        option.Check(v => v == 0 || v is >= 2 and <= 8, "must be 0 (weight-only) or lie in 2..8");

    /// <summary>
    /// Reads a list of enum members by name, separated by spaces or commas. The stock enum parser would read "ptq,awq"
    /// as the bitwise OR of the two values, silently naming a third method.
    /// </summary>
    public static Option<TEnum[]> NamedList<TEnum>(this Option<TEnum[]> option) where TEnum : struct, Enum
    {
        option.CustomParser = result =>
        {
            var values = new List<TEnum>();
            foreach (var token in result.Tokens)
                foreach (var name in token.Value.Split(',',
                    StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var match = Enum.GetNames<TEnum>().FirstOrDefault(n =>
                        n.Equals(name, StringComparison.OrdinalIgnoreCase));
                    if (match is null)
                    {
                        result.AddError(
                            $"{option.Name}: '{name}' is not one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
                        return [];
                    }
                    values.Add(Enum.Parse<TEnum>(match));
                }
            return [.. values];
        };
        return option;
    }

    /// <summary>
    /// Rejects values for which <paramref name="valid"/> is false, with "--name: value <paramref name="rule"/>".
    /// </summary>
    public static Option<T> Check<T>(this Option<T> option, Func<T, bool> valid, string rule)
    {
        option.Validators.Add(result =>
        {
            // A value that does not convert is already reported by the parser.
            T value;
            try
            {
                value = result.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                return;
            }
            if (!valid(value)) result.AddError($"{option.Name}: {value} {rule}.");
        });
        return option;
    }
}
