namespace NanoRouter.Tests.Support
{
    /// <summary>
    /// What a test may ask of the platform it runs on. Each question is a partial method: the host
    /// project (tests/NanoRouter.Tests/HostOnly/PlatformHost.cs) implements it on .NET; in nanoCLR
    /// there is no implementation, the compiler removes the call and the default answer stands.
    /// So one test source serves both targets without #if.
    /// </summary>
    internal static partial class Platform
    {
        static partial void ReadPropertySeed(ref uint seed, ref string origin);

        static partial void ReadPropertyScale(ref int scale);

        static partial void ReadAllocatedBytes(ref long bytes, ref bool counted);

        /// <summary>
        /// The seed of this run's property tests: <see cref="Property.DefaultSeed"/> unless the host
        /// was given another (NANOROUTER_SEED=N, or NANOROUTER_SEED=random for a fresh one).
        /// <paramref name="origin"/> says where it came from, for the failure message.
        /// </summary>
        public static uint PropertySeed(out string origin)
        {
            uint seed = Property.DefaultSeed;
            origin = "default";
            ReadPropertySeed(ref seed, ref origin);
            return seed;
        }

        /// <summary>How many times the usual number of cases a property runs (NANOROUTER_PROPERTY_SCALE on the host; 1 in nanoCLR).</summary>
        public static int PropertyScale()
        {
            int scale = 1;
            ReadPropertyScale(ref scale);
            return scale < 1 ? 1 : scale;
        }

        /// <summary>True where the platform counts the bytes a thread allocates (.NET); false in nanoCLR.</summary>
        public static bool CountsAllocations
        {
            get
            {
                long bytes = 0;
                bool counted = false;
                ReadAllocatedBytes(ref bytes, ref counted);
                return counted;
            }
        }

        /// <summary>Bytes allocated by this thread so far where <see cref="CountsAllocations"/>; 0 elsewhere.</summary>
        public static long AllocatedBytes()
        {
            long bytes = 0;
            bool counted = false;
            ReadAllocatedBytes(ref bytes, ref counted);
            return bytes;
        }
    }
}
