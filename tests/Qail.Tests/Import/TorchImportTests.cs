using Qail.Engine;
using Qail.Envs;
using Qail.Import;
using Qail.Policies;

namespace Qail.Tests.Import;

/// <summary>
/// Policies trained in PyTorch come in through their safetensors state dicts, and each family computes what torch's
/// own forward pass computed on the same inputs (tests/fixtures/torch/make_fixtures.py): the MLP (F32, F16, BF16
/// weights), the CILRS (BatchNorm with num_batches_tracked, F16) and the VLA (nn.MultiheadAttention's packed
/// projections, padded instructions as masked keys, BF16). A state dict that does not fit is refused whole, naming
/// each tensor at fault. Tolerance: 1e-5 absolute on actions in [-1, 1] and 1e-4 on the VLA's logits (about 1 in
/// 10^5 of their spread) and the CILRS's predicted speed: both sides compute in fp32, summing in different orders.
/// </summary>
public sealed class TorchImportTests
{
    private static MlpPolicy Mlp(int[]? hidden = null) =>
        new(Env.Make("pendulum-swingup", 0).Spec, hidden ?? [16, 16], seed: 1);

    private static CilrsPolicy Cilrs() =>
        new(Env.Make("driving-nocrash-tt", 0).Spec, seed: 1, width: 2, featureSize: 16, headHidden: 8);

    private static VlaPolicy Vla() =>
        new(Env.Make("libero-spatial", 0).Spec, seed: 1, modelDim: 16, layers: 1, heads: 2, patchSize: 16);

    [Theory]
    [InlineData("f32")]
    [InlineData("f16")]
    [InlineData("bf16")]
    public void MlpActsAsTorchDid(string dtype)
    {
        var network = Mlp();
        var report = TorchImport.Load(network, TorchFixture.Path($"mlp_{dtype}.safetensors"));
        Assert.Equal(8, report.Loaded);
        Assert.Equal(["action_centre", "action_half_range"], report.DefaultedBuffers);
        Assert.Equal([dtype.ToUpperInvariant()], report.DTypes);
        MlpMatches(network, TorchFixture.Read("mlp_expected.safetensors"), dtype);
    }

    private static void MlpMatches(MlpPolicy network, IReadOnlyDictionary<string, TorchTensor> expected, string dtype)
    {
        network.Eval();
        var policy = new EvalModePolicy(network, "imported");
        var states = expected["states"].Values;
        var actions = expected[$"actions_{dtype}"].Values;
        for (int i = 0; i < actions.Length; i++)
        {
            var action = policy.Act(new Observation(states.AsSpan(3 * i, 3).ToArray()));
            Assert.True(Math.Abs(action[0] - actions[i]) <= 1e-5f, $"step {i}: ours {action[0]}, torch {actions[i]}");
        }
    }

    [Fact]
    public void CilrsComputesAsTorchDid() => CilrsMatchesTorch(TorchFixture.Path(""));

    [Fact]
    public void VlaComputesAsTorchDid() => VlaMatchesTorch(TorchFixture.Path(""));

    /// <summary>
    /// Regenerates the fixtures with PyTorch into a fresh folder and checks the three families on them.
    /// </summary>
    [SkippableFact]
    public void FreshTorchFixturesMatchToo()
    {
        const string python = "/usr/bin/python3";
        Skip.IfNot(File.Exists(python) && Run(python, "-c \"import torch\"").ExitCode == 0,
            "needs Debian's python3-torch (/usr/bin/python3 with torch); CI does not install it.");
        var folder = Directory.CreateTempSubdirectory("qail-torch-fixtures-").FullName;
        try
        {
            var script = System.IO.Path.Combine(RepositoryRoot(), "tests", "fixtures", "torch", "make_fixtures.py");
            var (exitCode, errors) = Run(python, $"\"{script}\" \"{folder}\"");
            Assert.True(exitCode == 0, $"make_fixtures.py exited {exitCode}: {errors}");
            var network = Mlp();
            TorchImport.Load(network, System.IO.Path.Combine(folder, "mlp_bf16.safetensors"));
            MlpMatches(network, TorchFixture.Read(System.IO.Path.Combine(folder, "mlp_expected.safetensors")), "bf16");
            CilrsMatchesTorch(folder);
            VlaMatchesTorch(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void CilrsMatchesTorch(string folder)
    {
        var network = Cilrs();
        TorchImport.Load(network, System.IO.Path.Combine(folder, "cilrs_f16.safetensors"));
        network.Eval();
        var io = TorchFixture.Read(System.IO.Path.Combine(folder, "cilrs_expected.safetensors"));
        var batch = new PolicyBatch(AsTensor(io["speeds"]), AsTensor(io["images"]), null,
            Tensor.From<int>([.. io["commands"].Values.Select(c => (int)c)], [io["commands"].Shape[0]]), null);
        var ours = network.Predict(batch).Value.Contiguous().ToArray<float>();
        var torch = io["outputs"].Values;
        Assert.Equal(torch.Length, ours.Length);
        for (int i = 0; i < ours.Length; i++)
            Assert.True(Math.Abs(ours[i] - torch[i]) <= (i % 4 == 3 ? 1e-4f : 1e-5f),
                $"output {i}: ours {ours[i]}, torch {torch[i]}");
    }

    private static void VlaMatchesTorch(string folder)
    {
        var network = Vla();
        TorchImport.Load(network, System.IO.Path.Combine(folder, "vla_bf16.safetensors"));
        network.Eval();
        var io = TorchFixture.Read(System.IO.Path.Combine(folder, "vla_expected.safetensors"));
        var words = io["words"];
        var batch = new PolicyBatch(AsTensor(io["states"]), AsTensor(io["images"]),
            Tensor.From<int>([.. words.Values.Select(w => (int)w)], words.Shape), null, null);
        var ours = network.Predict(batch).Value.Contiguous().ToArray<float>();
        var torch = io["outputs"].Values;
        Assert.Equal(torch.Length, ours.Length);
        for (int i = 0; i < ours.Length; i++)
            Assert.True(Math.Abs(ours[i] - torch[i]) <= 1e-4f, $"logit {i}: ours {ours[i]}, torch {torch[i]}");
    }

    private static Tensor AsTensor(TorchTensor t) => Tensor.From<float>(t.Values, t.Shape);

    private static (int ExitCode, string Errors) Run(string program, string arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(program, arguments) { RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, errors);
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") =>
        System.IO.Path.GetFullPath(
            System.IO.Path.Combine(System.IO.Path.GetDirectoryName(thisFile)!, "..", "..", ".."));

    [Fact]
    public void CilrsLoadsBatchNormStatisticsAndIgnoresTheCounter()
    {
        var network = Cilrs();
        var report = TorchImport.Load(network, TorchFixture.Path("cilrs_f16.safetensors"));
        Assert.Empty(report.DefaultedBuffers);
        Assert.Equal(10, report.Ignored.Count);
        Assert.All(report.Ignored, name => Assert.EndsWith("num_batches_tracked", name, StringComparison.Ordinal));
        var file = TorchFixture.Read("cilrs_f16.safetensors");
        var ours = network.StateDict().ToDictionary(p => p.Key, p => p.Value);
        foreach (var name in new[] { "encoder.1.bn2.running_var", "encoder.3.shortcut.0.weight", "heads.3.2.bias" })
            Assert.Equal(file[name].Values, ours[name].ToArray<float>());
        network.Eval();
        var env = Env.Make("driving-nocrash-tt", 0);
        Assert.All(new EvalModePolicy(network, "imported").Act(env.Reset(0)), a => Assert.True(float.IsFinite(a)));
    }

    [Fact]
    public void VlaSplitsThePackedAttentionProjection()
    {
        var network = Vla();
        var report = TorchImport.Load(network, TorchFixture.Path("vla_bf16.safetensors"));
        Assert.Equal(["BF16"], report.DTypes);
        var file = TorchFixture.Read("vla_bf16.safetensors");
        var ours = network.StateDict().ToDictionary(p => p.Key, p => p.Value);
        var packed = file["blocks.0.attention.in_proj_weight"].Values;
        Assert.Equal(packed.AsSpan(256, 256).ToArray(), ours["blocks.0.attention.key.weight"].ToArray<float>());
        Assert.Equal(file["blocks.0.attention.in_proj_bias"].Values.AsSpan(32, 16).ToArray(),
            ours["blocks.0.attention.value.bias"].ToArray<float>());
        Assert.Equal(file["blocks.0.attention.out_proj.weight"].Values,
            ours["blocks.0.attention.output.weight"].ToArray<float>());
        network.Eval();
        var env = Env.Make("libero-spatial", 0);
        Assert.All(new EvalModePolicy(network, "imported").Act(env.Reset(0)), a => Assert.True(float.IsFinite(a)));
    }

    [Fact]
    public void AMisfitNamesEveryTensorAndChangesNothing()
    {
        var network = Mlp([16, 8, 4]);
        var before = network.StateDict().Select(p => p.Value.ToArray<float>()).ToList();
        var error = Assert.Throws<InvalidDataException>(
            () => TorchImport.Load(network, TorchFixture.Path("mlp_f32.safetensors")));
        Assert.Contains("body.2.weight has shape [16, 16], body.2.weight needs [8, 16]", error.Message,
            StringComparison.Ordinal);
        Assert.Contains("missing body.6.weight [1, 4]", error.Message, StringComparison.Ordinal);
        Assert.Contains("body.4.weight has shape [1, 16], body.4.weight needs [4, 8]", error.Message,
            StringComparison.Ordinal);
        Assert.Equal(before, network.StateDict().Select(p => p.Value.ToArray<float>()).ToList());
    }

    [Fact]
    public void ATruncatedFileIsRefused()
    {
        var bytes = File.ReadAllBytes(TorchFixture.Path("mlp_bf16.safetensors"));
        var error = Assert.Throws<InvalidDataException>(
            () => TorchStateDict.Read(bytes.AsSpan(0, bytes.Length - 10), "cut.safetensors"));
        Assert.Contains("cut.safetensors", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not fit", error.Message, StringComparison.Ordinal);
    }
}
