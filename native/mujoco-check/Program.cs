using Qail.Envs.MuJoCo;
using Qail.Native.MujocoCheck;

// qail-mujoco-check [STEPS]: prints each check task's rewards and final qpos after STEPS control steps (default
// 200), or the reason MuJoCo is unavailable (exit 2).
if (!Mujoco.IsAvailable)
{
    Console.Error.WriteLine($"qail-mujoco-check: {Mujoco.UnavailableReason}");
    return 2;
}
int steps = 200;
if (args.Length > 1 || (args.Length == 1 && !(int.TryParse(args[0], out steps) && steps > 0)))
{
    Console.Error.WriteLine($"qail-mujoco-check: expected one positive step count, got '{string.Join(' ', args)}'");
    return 1;
}
Console.WriteLine($"qail-mujoco-check on {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, " +
                  $"{steps} steps, seed {MujocoTrajectory.Seed}");
foreach (var task in MujocoTrajectory.Tasks) Console.WriteLine(MujocoTrajectory.Run(task, steps).Format());
return 0;
