using NanoRouter.Core.Common;
using NanoRouter.Core.Router;
using NanoRouter.Hal;

namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// PBKDF2-HMAC-SHA256 (RFC 8018 section 5.2) with a 32-byte output (one block), over a board's
    /// <see cref="IHmacSha256Chain"/>: the core's managed <see cref="HmacSha256"/> or the ESP32's
    /// native one. The iterations run in steps of <c>iterationsPerStep</c>, and the thread yields
    /// between steps (<see cref="Pace"/>), so a login never holds the packet thread up for long
    /// whichever chain does the work. One caller at a time.
    /// </summary>
    public sealed class Pbkdf2 : IKeyDerivation
    {
        /// <summary>The longest salt: salt || INT(1) must fit the chain's message, 64 bytes here.</summary>
        public const int MaxSaltBytes = 60;

        private readonly IHmacSha256Chain _chain;
        private readonly int _iterations;
        private readonly int _iterationsPerStep;

        // T (32 bytes), then the message: salt || INT(1) for the first iteration, U after it.
        private readonly byte[] _block = new byte[Sha256.HashBytes + MaxSaltBytes + 4];

        /// <summary>PBKDF2 over <paramref name="chain"/>.</summary>
        /// <param name="chain">The HMAC-SHA256 chain that does the work.</param>
        /// <param name="iterations">The count for new passwords (<see cref="Iterations"/>).</param>
        /// <param name="iterationsPerStep">Iterations per call of the chain, between two yields.</param>
        public Pbkdf2(IHmacSha256Chain chain, int iterations, int iterationsPerStep)
        {
            _chain = chain;
            _iterations = iterations;
            _iterationsPerStep = iterationsPerStep < 1 ? 1 : iterationsPerStep;
        }

        /// <inheritdoc />
        public int Iterations => _iterations;

        /// <summary>PBKDF2 over the core's managed <see cref="HmacSha256"/>, all iterations in one
        /// call of the chain (its SHA-256 yields by itself, and every call hashes the key again).</summary>
        public static Pbkdf2 Managed(int iterations) => new Pbkdf2(new HmacSha256(), iterations, int.MaxValue);

        /// <inheritdoc />
        public bool DeriveKey(byte[] password, int passwordCount, byte[] salt, int saltCount, int iterations, byte[] output)
        {
            if (saltCount < 0 || saltCount > MaxSaltBytes || iterations < 1)
            {
                return false;
            }

            // U1 = PRF(P, S || INT(1)), T = U1; then U_n = PRF(P, U_n-1), T ^= U_n.
            System.Array.Clear(_block, 0, _block.Length);
            System.Array.Copy(salt, 0, _block, Sha256.HashBytes, saltCount);
            _block[Sha256.HashBytes + saltCount + 3] = 1;
            bool ok = _chain.Chain(password, passwordCount, _block, saltCount + 4, 1);
            int done = 1;
            while (ok && done < iterations)
            {
                int step = iterations - done < _iterationsPerStep ? iterations - done : _iterationsPerStep;
                ok = _chain.Chain(password, passwordCount, _block, Sha256.HashBytes, step);
                done += step;
                Pace.Spend(Pace.Budget);
            }

            if (ok)
            {
                System.Array.Copy(_block, 0, output, 0, Sha256.HashBytes);
            }

            System.Array.Clear(_block, 0, _block.Length);
            return ok;
        }
    }
}
