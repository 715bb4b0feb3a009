using System.IO;
using NanoRouter.Core.Config;

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
    /// and says so. What a missing or unreadable file means is the core's (<see cref="FileSlotStore"/>).
    /// </summary>
    public sealed class FlashConfigStore : FileSlotStore
    {
        /// <summary>Two slots of 1 KB: I:\nanorouter0.bin and I:\nanorouter1.bin.</summary>
        public FlashConfigStore()
            : base(new string[] { "I:\\nanorouter0.bin", "I:\\nanorouter1.bin" }, 1024)
        {
        }

        /// <inheritdoc />
        protected override byte[] ReadFile(string path) => File.ReadAllBytes(path);

        /// <inheritdoc />
        protected override void WriteFile(string path, byte[] content) => File.WriteAllBytes(path, content);

        /// <inheritdoc />
        protected override void DeleteFile(string path) => File.Delete(path);
    }
}
