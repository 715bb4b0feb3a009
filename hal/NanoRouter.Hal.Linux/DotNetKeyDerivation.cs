using System;
using System.Security.Cryptography;

namespace NanoRouter.Hal.Linux
{
    /// <summary>
    /// The host board's PBKDF2-HMAC-SHA256: .NET's own (Rfc2898DeriveBytes.Pbkdf2, OpenSSL
    /// underneath), about 0.75 µs per iteration on the build machine, four times what the core's
    /// loop over .NET's HMAC costs.
    /// </summary>
    public sealed class DotNetKeyDerivation : IKeyDerivation
    {
        /// <summary>The host board's count for new passwords: about 75 ms per login on the build
        /// machine (2 shared x64 cores), which the many logins of the end-to-end tests can afford.</summary>
        public const int DefaultIterations = 100000;

        /// <summary>PBKDF2 with <paramref name="iterations"/> for new passwords.</summary>
        public DotNetKeyDerivation(int iterations = DefaultIterations)
        {
            Iterations = iterations;
        }

        /// <inheritdoc />
        public int Iterations { get; }

        /// <inheritdoc />
        public bool DeriveKey(byte[] password, int passwordCount, byte[] salt, int saltCount, int iterations, byte[] output)
        {
            if (iterations < 1 || passwordCount < 0 || passwordCount > password.Length || saltCount < 0 || saltCount > salt.Length || output.Length < 32)
            {
                return false;
            }

            Rfc2898DeriveBytes.Pbkdf2(password.AsSpan(0, passwordCount), salt.AsSpan(0, saltCount), output.AsSpan(0, 32), iterations, HashAlgorithmName.SHA256);
            return true;
        }
    }
}
