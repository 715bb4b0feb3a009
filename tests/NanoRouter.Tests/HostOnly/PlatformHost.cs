using System;
using System.Globalization;

namespace NanoRouter.Tests.Support
{
    /// <summary>
    /// The host's answers to <see cref="Platform"/>'s questions (in the shared set's namespace, as a
    /// partial class must be): the property seed and scale from the environment, and the bytes this
    /// thread allocated.
    /// <list type="bullet">
    /// <item>NANOROUTER_SEED=N: run seed N (decimal); NANOROUTER_SEED=random: a fresh seed per test
    /// process, printed with any failure; unset: <see cref="Property.DefaultSeed"/>.</item>
    /// <item>NANOROUTER_PROPERTY_SCALE=K: K times the usual cases (the long run).</item>
    /// </list>
    /// </summary>
    internal static partial class Platform
    {
        private static readonly uint s_randomSeed = (uint)System.Random.Shared.Next();

        /// <summary>The run seed, as <see cref="PropertySeed"/> gives it, and its origin; also the CsCheck driver's.</summary>
        internal static uint HostSeed(out string origin)
        {
            return PropertySeed(out origin);
        }

        static partial void ReadPropertySeed(ref uint seed, ref string origin)
        {
            string text = Environment.GetEnvironmentVariable("NANOROUTER_SEED");
            if (string.IsNullOrEmpty(text))
            {
                return;
            }

            if (text == "random")
            {
                seed = s_randomSeed;
                origin = "NANOROUTER_SEED=random";
                return;
            }

            if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seed))
            {
                throw new ArgumentException("NANOROUTER_SEED must be a decimal number or 'random', not '" + text + "'");
            }

            origin = "NANOROUTER_SEED";
        }

        static partial void ReadPropertyScale(ref int scale)
        {
            string text = Environment.GetEnvironmentVariable("NANOROUTER_PROPERTY_SCALE");
            if (!string.IsNullOrEmpty(text))
            {
                scale = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }

        static partial void ReadAllocatedBytes(ref long bytes, ref bool counted)
        {
            bytes = GC.GetAllocatedBytesForCurrentThread();
            counted = true;
        }
    }
}
