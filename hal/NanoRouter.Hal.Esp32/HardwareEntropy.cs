using System;

namespace NanoRouter.Hal.Esp32
{
    /// <summary>Random bytes from System.Random, which nanoCLR on the ESP32 feeds from the hardware RNG.</summary>
    public sealed class HardwareEntropy : IEntropySource
    {
        private readonly Random _random = new Random();

        /// <inheritdoc />
        public void Fill(byte[] buffer, int offset, int count)
        {
            for (int i = 0; i < count; i++)
            {
                buffer[offset + i] = (byte)_random.Next(256);
            }
        }
    }
}
