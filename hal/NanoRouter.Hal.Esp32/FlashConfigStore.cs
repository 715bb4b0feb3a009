using System;
using System.IO;

namespace NanoRouter.Hal.Esp32
{
    /// <summary>
    /// The settings slots as two files on drive I:. On the ESP32 that is the LittleFS "config"
    /// partition (256 KB on a 4 MB board), mounted through ESP-IDF's VFS, which nanoFramework also
    /// keeps its own configuration blocks in (network and Wi-Fi settings, files /I/conf_*:
    /// targets/ESP32/_common/targetHAL_ConfigStorageLittlefs.c, target_FileSystem.cpp). It is not
    /// SPIFFS. What that means for a power cut: LittleFS commits a file's new content only when the
    /// file is closed (copy-on-write), but File.WriteAllBytes first truncates an existing file
    /// (FileStream's FileMode.Create, SetLength(0)), so a cut mid-save can leave that one file empty
    /// or short. The core never writes the slot that holds the newest good record
    /// (<c>SettingsStore</c>), and every record carries a CRC: a cut leaves the old settings or the
    /// new ones, never a mix. The mount formats the partition when it cannot be mounted
    /// (format_if_mount_failed), which loses both slots: the router then starts on factory settings
    /// and says so.
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
            try
            {
                byte[] content = File.ReadAllBytes(PathOf(slot)); // boot only: one small allocation
                Array.Copy(content, 0, buffer, offset, content.Length < count ? content.Length : count);
                return content.Length;
            }
            catch (Exception)
            {
                return 0; // no such file (or unreadable): an empty slot
            }
        }

        /// <inheritdoc />
        public bool Write(int slot, byte[] buffer, int offset, int count)
        {
            byte[] content = new byte[count];
            Array.Copy(buffer, offset, content, 0, count);
            try
            {
                File.WriteAllBytes(PathOf(slot), content);
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }

        /// <inheritdoc />
        public void Erase(int slot)
        {
            try
            {
                File.Delete(PathOf(slot));
            }
            catch (Exception)
            {
                // Gone already, or unreadable: the next load finds no good record there either way.
            }
        }

        private static string PathOf(int slot) => slot == 0 ? "I:\\nanorouter0.bin" : "I:\\nanorouter1.bin";
    }
}
