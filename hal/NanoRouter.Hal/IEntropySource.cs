namespace NanoRouter.Hal
{
    /// <summary>
    /// Unpredictable bytes for salts, session tokens and CSRF tokens: the ESP32's hardware RNG on
    /// the device, the operating system's CSPRNG on the host board.
    /// </summary>
    public interface IEntropySource
    {
        /// <summary>Fills <paramref name="count"/> bytes of <paramref name="buffer"/> from
        /// <paramref name="offset"/> with random bytes.</summary>
        void Fill(byte[] buffer, int offset, int count);
    }
}
