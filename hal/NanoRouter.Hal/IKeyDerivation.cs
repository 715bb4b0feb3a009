namespace NanoRouter.Hal
{
    /// <summary>
    /// PBKDF2-HMAC-SHA256 (RFC 8018 section 5.2) with a 32-byte output, for the admin password:
    /// the board's fastest way (.NET's on the host board; the core's Pbkdf2 over the native
    /// HMAC-SHA256 chain on the ESP32), so that it can afford many iterations per login. The
    /// settings record stores the count each hash was made with, so a board may raise
    /// <see cref="Iterations"/> later: a login with an older count saves the password again.
    /// </summary>
    public interface IKeyDerivation
    {
        /// <summary>The iteration count new passwords get: what this board affords per login.</summary>
        int Iterations { get; }

        /// <summary>Derives the key of <paramref name="passwordCount"/> bytes of
        /// <paramref name="password"/> (from offset 0) and <paramref name="saltCount"/> bytes of
        /// <paramref name="salt"/> into the first 32 bytes of <paramref name="output"/>.</summary>
        /// <returns>False when it could not (output unchanged).</returns>
        bool DeriveKey(byte[] password, int passwordCount, byte[] salt, int saltCount, int iterations, byte[] output);
    }
}
