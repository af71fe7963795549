using Qail.Envs.Manipulation;

namespace Qail.Envs.Tests.Manipulation;

public sealed class TaskPredicateTests
{
    [Theory]
    [InlineData(0.0, true)]
    [InlineData(0.024, true)]
    [InlineData(0.026, false)] // the block's edge crosses the inner rim: it rests on the rim, not in the bowl
    [InlineData(0.2, false)]
    public void InHoldsForABlockOnTheBowlFloor(double offset, bool expected)
    {
        var t = new Tabletop(0, -0.2, 0.2);
        int bowl = t.Add(ObjectKind.Bowl, ObjectColour.Blue, 0, 0);
        int block = t.Add(ObjectKind.Block, ObjectColour.Red, offset, 0);
        Assert.Equal(expected, new TaskGoal(GoalRelation.In, block, bowl).IsSatisfiedBy(t));
        if (expected) Assert.Equal(t.Objects[bowl].FloorHeight, t.Objects[block].Base, 1e-12);
    }

    [Fact]
    public void OnAndStackFollowTheSupportChain()
    {
        var t = new Tabletop(0, -0.2, 0.2);
        int plate = t.Add(ObjectKind.Plate, ObjectColour.White, 0, 0);
        int bottom = t.Add(ObjectKind.Block, ObjectColour.Red, 0.04, 0);
        int top = t.Add(ObjectKind.Cylinder, ObjectColour.Green, 0.045, 0.01);
        int beside = t.Add(ObjectKind.Block, ObjectColour.Yellow, 0.2, 0.2);
        Assert.True(new TaskGoal(GoalRelation.On, bottom, plate).IsSatisfiedBy(t));
        Assert.True(new TaskGoal(GoalRelation.On, top, plate).IsSatisfiedBy(t));
        Assert.True(new TaskGoal(GoalRelation.Stack, top, bottom).IsSatisfiedBy(t));
        Assert.False(new TaskGoal(GoalRelation.Stack, bottom, top).IsSatisfiedBy(t));
        Assert.False(new TaskGoal(GoalRelation.On, beside, plate).IsSatisfiedBy(t));
        Assert.False(new TaskGoal(GoalRelation.In, bottom, plate).IsSatisfiedBy(t)); // a plate is not a bowl
        Assert.Equal(t.Objects[plate].Top + t.Objects[bottom].Height, t.Objects[top].Base, 1e-12);
    }

    [Fact]
    public void HeldObjectSatisfiesNoPlacementGoal()
    {
        var t = new Tabletop(0, 0, 0.2);
        int bowl = t.Add(ObjectKind.Bowl, ObjectColour.Blue, 0.1, 0.1);
        int block = t.Add(ObjectKind.Block, ObjectColour.Red, 0.1, 0.1);
        Assert.True(new TaskGoal(GoalRelation.In, block, bowl).IsSatisfiedBy(t));
        while (t.GripperX < 0.1 - 1e-12)
            t.Step(Math.Min(0.03, 0.1 - t.GripperX), Math.Min(0.03, 0.1 - t.GripperY), 0, false);
        while (t.GripperZ > 0.03 + 1e-12) t.Step(0, 0, Math.Max(-0.03, 0.03 - t.GripperZ), false);
        t.Step(0, 0, 0, close: true);
        Assert.Equal(block, t.Held);
        Assert.False(new TaskGoal(GoalRelation.In, block, bowl).IsSatisfiedBy(t));
        Assert.False(new TaskGoal(GoalRelation.On, block, bowl).IsSatisfiedBy(t));
    }

    [Theory]
    [InlineData(-0.115, 0.02, true, false)] // gap 3 cm, 2 cm off level: left of
    [InlineData(-0.0851, 0.0, true, false)] // footprints just apart
    [InlineData(-0.18, 0.0, false, false)]  // gap 9.5 cm: too far to count as beside
    [InlineData(-0.115, 0.06, false, false)] // 6 cm off level
    [InlineData(0.115, -0.04, false, true)]  // right of
    public void LeftAndRightOfNeedTheObjectBesideAndLevel(double x, double y, bool left, bool right)
    {
        var t = new Tabletop(0, -0.25, 0.2);
        int bowl = t.Add(ObjectKind.Bowl, ObjectColour.Blue, 0, 0);
        int block = t.Add(ObjectKind.Block, ObjectColour.Red, x, y);
        Assert.Equal(left, new TaskGoal(GoalRelation.LeftOf, block, bowl).IsSatisfiedBy(t));
        Assert.Equal(right, new TaskGoal(GoalRelation.RightOf, block, bowl).IsSatisfiedBy(t));
    }

    [Fact]
    public void SideTargetSatisfiesTheGoal()
    {
        foreach (var relation in new[] { GoalRelation.LeftOf, GoalRelation.RightOf })
        {
            var probe = new Tabletop(0, -0.25, 0.2);
            int plate = probe.Add(ObjectKind.Plate, ObjectColour.White, 0.02, 0.05);
            int block = probe.Add(ObjectKind.Block, ObjectColour.Red, 0.2, -0.2);
            var (x, y) = new TaskGoal(relation, block, plate).SideTarget(probe);
            var t = new Tabletop(0, -0.25, 0.2);
            t.Add(ObjectKind.Plate, ObjectColour.White, 0.02, 0.05);
            t.Add(ObjectKind.Block, ObjectColour.Red, x, y);
            Assert.True(new TaskGoal(relation, block, plate).IsSatisfiedBy(t));
        }
    }

    [Fact]
    public void GoalRejectsBadIndices()
    {
        var t = new Tabletop(0, 0, 0.2);
        t.Add(ObjectKind.Block, ObjectColour.Red, 0, 0);
        Assert.Throws<ArgumentException>(() => new TaskGoal(GoalRelation.On, 0, 0).IsSatisfiedBy(t));
        Assert.Throws<ArgumentException>(() => new TaskGoal(GoalRelation.On, 0, 3).IsSatisfiedBy(t));
    }

    [Fact]
    public void EveryTaskHasTenPerSuiteAWellFormedInstructionAndNoGoalHoldingAtTheStart()
    {
        foreach (var suite in Enum.GetValues<LiberoSuite>())
        {
            var tasks = LiberoTasks.Of(suite);
            Assert.Equal(LiberoTasks.TasksPerSuite, tasks.Count);
            Assert.Equal(tasks.Count, tasks.Select(t => t.Instruction).Distinct().Count());
            for (int i = 0; i < tasks.Count; i++)
            {
                var task = tasks[i];
                Assert.InRange(task.Goals.Count, 1, suite == LiberoSuite.Long ? 3 : 1);
                if (suite == LiberoSuite.Long) Assert.True(task.Goals.Count >= 2);
                int[] tokens = InstructionVocabulary.Tokenize(task.Instruction);
                Assert.Equal(task.Instruction, InstructionVocabulary.Detokenize(tokens));
                for (int seed = 0; seed < 5; seed++)
                {
                    var scene = TabletopLayout.Sample(task, SplitMix64.Derive(seed, i));
                    Assert.All(task.Goals, g => Assert.False(g.IsSatisfiedBy(scene),
                        $"{suite} task {i} seed {seed}: '{g}' holds at the start"));
                }
            }
        }
    }

    [Fact]
    public void SpatialQualifierNamesTheRightBlock()
    {
        var env = new TabletopEnv(LiberoSuite.Spatial);
        for (int seed = 0; seed < 40; seed++)
        {
            env.Reset(seed);
            var objects = env.Scene.Objects;
            var (target, twin) = (objects[0], objects[1]);
            string word = env.Task.Instruction.Split(' ')[2];
            bool right = word switch
            {
                "left" => target.X < twin.X,
                "right" => target.X > twin.X,
                "front" => target.Y < twin.Y,
                "back" => target.Y > twin.Y,
                _ => throw new InvalidOperationException($"unexpected qualifier '{word}'"),
            };
            Assert.True(right, $"seed {seed}: '{env.Task.Instruction}' with target at ({target.X}, {target.Y}) and "
                + $"twin at ({twin.X}, {twin.Y})");
        }
    }

    [Fact]
    public void TokenizeRejectsUnknownWordsAndOverlongSentences()
    {
        Assert.Throws<ArgumentException>(() => InstructionVocabulary.Tokenize("put the banana in the bowl"));
        Assert.Throws<ArgumentException>(() => InstructionVocabulary.Tokenize("<pad>"));
        Assert.Throws<ArgumentException>(() => InstructionVocabulary.Tokenize(string.Join(' ',
            Enumerable.Repeat("the", InstructionVocabulary.Length + 1))));
        Assert.Throws<ArgumentException>(() =>
            InstructionVocabulary.Detokenize([1, InstructionVocabulary.Words.Count]));
        Assert.Equal(InstructionVocabulary.Length,
            InstructionVocabulary.Tokenize("put the red block in the blue bowl").Length);
    }
}
