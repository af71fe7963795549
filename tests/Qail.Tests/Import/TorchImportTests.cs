using Qail.Engine;
using Qail.Envs;
using Qail.Import;
using Qail.Policies;

namespace Qail.Tests.Import;

/// <summary>
/// Policies trained in PyTorch come in through their safetensors state dicts: the MLP acts as torch's forward pass
/// did (F32, F16, BF16 weights); the CILRS (BatchNorm with num_batches_tracked) and the VLA (nn.MultiheadAttention's
/// packed projections) load under the documented name mapping; a state dict that does not fit is refused whole,
/// naming each tensor at fault.
/// </summary>
public sealed class TorchImportTests
{
    private static MlpPolicy Mlp(int[]? hidden = null) => new(Env.Make("pendulum-swingup", 0).Spec, hidden ?? [16, 16], seed: 1);

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
        network.Eval();
        var policy = new EvalModePolicy(network, "imported");
        var expected = TorchFixture.Read("mlp_expected.safetensors");
        var states = expected["states"].Values;
        var actions = expected[$"actions_{dtype}"].Values;
        for (int i = 0; i < actions.Length; i++)
        {
            var action = policy.Act(new Observation(states.AsSpan(3 * i, 3).ToArray()));
            Assert.True(Math.Abs(action[0] - actions[i]) <= 1e-5f, $"step {i}: ours {action[0]}, torch {actions[i]}");
        }
    }

    [Fact]
    public void CilrsLoadsBatchNormStatisticsAndIgnoresTheCounter()
    {
        var network = new CilrsPolicy(Env.Make("driving-nocrash-tt", 0).Spec, seed: 1, width: 2, featureSize: 16, headHidden: 8);
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
        var network = new VlaPolicy(Env.Make("libero-spatial", 0).Spec, seed: 1, modelDim: 16, layers: 1, heads: 2, patchSize: 16);
        var report = TorchImport.Load(network, TorchFixture.Path("vla_bf16.safetensors"));
        Assert.Equal(["BF16"], report.DTypes);
        var file = TorchFixture.Read("vla_bf16.safetensors");
        var ours = network.StateDict().ToDictionary(p => p.Key, p => p.Value);
        var packed = file["blocks.0.attention.in_proj_weight"].Values;
        Assert.Equal(packed.AsSpan(256, 256).ToArray(), ours["blocks.0.attention.key.weight"].ToArray<float>());
        Assert.Equal(file["blocks.0.attention.in_proj_bias"].Values.AsSpan(32, 16).ToArray(), ours["blocks.0.attention.value.bias"].ToArray<float>());
        Assert.Equal(file["blocks.0.attention.out_proj.weight"].Values, ours["blocks.0.attention.output.weight"].ToArray<float>());
        network.Eval();
        var env = Env.Make("libero-spatial", 0);
        Assert.All(new EvalModePolicy(network, "imported").Act(env.Reset(0)), a => Assert.True(float.IsFinite(a)));
    }

    [Fact]
    public void AMisfitNamesEveryTensorAndChangesNothing()
    {
        var network = Mlp([16, 8, 4]);
        var before = network.StateDict().Select(p => p.Value.ToArray<float>()).ToList();
        var error = Assert.Throws<InvalidDataException>(() => TorchImport.Load(network, TorchFixture.Path("mlp_f32.safetensors")));
        Assert.Contains("body.2.weight has shape [16, 16], body.2.weight needs [8, 16]", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing body.6.weight [1, 4]", error.Message, StringComparison.Ordinal);
        Assert.Contains("body.4.weight has shape [1, 16], body.4.weight needs [4, 8]", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, network.StateDict().Select(p => p.Value.ToArray<float>()).ToList());
    }

    [Fact]
    public void ATruncatedFileIsRefused()
    {
        var bytes = File.ReadAllBytes(TorchFixture.Path("mlp_bf16.safetensors"));
        var error = Assert.Throws<InvalidDataException>(() => TorchStateDict.Read(bytes.AsSpan(0, bytes.Length - 10), "cut.safetensors"));
        Assert.Contains("cut.safetensors", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not fit", error.Message, StringComparison.Ordinal);
    }
}
