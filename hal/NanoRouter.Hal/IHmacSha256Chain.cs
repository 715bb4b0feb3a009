namespace NanoRouter.Hal
{
    /// <summary>
    /// PBKDF2's inner loop (RFC 8018 section 5.2, F), a bounded number of iterations per call so
    /// that the caller can let other threads run in between: native (mbedTLS) on the ESP32, where
    /// the interpreter is about a thousand times slower. Stateless: the key comes with every call.
    /// </summary>
    public interface IHmacSha256Chain
    {
        /// <summary>
        /// <paramref name="block"/> holds T (32 bytes) and then the message (from offset 32,
        /// <paramref name="messageLength"/> bytes). <paramref name="iterations"/> times:
        /// U = HMAC-SHA256(key, message); U becomes the message (32 bytes at offset 32); T ^= U.
        /// </summary>
        /// <returns>False when the arguments do not fit (nothing changed) or the HMAC failed.</returns>
        bool Chain(byte[] key, int keyCount, byte[] block, int messageLength, int iterations);
    }
}
