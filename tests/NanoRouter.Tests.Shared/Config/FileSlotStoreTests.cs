using NanoRouter.Core.Config;

namespace NanoRouter.Tests.Config
{
    /// <summary>
    /// Settings slots as files (the ESP32's FlashConfigStore over LittleFS): each slot its own file,
    /// the bytes kept exactly, a missing or unreadable file an empty slot, a failing write reported,
    /// and the settings store on top keeps its newest good record through a failed save.
    /// </summary>
    [TestClass]
    public class FileSlotStoreTests
    {
        /// <summary>The two files in memory, as File.ReadAllBytes/WriteAllBytes/Delete behave: a missing file
        /// throws. Two fields, not a string[] of names: nanoCLR (nf-interpreter 3367392a0) gives a fresh
        /// string[]'s elements the string type with no text (CLR_RT_HeapBlock_Array::ClearElements), so
        /// `element == path` on one that was never written crashes it, and `element == null` is false.</summary>
        private sealed class MemoryFiles : FileSlotStore
        {
            public const string PathA = "I:\\a.bin";
            public const string PathB = "I:\\b.bin";
            public byte[] FileA;
            public byte[] FileB;
            public bool Broken;
            public int Deletes;

            public MemoryFiles()
                : base(new string[] { PathA, PathB }, 1024)
            {
            }

            protected override byte[] ReadFile(string path)
            {
                byte[] content = path == PathA ? FileA : path == PathB ? FileB : null;
                if (Broken || content == null)
                {
                    throw new System.Exception("no such file");
                }

                return content;
            }

            protected override void WriteFile(string path, byte[] content)
            {
                if (Broken)
                {
                    throw new System.Exception("flash failed");
                }

                if (path == PathA)
                {
                    FileA = content;
                }
                else if (path == PathB)
                {
                    FileB = content;
                }
                else
                {
                    throw new System.Exception("no such folder");
                }
            }

            protected override void DeleteFile(string path)
            {
                Deletes++;
                if (path == PathA && FileA != null)
                {
                    FileA = null;
                }
                else if (path == PathB && FileB != null)
                {
                    FileB = null;
                }
                else
                {
                    throw new System.Exception("no such file");
                }
            }
        }

        [TestMethod]
        public void Slots_OneFileEach_SizeAsGiven()
        {
            var files = new MemoryFiles();
            Assert.AreEqual(2, files.SlotCount);
            Assert.AreEqual(1024, files.SlotSize);
            Assert.IsTrue(files.Write(1, new byte[] { 9, 1, 2, 3, 9 }, 1, 3));
            CollectionAssert.AreEqual(new byte[] { 1, 2, 3 }, files.FileB, "slot 1's file, only the bytes asked for");
            Assert.IsNull(files.FileA);
        }

        [TestMethod]
        public void Read_MissingFile_EmptySlot()
        {
            var files = new MemoryFiles();
            byte[] buffer = new byte[8];
            Assert.AreEqual(0, files.Read(0, buffer, 0, buffer.Length));
            CollectionAssert.AreEqual(new byte[8], buffer);
        }

        [TestMethod]
        public void Read_WrittenBytes_AtTheOffset_AtMostCount_ReturnsTheFileLength()
        {
            var files = new MemoryFiles();
            Assert.IsTrue(files.Write(0, new byte[] { 5, 6, 7, 8 }, 0, 4));
            byte[] buffer = new byte[6];
            Assert.AreEqual(4, files.Read(0, buffer, 1, 5));
            CollectionAssert.AreEqual(new byte[] { 0, 5, 6, 7, 8, 0 }, buffer);
            byte[] small = new byte[3];
            Assert.AreEqual(4, files.Read(0, small, 1, 2), "the whole file's length, so the caller sees it did not fit");
            CollectionAssert.AreEqual(new byte[] { 0, 5, 6 }, small);
        }

        [TestMethod]
        public void FileCallsThrow_ReadEmpty_WriteFalse_EraseQuiet()
        {
            var files = new MemoryFiles();
            Assert.IsTrue(files.Write(0, new byte[] { 1 }, 0, 1));
            files.Broken = true;
            Assert.AreEqual(0, files.Read(0, new byte[4], 0, 4));
            Assert.IsFalse(files.Write(0, new byte[] { 2 }, 0, 1));
            files.Broken = false;
            files.Erase(0);
            files.Erase(0); // gone already: no exception
            Assert.AreEqual(2, files.Deletes);
            Assert.AreEqual(0, files.Read(0, new byte[4], 0, 4));
        }

        [TestMethod]
        public void SettingsStore_FailedSave_KeepsTheLastGoodSettings()
        {
            var files = new MemoryFiles();
            var store = new SettingsStore(files);
            var settings = new RouterSettings();
            TestText.Set(settings.UplinkSsid, "HomeNet");
            Assert.IsTrue(store.Save(settings));
            files.Broken = true;
            TestText.Set(settings.UplinkSsid, "Other");
            Assert.IsFalse(store.Save(settings));
            files.Broken = false;
            var loaded = new RouterSettings();
            Assert.AreEqual(SettingsLoadStatus.Loaded, new SettingsStore(files).Load(loaded));
            Assert.AreEqual("HomeNet", TestText.Str(loaded.UplinkSsid));
        }
    }
}
