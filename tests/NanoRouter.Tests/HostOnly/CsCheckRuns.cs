using System;
using System.Runtime.CompilerServices;
using CsCheck;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.HostOnly
{
    /// <summary>
    /// Runs a CsCheck property deterministically. CsCheck's own Sample takes CsCheck_Seed for its
    /// first case only and draws the rest afresh, so a fixed CsCheck_Seed alone does not make a run
    /// repeatable. Here every case's generator state comes from one run seed:
    /// <list type="bullet">
    /// <item>CsCheck_Seed=S set: case 0 is exactly S (as CsCheck replays it), the others follow from S;</item>
    /// <item>otherwise the run seed of the shared properties (<see cref="Platform.PropertySeed"/>:
    /// NANOROUTER_SEED, default <see cref="Property.DefaultSeed"/>).</item>
    /// </list>
    /// A failing case fails the test with its own CsCheck seed, which replays it as case 0 (and in
    /// CsCheck's own Sample), and the run seed. NANOROUTER_PROPERTY_SCALE multiplies the cases.
    /// </summary>
    internal static class CsCheckRuns
    {
        public static void Sample<T>(Gen<T> gen, Action<T> assert, long cases, [CallerMemberName] string name = "")
        {
            string replay = Environment.GetEnvironmentVariable("CsCheck_Seed");
            long total = cases * Platform.PropertyScale();
            PCG seeds;
            string run;
            if (!string.IsNullOrEmpty(replay))
            {
                RunCase(gen, assert, PCG.Parse(replay), name, 0, total, "CsCheck_Seed=" + replay);
                seeds = PCG.Parse(replay);
                run = "CsCheck_Seed=" + replay;
            }
            else
            {
                uint seed = Platform.PropertySeed(out string origin);
                seeds = new PCG(1, seed);
                int scale = Platform.PropertyScale();
                run = "run seed " + seed + " (" + origin + "; NANOROUTER_SEED=" + seed + (scale > 1 ? " NANOROUTER_PROPERTY_SCALE=" + scale : string.Empty) + " replays the run)";
            }

            for (long i = string.IsNullOrEmpty(replay) ? 0 : 1; i < total; i++)
            {
                RunCase(gen, assert, new PCG(seeds.Next(), seeds.Next64()), name, i, total, run);
            }
        }

        public static void Sample<T1, T2>(Gen<(T1, T2)> gen, Action<T1, T2> assert, long cases, [CallerMemberName] string name = "")
        {
            Sample(gen, t => assert(t.Item1, t.Item2), cases, name);
        }

        public static void Sample<T1, T2, T3>(Gen<(T1, T2, T3)> gen, Action<T1, T2, T3> assert, long cases, [CallerMemberName] string name = "")
        {
            Sample(gen, t => assert(t.Item1, t.Item2, t.Item3), cases, name);
        }

        public static void Sample<T1, T2, T3, T4>(Gen<(T1, T2, T3, T4)> gen, Action<T1, T2, T3, T4> assert, long cases, [CallerMemberName] string name = "")
        {
            Sample(gen, t => assert(t.Item1, t.Item2, t.Item3, t.Item4), cases, name);
        }

        public static void Sample<T1, T2, T3, T4, T5>(Gen<(T1, T2, T3, T4, T5)> gen, Action<T1, T2, T3, T4, T5> assert, long cases, [CallerMemberName] string name = "")
        {
            Sample(gen, t => assert(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5), cases, name);
        }

        public static void Sample<T1, T2, T3, T4, T5, T6>(Gen<(T1, T2, T3, T4, T5, T6)> gen, Action<T1, T2, T3, T4, T5, T6> assert, long cases, [CallerMemberName] string name = "")
        {
            Sample(gen, t => assert(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6), cases, name);
        }

        private static void RunCase<T>(Gen<T> gen, Action<T> assert, PCG pcg, string name, long index, long total, string run)
        {
            ulong state = pcg.State;
            T value = gen.Generate(pcg, null, out Size _);
            try
            {
                assert(value);
            }
            catch (Exception e)
            {
                string seed = pcg.ToString(state);
                string shown = CsCheck.Check.Print(value);
                throw new AssertFailedException("property " + name + " broken by case " + index + " of " + total + " of " + run
                    + "; this case: CsCheck_Seed=" + seed + " dotnet test tests/NanoRouter.Tests/NanoRouter.Tests.csproj --filter Name=" + name
                    + "\ninput: " + shown + "\n" + e.Message, e);
            }
        }
    }
}
