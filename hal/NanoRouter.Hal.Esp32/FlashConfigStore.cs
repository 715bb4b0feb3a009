using System.IO;

namespace NanoRouter.Hal.Esp32
{
    /// <summary>
    /// The settings slots as two files on the internal flash file system (drive I:, the SPIFFS
    /// partition of the ESP32's own SPI flash). The core alternates between them, so a power cut
    /// while one is written leaves the other.
    /// </summary>
    public sealed class FlashConfigStore : IConfigStore
    {
        /// <inheritdoc />
        public int SlotCount => 2;

        /// <inheritdoc />
        public int SlotSize => 1024;

        /// <inheritdoc />
        public int Read(int slot, byte[] buffer, int offset, int count)
        {
            if (!File.Exists(PathOf(slot)))
            {
                return 0;
            }

            byte[] content = File.ReadAllBytes(PathOf(slot)); // boot only: one small allocation
            System.Array.Copy(content, 0, buffer, offset, content.Length < count ? content.Length : count);
            return content.Length;
        }

        /// <inheritdoc />
        public bool Write(int slot, byte[] buffer, int offset, int count)
        {
            byte[] content = new byte[count];
            System.Array.Copy(buffer, offset, content, 0, count);
            try
            {
                File.WriteAllBytes(PathOf(slot), content);
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }

        /// <inheritdoc />
        public void Erase(int slot)
        {
            if (File.Exists(PathOf(slot)))
            {
                File.Delete(PathOf(slot));
            }
        }

        private static string PathOf(int slot) => slot == 0 ? "I:\\nanorouter0.bin" : "I:\\nanorouter1.bin";
    }
}
