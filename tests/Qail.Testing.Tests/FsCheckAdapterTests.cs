using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using Qail.Engine;

namespace Qail.Testing.Tests;

/// <summary>Kit generators used from FsCheck keep their shrinking: FsCheck reports the minimal tensor.</summary>
public class FsCheckAdapterTests
{
    [Fact]
    public void FsCheckShrinksKitTensorsToTheMinimalCase()
    {
        var property = Prop.ForAll(Generators.Tensor(DType.Float32).ToArbitrary(), c => c.Values.All(v => v <= 2));
        var replay = new Replay(new Rnd(20261205UL, 7UL), FSharpOption<int>.None);
        var config = Config.QuickThrowOnFailure.WithReplay(FSharpOption<Replay>.Some(replay));
        var ex = Assert.ThrowsAny<Exception>(() => global::FsCheck.Check.One(config, property));
        Assert.True(ex.Message.Contains("contiguous: [3]"), ex.Message);
    }
}
