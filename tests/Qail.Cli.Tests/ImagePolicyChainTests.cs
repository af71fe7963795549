namespace Qail.Cli.Tests;

/// <summary>
/// The file chain for the image families: a CILRS checkpoint on driving and a VLA checkpoint on manipulation train,
/// quantize to a deployed integer policy (W8A8 and W4, the papers' settings) and run in their env from the files alone.
/// </summary>
public sealed class ImagePolicyChainTests
{
    [Theory]
    [InlineData("driving-nocrash-tt", "cilrs", "8", "8", "PerChannel", "PTQ (best clip) W8A8")]
    [InlineData("libero-spatial", "vla", "4", "0", "PerGroup", "PTQ (best clip) W4g32")]
    public void TrainQuantizeEval_RunTheDeployedPolicyInItsEnv(string env, string family, string bits, string actBits,
        string granularity, string label)
    {
        var folder = Directory.CreateTempSubdirectory("qail-cli-image-").FullName;
        try
        {
            string demos = Path.Combine(folder, "demos.safetensors"), fp = Path.Combine(folder, "fp.safetensors"),
                deployed = Path.Combine(folder, "int.safetensors");
            QailRun.Of("collect", "--env", env, "--episodes", "2", "--seed", "3", "--out", demos).Succeeded();
            Assert.Contains(family,
                QailRun.Of("train", "--demos", demos, "--epochs", "1", "--seed", "3", "--out", fp).Succeeded().Output);
            var quantize = QailRun.Of("quantize", "--policy", fp, "--demos", demos, "--method", "ptq", "--bits", bits,
                "--act-bits", actBits,
                "--granularity", granularity, "--out", deployed).Succeeded();
            Assert.Contains(label, quantize.Output);
            var eval = QailRun.Of("eval", "--policy", deployed, "--env", env, "--episodes", "1", "--seed", "5")
                .Succeeded();
            Assert.Contains(label, eval.Output);
            Assert.Contains(env, eval.Output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
