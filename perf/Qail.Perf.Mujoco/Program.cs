using System.Globalization;

namespace Qail.Perf.Mujoco;

/// <summary>
/// MuJoCo figures: <c>dotnet run -c Release --project perf/Qail.Perf.Mujoco -- speed [steps] [rounds]</c> compares our
/// binding's physics steps/s with <c>mujoco-testspeed</c>; <c>-- expert TASK SEED[,SEED...] [steps [samples horizon
/// knots noise [temperature [fine noise [rollout steps]]]]]</c> reports the planner expert's return and time per
/// control step on the given seeds; <c>-- handover DEMOS H[,H...] [episodes]</c> runs the expert for H steps, then a
/// clone of DEMOS (see <see cref="Handover"/>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (!Qail.Envs.MuJoCo.Mujoco.IsAvailable)
        {
            Console.Error.WriteLine($"MuJoCo is not usable: {Qail.Envs.MuJoCo.Mujoco.UnavailableReason}");
            return 1;
        }
        var architecture = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture;
        Console.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {architecture}; " +
                          "physics runs in MuJoCo 2.2.2's own C (Debian build), our code only binds it");
        int Int(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
        switch (args.FirstOrDefault())
        {
            case "speed":
                BindingOverhead.Run(Int(1, 20000), Int(2, 3));
                return 0;
            case "expert" when args.Length >= 3:
                // Optional planner overrides (for tuning on training seeds):
                // samples horizon knots noise [temp [fine [rollout steps]]].
                double Real(int i) => args.Length > i ? double.Parse(args[i], CultureInfo.InvariantCulture) : 0;
                var settings = args.Length >= 8
                    ? new Qail.Envs.MuJoCo.PlannerSettings(Int(4, 0), Int(5, 0), Int(6, 0), Real(7),
                        Environment.ProcessorCount, Real(8), Real(9), Int(10, 0))
                    : null;
                var seeds = args[2].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
                ExpertReturns.Run(args[1], seeds, Int(3, 1000), settings);
                return 0;
            case "handover" when args.Length >= 3:
                Handover.Run(args[1], args[2].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))
                    .ToArray(), Int(3, 4));
                return 0;
            default:
                Console.Error.WriteLine("usage: Qail.Perf.Mujoco speed [steps] [rounds]");
                Console.Error.WriteLine(
                    "       Qail.Perf.Mujoco expert TASK SEED[,SEED...] " +
                    "[steps [samples horizon knots noise [temp [fine [rollout steps]]]]]");
                Console.Error.WriteLine("       Qail.Perf.Mujoco handover DEMOS H[,H...] [episodes]");
                return 2;
        }
    }
}
