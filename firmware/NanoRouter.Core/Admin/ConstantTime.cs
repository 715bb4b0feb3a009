namespace NanoRouter.Core.Admin
{
    /// <summary>Comparisons of secrets (password hashes, tokens) whose time does not depend on where they differ.</summary>
    public static class ConstantTime
    {
        /// <summary>Compares two byte ranges in time that depends only on their length.</summary>
        public static bool Same(byte[] a, int aOffset, byte[] b, int bOffset, int count)
        {
            int difference = 0;
            for (int i = 0; i < count; i++)
            {
                difference |= a[aOffset + i] ^ b[bOffset + i];
            }

            return difference == 0;
        }
    }
}
