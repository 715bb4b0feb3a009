using System.Security.Cryptography;

namespace NanoRouter.Hal.Linux
{
    /// <summary>The operating system's CSPRNG as the admin app's source of salts and tokens.</summary>
    public sealed class AdminEntropy : IEntropySource
    {
        /// <inheritdoc />
        public void Fill(byte[] buffer, int offset, int count)
        {
            RandomNumberGenerator.Fill(new System.Span<byte>(buffer, offset, count));
        }
    }
}
