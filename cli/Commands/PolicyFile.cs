using System.Globalization;
using Qail.Deployment;
using Qail.Envs;
using Qail.Exporting;
using Qail.Engine.Serialization;
using Qail.Nn.Checkpoints;
using Qail.Policies;
using Qail.Runtime;
using SafeTensors = Qail.Engine.Serialization.SafeTensors;

namespace Qail.Cli.Commands;

/// <summary>
/// The two policy files the commands exchange: a full-precision checkpoint (`qail train`: the network's state plus
/// its family, env and widths in the safetensors metadata, enough to rebuild it) and a deployed integer policy
/// (`qail quantize`: <see cref="DeployedPolicy"/>'s own format). The metadata tells them apart.
/// </summary>
internal static class PolicyFile
{
    private const string FormatKey = "qail.format";
    private const string Format = "qail-fp-policy/1";
    private const string FamilyKey = "qail.family";
    private const string EnvKey = "qail.env";
    private const string HiddenKey = "qail.hidden";
    private const string SeedKey = "qail.seed";
    private const int MaxHiddenLayers = 16;
    private const int MaxHiddenWidth = 1 << 16;

    /// <summary>Most weights between the hidden layers of an MLP (256 MB of float32).</summary>
    public const long MaxHiddenWeights = 1L << 26;

    /// <summary>
    /// Smallest normalisation std a checkpoint may hold: below it a state's normalised value overflows.
    /// </summary>
    public const float MinStd = 1e-6f;

    /// <summary>Writes a trained full-precision network with what <see cref="Load"/> needs to rebuild it.</summary>
    public static void SaveFullPrecision(PolicyNetwork network, string family, string envName, int[] hidden, int seed,
        string path) =>
        Checkpoint.Save(network, path, new Dictionary<string, string>
        {
            [FormatKey] = Format,
            [FamilyKey] = family,
            [EnvKey] = envName,
            [HiddenKey] = string.Join(",", hidden),
            [SeedKey] = seed.ToString(CultureInfo.InvariantCulture),
        });

    /// <summary>
    /// Loads either kind of policy file given as <paramref name="option"/>; faults name the option and path.
    /// </summary>
    public static LoadedPolicy Load(string path, string option) =>
        InputFile.Read(path, option, "policy file", p =>
        {
            var archive = SafeTensors.Load(p);
            // Both kinds are written with a whole-file CRC: a changed byte is refused, never loaded as another policy.
            if (!archive.Checksummed)
                throw new InvalidDataException($"it carries no \"{SafeTensors.ChecksumKey}\" checksum; `qail train` "
                    + "and `qail quantize` write one.");
            if (archive.Metadata.ContainsKey(DeployedPolicy.ConfigKey))
            {
                var deployed = DeployedPolicy.Load(p);
                return new LoadedPolicy(p, deployed.AsPolicy(), null, null, deployed.Precision, deployed.ModelBytes);
            }
            if (!archive.Metadata.TryGetValue(FormatKey, out var format) || format != Format)
                throw new InvalidDataException($"its metadata has neither \"{DeployedPolicy.ConfigKey}\" (deployed "
                    + $"policy) nor \"{FormatKey}\": \"{Format}\" (full-precision checkpoint from `qail train`).");
            string family = Required(archive, FamilyKey);
            string envName = EnvName.Require(Required(archive, EnvKey), EnvKey);
            var spec = Env.Lookup(envName).Create().Spec;
            var hidden = ParseHidden(Required(archive, HiddenKey), HiddenKey);
            // The widths come from the file: the network they declare must fit in the values the file holds before it
            // is built.
            if (family == "mlp") CheckHeld(MlpParameters(spec, hidden), archive);
            var network = PolicyFactory.Create(family, spec, hidden, seed: 0);
            network.LoadState(archive.Tensors);
            CheckNormalisation(archive);
            network.Eval();
            long bytes = network.Parameters().Sum(w => w.Value.ElementCount * 4L);
            return new LoadedPolicy(p, new EvalModePolicy(network, "FP32"), network, envName, "FP32", bytes);
        });

    /// <summary>
    /// Parses "256,256" into hidden widths (1..16 layers, each 1..65536, at most <see cref="MaxHiddenWeights"/> weights
    /// between them); <paramref name="what"/> names the source.
    /// </summary>
    public static int[] ParseHidden(string text, string what)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > MaxHiddenLayers)
            throw new ArgumentException($"{what}: '{text}' lists {parts.Length} layers; at most {MaxHiddenLayers}.");
        var widths = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture,
                out widths[i]) || widths[i] is < 1 or > MaxHiddenWidth)
                throw new ArgumentException(
                    $"{what}: '{text}' must be comma-separated widths in 1..{MaxHiddenWidth}, e.g. 256,256.");
        long weights = 0;
        for (int i = 1; i < widths.Length; i++) weights += (long)widths[i - 1] * widths[i];
        if (weights > MaxHiddenWeights)
            throw new ArgumentException(
                $"{what}: '{text}' needs {weights} weights between hidden layers; at most {MaxHiddenWeights}.");
        return widths;
    }

    /// <summary>
    /// The env spec of a demonstrations file, which must name a registered env and hold its observation and action
    /// sizes.
    /// </summary>
    public static EnvSpec SpecOf(Demonstrations data, string option)
    {
        if (!Env.Names.Contains(data.EnvName, StringComparer.Ordinal))
            throw new InvalidDataException($"{option}: the file holds episodes of '{data.EnvName}', which is not a "
                + "known environment (see `qail envs`).");
        var spec = Env.Lookup(data.EnvName).Create().Spec;
        bool fits = data.StateSize == spec.StateSize && data.ActionSize == spec.Action.Size
            && data.HasCommand == spec.CommandCount > 0
            && (data.ImageShape is [int h, int w, int c] ? spec.Image == new ImageSpec(h, w, c) : spec.Image is null)
            && data.InstructionLength == (spec.Instruction?.Length ?? 0);
        if (!fits)
            throw new InvalidDataException($"{option}: the file's observations or actions ({data.StateSize} state "
                + $"values, {data.ActionSize} actions) " +
                $"do not match {data.EnvName} ({Shape(spec)}).");
        return spec;
    }

    /// <summary>Throws unless the policy reads and writes what the env's observations and actions hold.</summary>
    public static void CheckFits(LoadedPolicy policy, string envName)
    {
        EnvName.Require(envName);
        var spec = Env.Lookup(envName).Create().Spec;
        if (policy.Network is { } network)
        {
            if (network.Spec.StateSize != spec.StateSize || network.Spec.Action.Size != spec.Action.Size
                || network.Spec.Image != spec.Image)
                throw new ArgumentException($"--env: '{policy.Path}' was trained on {policy.EnvName} ("
                    + $"{Shape(network.Spec)}), which does not fit {envName} ({Shape(spec)}).");
            return;
        }
        var deployed = ((DeployedPolicyAdapter)policy.Policy).Deployed;
        if (EnvInputs.Mismatch(deployed, spec) is string problem)
            throw new ArgumentException($"--env: '{policy.Path}' does not fit {envName} ({Shape(spec)}): {problem}.");
    }

    /// <summary>The env to run a policy in: the option's value, else the env a checkpoint was trained on.</summary>
    public static string EnvFor(LoadedPolicy policy, string? envOption)
    {
        string envName = envOption ?? policy.EnvName
            ?? throw new ArgumentException(
                $"--env: '{policy.Path}' is a deployed policy, which does not record its env; give --env.");
        CheckFits(policy, envName);
        return envName;
    }

    /// <summary>
    /// The deployed-runtime form of a loaded policy: integer policies as they are, a checkpoint on the fp32 runtime.
    /// </summary>
    public static IPolicy Deployable(LoadedPolicy policy) =>
        policy.Network is { } network && Export.CanExport(network)
            ? Export.ToFloatPolicy(network, "FP32").AsPolicy() : policy.Policy;

    private static string Shape(EnvSpec spec) =>
        $"{(spec.Image is { } image ? $"{image.Height}x{image.Width}x{image.Channels} image, " : "")}{spec.StateSize} "
            + $"state values, {spec.Action.Size} actions";

    // Weights and biases of an MLP from the state through the hidden widths to the action, plus its four per-value
    // buffers.
    private static long MlpParameters(EnvSpec spec, int[] hidden)
    {
        long count = 2L * spec.StateSize + 2L * spec.Action.Size;
        int width = spec.StateSize;
        foreach (int h in hidden.Append(spec.Action.Size))
        {
            count += (long)width * h + h;
            width = h;
        }
        return count;
    }

    private static void CheckHeld(long parameters, SafeTensorsArchive archive)
    {
        long held = archive.Entries.Sum(e => (e.End - e.Begin) / 4);
        if (parameters > held)
            throw new InvalidDataException(
                $"\"{HiddenKey}\" declares a network of {parameters} values but the file holds at most {held}.");
    }

    // Normalisation statistics: a std below MinStd or a mean beyond the observation bound turns any state into NaN.
    private static void CheckNormalisation(SafeTensorsArchive archive)
    {
        foreach (var (name, tensor) in archive.Tensors)
        {
            bool std = name.EndsWith("_std", StringComparison.Ordinal),
                mean = name.EndsWith("_mean", StringComparison.Ordinal);
            if (!(std || mean) || tensor.DType != Engine.DType.Float32) continue;
            var values = tensor.ToArray<float>();
            for (int i = 0; i < values.Length; i++)
                if (std ? !(values[i] >= MinStd) : Math.Abs(values[i]) > ObservationCheck.MaxMagnitude)
                    throw new InvalidDataException(std
                        ? $"tensor '{name}' element {i} = {values[i]:G} is below the smallest normalisation std "
                        + $"{MinStd:G}."
                        : $"tensor '{name}' element {i} = {values[i]:G} lies beyond ±"
                        + $"{ObservationCheck.MaxMagnitude:G}.");
        }
    }

    private static string Required(SafeTensorsArchive archive, string key) =>
        archive.Metadata.TryGetValue(key, out var value) && value.Length > 0
            ? value
            : throw new InvalidDataException($"its metadata lacks \"{key}\".");
}
