using System;

namespace NanoRouter.Tests.Support
{
    /// <summary>One case of a property: everything it draws comes from <paramref name="random"/>.</summary>
    internal delegate void PropertyCase(TestRandom random);

    /// <summary>
    /// Runs a property over deterministic random cases, on .NET and in nanoCLR alike. A run seed
    /// (<see cref="Platform.PropertySeed"/>) drives a generator that hands each case its own seed, so
    /// the same run seed replays the same cases on either target. A failing case fails the test with
    /// the run seed, the case, the original message and the command that replays it.
    /// </summary>
    internal static class Property
    {
        /// <summary>The seed when none is given: CI and nanoCLR runs use it, so they are reproducible.</summary>
        public const uint DefaultSeed = 20261202;

        public static void Check(string name, int cases, PropertyCase body)
        {
            string origin;
            uint seed = Platform.PropertySeed(out origin);
            int total = cases * Platform.PropertyScale();
            var seeds = new TestRandom(seed);
            for (int i = 0; i < total; i++)
            {
                uint caseSeed = seeds.NextUInt();
                string failure = null;
                try
                {
                    body(new TestRandom(caseSeed));
                }
                catch (Exception e)
                {
                    failure = e.Message;
                }

                if (failure != null)
                {
                    Assert.IsTrue(false, Describe(name, seed, origin, i, total, caseSeed, Platform.PropertyScale()) + ": " + failure);
                }
            }
        }

        private static string Describe(string name, uint seed, string origin, int index, int total, uint caseSeed, int scale)
        {
            string environment = "NANOROUTER_SEED=" + seed + (scale > 1 ? " NANOROUTER_PROPERTY_SCALE=" + scale : string.Empty);
            return "property " + name + " broken by case " + index + " of " + total + " (case seed " + caseSeed + ") of run seed " + seed
                + " (" + origin + "); replay: " + environment + " dotnet test tests/NanoRouter.Tests/NanoRouter.Tests.csproj --filter Name=" + name
                + " (in nanoCLR: set Property.DefaultSeed to " + seed + ")";
        }
    }
}
