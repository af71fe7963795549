using Qail.Envs.Physics;

namespace Qail.Envs.Tests.Physics;

public class PhysicsSanityTests
{
    // Stated bound: the undamped pendulum's energy drifts by less than 1e-6 of m g l over 1000 RK4 steps of 0.02 s.
    private const double PendulumDriftBound = 1e-6;

    [Fact]
    public void Undamped_pendulum_energy_drift_under_rk4_is_below_the_bound()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var env = new Pendulum();
            env.Reset(seed);
            double e0 = Pendulum.Energy(env.PhysicalState[0], env.PhysicalState[1]), worst = 0;
            for (int t = 0; t < 1000; t++)
            {
                env.Step([0f]);
                worst = Math.Max(worst, Math.Abs(Pendulum.Energy(env.PhysicalState[0], env.PhysicalState[1]) - e0));
            }
            Assert.True(worst < PendulumDriftBound * Pendulum.Mass * Pendulum.Gravity * Pendulum.Length,
                $"seed {seed}: drift {worst} J");
        }
    }

    [Fact]
    public void Acrobot_energy_is_conserved_without_torque()
    {
        var env = new Acrobot();
        env.Reset(5);
        double e0 = Acrobot.Energy(env.PhysicalState), worst = 0;
        for (int t = 0; t < 1000; t++)
        {
            env.Step([0f]);
            worst = Math.Max(worst, Math.Abs(Acrobot.Energy(env.PhysicalState) - e0));
        }
        Assert.True(worst < 1e-3, $"acrobot energy drift {worst} J");
    }

    // Barto, Sutton and Anderson (1983) as in the classic control benchmarks, written out independently here.
    private static (double XAcc, double ThetaAcc) Bsa(double theta, double thetaDot, double force)
    {
        const double g = 9.8, mc = 1.0, mp = 0.1, l = 0.5, total = mc + mp, poleMassLength = mp * l;
        double cos = Math.Cos(theta), sin = Math.Sin(theta);
        double temp = (force + poleMassLength * thetaDot * thetaDot * sin) / total;
        double thetaAcc = (g * sin - cos * temp) / (l * (4.0 / 3.0 - mp * cos * cos / total));
        double xAcc = temp - poleMassLength * thetaAcc * cos / total;
        return (xAcc, thetaAcc);
    }

    [Fact]
    public void Cartpole_matches_the_barto_sutton_anderson_model_for_a_fixed_input_sequence()
    {
        var env = new CartPole(swingUp: false);
        env.Reset(6);
        var x = env.PhysicalState.ToArray();
        var inputs = Enumerable.Range(0, 100).Select(t => (float)Math.Sin(0.13 * t)).ToArray();
        const int fine = 2000;
        for (int t = 0; t < inputs.Length; t++)
        {
            // Reference: the BSA equations under fine explicit Euler (semi-implicit), 2000 substeps per 0.01 s step.
            double h = 0.01 / fine;
            for (int s = 0; s < fine; s++)
            {
                var (xAcc, thetaAcc) = Bsa(x[1], x[3], 10.0 * inputs[t]);
                x[0] += h * x[2];
                x[1] += h * x[3];
                x[2] += h * xAcc;
                x[3] += h * thetaAcc;
            }
            env.Step([inputs[t]]);
        }
        // Euler's first-order error at this substep is ~1e-5 relative; RK4's is far smaller.
        for (int i = 0; i < 4; i++)
            Assert.True(Math.Abs(x[i] - env.PhysicalState[i]) < 1e-4 * (1 + Math.Abs(x[i])),
                $"state {i}: BSA {x[i]} vs env {env.PhysicalState[i]}");
        var random = new SplitMix64(3);
        for (int k = 0; k < 100; k++)
        {
            double theta = random.Uniform(-Math.PI, Math.PI), thetaDot = random.Uniform(-5, 5),
                force = random.Uniform(-10, 10);
            var expected = Bsa(theta, thetaDot, force);
            var actual = CartPole.Accelerations(theta, thetaDot, force);
            Assert.Equal(expected.XAcc, actual.XAcc, 12);
            Assert.Equal(expected.ThetaAcc, actual.ThetaAcc, 12);
        }
    }

    [Fact]
    public void Lqr_regulates_the_nonlinear_cartpole_back_to_upright()
    {
        var env = new CartPole(swingUp: false);
        var lqr = Lqr.Design(env, [0, 0, 0, 0], [0], [1, 10, 1, 1], [0.1]);
        // From a small offset the closed loop of the true nonlinear model returns to the origin.
        Span<double> x = [0.05, 0.05, 0, 0];
        Span<double> u = stackalloc double[1];
        for (int t = 0; t < 1000; t++)
        {
            lqr.Control(x, u);
            env.Simulate(x, u, x);
        }
        for (int i = 0; i < 4; i++) Assert.True(Math.Abs(x[i]) < 1e-4, $"state {i} = {x[i]}");
        Assert.True(lqr.CostToGo([0.1, 0, 0, 0]) > 0);
    }

    [Fact]
    public void Point_mass_stays_inside_its_walls()
    {
        var env = new PointMass();
        env.Reset(2);
        for (int t = 0; t < 300; t++)
        {
            env.Step([1f, -1f]);
            Assert.InRange(env.PhysicalState[0], -PointMass.Wall, PointMass.Wall);
            Assert.InRange(env.PhysicalState[1], -PointMass.Wall, PointMass.Wall);
        }
        Assert.Equal(PointMass.Wall, env.PhysicalState[0]);
    }
}
