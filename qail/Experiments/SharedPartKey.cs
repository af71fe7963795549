using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Qail.Experiments;

/// <summary>
/// What a study's config-independent part (<see cref="SharedPart"/>) depends on: every study option except the bit
/// config and the method list, and the code that computes it. Two studies with the same key compute the same teacher,
/// rows and saliency bit for bit; any other option or build gives another key, so a stale entry is never reused.
/// </summary>
public sealed record SharedPartKey(string Env, int Seed, string Text)
{
    /// <summary>Version of the key's text and of the entry's files.</summary>
    public const string Format = "qail-study-shared/1";

    /// <summary>The first 16 hex digits of the text's SHA-256, for file names.</summary>
    public string Hash => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Text)))[..16].ToLowerInvariant();

    /// <summary>The entry's folder name: env, seed and hash.</summary>
    public string FolderName => FormattableString.Invariant($"{Env}__s{Seed}__{Hash}");

    /// <summary>The key of <paramref name="options"/>.</summary>
    public static SharedPartKey Of(StudyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A record prints every property, so an option added later joins the key without anyone remembering to add
        // it; lists print as type names, so their values are written separately. The bit config and the methods are
        // the only options the shared part does not read (saliency is computed once, when a method first asks).
        var scalars = options with { Config = null!, Methods = [], Hidden = [], LearningRates = [], QbcWeights = [] };
        var culture = CultureInfo.CurrentCulture;
        string printed;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            printed = scalars.ToString();
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
        var text = new StringBuilder(Format).Append('|').Append(printed)
            .Append("|hidden ").AppendJoin(',', options.Hidden)
            .Append("|lr ").AppendJoin(',', options.LearningRates.Select(R))
            .Append("|qbc ").AppendJoin(',', options.QbcWeights.Select(R))
            .Append("|code ").Append(CodeIdentity.Value);
        return new SharedPartKey(options.Env, options.Seed, text.ToString().Replace('\t', ' ').Replace('\n', ' '));
    }

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    // The module version ids of the assemblies whose code the shared part runs (a deterministic build gives the same
    // id to the same code): a rebuilt engine with other numerics never reuses an entry of the old one.
    private static class CodeIdentity
    {
        public static readonly string Value = string.Join(',', new[]
        {
            typeof(SharedPartKey), typeof(Nn.Module), typeof(Autograd.Variable), typeof(Engine.Tensor),
            typeof(Kernels.Cpu.MaskedAttentionKernel), typeof(Envs.Env),
        }.Select(t => t.Assembly.ManifestModule.ModuleVersionId.ToString("N")));
    }
}
