using System;
using System.IO;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.Core.Config;
using NanoRouter.Hal.Linux;

namespace NanoRouter.BrowserTests
{
    /// <summary>The host board's settings file: atomic replace, stray temporary files, erase.</summary>
    [TestClass]
    public class FileConfigStoreTests
    {
        private string _dir;

        private static string Ascii(WifiText value) => System.Text.Encoding.ASCII.GetString(value.Bytes, 0, value.Length);

        [TestInitialize]
        public void Init()
        {
            _dir = Path.Combine(Path.GetTempPath(), "nr-cfg-" + Guid.NewGuid().ToString("N"));
        }

        [TestCleanup]
        public void Cleanup()
        {
            if (Directory.Exists(_dir))
            {
                Directory.Delete(_dir, true);
            }
        }

        [TestMethod]
        public void SaveLoadErase_ThroughTheFile()
        {
            string path = Path.Combine(_dir, "sub", "settings.bin");
            var store = new SettingsStore(new FileConfigStore(path));
            var settings = new RouterSettings();
            Assert.AreEqual(SettingsLoadStatus.Empty, store.Load(settings));
            settings.UplinkSsid.SetAscii("file-test");
            Assert.IsTrue(store.Save(settings));
            Assert.IsTrue(File.Exists(path));
            Assert.IsFalse(File.Exists(path + ".tmp"));
            var loaded = new RouterSettings();
            Assert.AreEqual(SettingsLoadStatus.Loaded, new SettingsStore(new FileConfigStore(path)).Load(loaded));
            Assert.AreEqual("file-test", Ascii(loaded.UplinkSsid));
            store.Erase();
            Assert.IsFalse(File.Exists(path));
            Assert.AreEqual(SettingsLoadStatus.Empty, new SettingsStore(new FileConfigStore(path)).Load(loaded));
        }

        /// <summary>The file holds the password hash: mode 600 when new, after every save (also over a
        /// world-readable file or a stray .tmp), and as soon as a world-readable one is read.</summary>
        [TestMethod]
        public void SettingsFile_IsMode600_AlsoWhenItExistedWorldReadable()
        {
            const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            const UnixFileMode WorldReadable = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            string path = Path.Combine(_dir, "settings.bin");
            var store = new SettingsStore(new FileConfigStore(path));
            var settings = new RouterSettings { HasAdminPassword = true };
            store.Load(new RouterSettings());
            Assert.IsTrue(store.Save(settings));
            Assert.AreEqual(Private, File.GetUnixFileMode(path), "a new file");

            File.SetUnixFileMode(path, WorldReadable);
            File.WriteAllBytes(path + ".tmp", new byte[3]);
            File.SetUnixFileMode(path + ".tmp", WorldReadable | UnixFileMode.OtherWrite);
            Assert.IsTrue(store.Save(settings));
            Assert.AreEqual(Private, File.GetUnixFileMode(path), "saved over a world-readable file and a stray .tmp");

            File.SetUnixFileMode(path, WorldReadable);
            Assert.AreEqual(SettingsLoadStatus.Loaded, new SettingsStore(new FileConfigStore(path)).Load(new RouterSettings()));
            Assert.AreEqual(Private, File.GetUnixFileMode(path), "a world-readable file, only read at start-up");
        }

        /// <summary>A power cut before the rename leaves a partial .tmp beside the old file: the old settings load.</summary>
        [TestMethod]
        public void CutBeforeRename_EveryLength_OldSettingsLoad()
        {
            string path = Path.Combine(_dir, "settings.bin");
            var store = new SettingsStore(new FileConfigStore(path));
            var a = new RouterSettings();
            a.UplinkSsid.SetAscii("A");
            store.Load(new RouterSettings());
            Assert.IsTrue(store.Save(a));
            var b = new RouterSettings();
            b.UplinkSsid.SetAscii("B");
            byte[] record = new byte[SettingsCodec.MaxRecordBytes];
            int length = SettingsCodec.Encode(b, 2, record);
            for (int cut = 0; cut <= length; cut += 7)
            {
                File.WriteAllBytes(path + ".tmp", record.AsSpan(0, cut).ToArray());
                var loaded = new RouterSettings();
                Assert.AreEqual(SettingsLoadStatus.Loaded, new SettingsStore(new FileConfigStore(path)).Load(loaded));
                Assert.AreEqual("A", Ascii(loaded.UplinkSsid));
            }

            // The next save replaces the stray file and wins.
            Assert.IsTrue(store.Save(b));
            var after = new RouterSettings();
            new SettingsStore(new FileConfigStore(path)).Load(after);
            Assert.AreEqual("B", Ascii(after.UplinkSsid));
        }

        [TestMethod]
        public void TruncatedFile_IsCorrupt_DefaultsLoad()
        {
            string path = Path.Combine(_dir, "settings.bin");
            var store = new SettingsStore(new FileConfigStore(path));
            store.Load(new RouterSettings());
            var t = new RouterSettings { HasAdminPassword = true };
            t.UplinkSsid.SetAscii("T");
            Assert.IsTrue(store.Save(t));
            byte[] whole = File.ReadAllBytes(path);
            for (int cut = 1; cut < whole.Length; cut++)
            {
                File.WriteAllBytes(path, whole.AsSpan(0, cut).ToArray());
                var loaded = new RouterSettings();
                Assert.AreEqual(SettingsLoadStatus.Corrupt, new SettingsStore(new FileConfigStore(path)).Load(loaded), "cut " + cut);
                Assert.IsFalse(loaded.HasAdminPassword);
            }
        }
    }
}
