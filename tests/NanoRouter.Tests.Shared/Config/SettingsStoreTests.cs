using NanoRouter.Core.Common;
using NanoRouter.Core.Config;
using NanoRouter.Core.Nat;
using NanoRouter.Core.Passthrough;
using NanoRouter.Tests.Admin;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Config
{
    [TestClass]
    public class SettingsStoreTests
    {
        /// <summary>Bitwise CRC-32 straight from the definition (reflected 0xEDB88320), as the reference.</summary>
        private static uint ReferenceCrc(byte[] data, int count)
        {
            uint crc = 0xFFFFFFFF;
            for (int i = 0; i < count; i++)
            {
                crc ^= data[i];
                for (int k = 0; k < 8; k++)
                {
                    crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
                }
            }

            return ~crc;
        }

        [TestMethod]
        public void Crc32_CheckValue_Is0xCBF43926()
        {
            // The standard check value of CRC-32/ISO-HDLC (zlib, PNG, Ethernet).
            byte[] data = Text.Ascii("123456789");
            Assert.AreEqual(0xCBF43926u, Crc32.Compute(data, 0, data.Length));
        }

        [TestMethod]
        public void Crc32_RandomData_MatchesBitwiseReference()
        {
            var random = new TestRandom(4);
            for (int length = 0; length < 600; length += 7)
            {
                byte[] data = random.Bytes(length, length);
                Assert.AreEqual(ReferenceCrc(data, length), Crc32.Compute(data, 0, length), "length " + length);
            }
        }

        private static RouterSettings Sample(string ssid)
        {
            var s = new RouterSettings();
            TestText.Set(s.UplinkSsid, ssid);
            TestText.Set(s.UplinkPassword, "uplink-secret");
            TestText.Set(s.ApSsid, "Caf\u00e9 \U0001F600");
            TestText.Set(s.ApPassword, "ap-password-1");
            s.ApChannel = 11;
            s.HostName = "router.example";
            s.UdpTimeoutSeconds = 600;
            s.TcpEstablishedTimeoutSeconds = 9000;
            s.TcpTransitoryTimeoutSeconds = 300;
            s.IcmpTimeoutSeconds = 90;
            s.MssClamp = 1400;
            s.SetPassthroughEnabled(PassthroughProtocol.Pptp, false);
            s.HasAdminPassword = true;
            s.AdminIterations = 1234;
            for (int i = 0; i < 16; i++)
            {
                s.AdminSalt[i] = (byte)(i + 1);
            }

            for (int i = 0; i < 32; i++)
            {
                s.AdminHash[i] = (byte)(200 - i);
            }

            s.Forwards.Add(PortForwards.ProtocolTcp, 8022, 0xC6130402, 22, true);
            s.Forwards.Add(PortForwards.ProtocolUdp, (ssid.Length * 100) + 1000, 0xC61304FE, 65535, false);
            return s;
        }

        private static void AssertSame(RouterSettings expected, RouterSettings actual)
        {
            Assert.AreEqual(TestText.Str(expected.UplinkSsid), TestText.Str(actual.UplinkSsid));
            Assert.AreEqual(TestText.Str(expected.UplinkPassword), TestText.Str(actual.UplinkPassword));
            Assert.AreEqual(TestText.Str(expected.ApSsid), TestText.Str(actual.ApSsid));
            Assert.AreEqual(TestText.Str(expected.ApPassword), TestText.Str(actual.ApPassword));
            Assert.AreEqual(expected.ApChannel, actual.ApChannel);
            Assert.AreEqual(expected.HostName, actual.HostName);
            Assert.AreEqual(expected.UdpTimeoutSeconds, actual.UdpTimeoutSeconds);
            Assert.AreEqual(expected.TcpEstablishedTimeoutSeconds, actual.TcpEstablishedTimeoutSeconds);
            Assert.AreEqual(expected.TcpTransitoryTimeoutSeconds, actual.TcpTransitoryTimeoutSeconds);
            Assert.AreEqual(expected.IcmpTimeoutSeconds, actual.IcmpTimeoutSeconds);
            Assert.AreEqual(expected.MssClamp, actual.MssClamp);
            Assert.AreEqual(expected.PassthroughMask, actual.PassthroughMask);
            Assert.AreEqual(expected.HasAdminPassword, actual.HasAdminPassword);
            Assert.AreEqual(expected.AdminIterations, actual.AdminIterations);
            CollectionAssert.AreEqual(expected.AdminSalt, actual.AdminSalt);
            CollectionAssert.AreEqual(expected.AdminHash, actual.AdminHash);
            Assert.AreEqual(expected.Forwards.Count, actual.Forwards.Count, "port forwards");
            for (int i = 0; i < PortForwards.Capacity; i++)
            {
                Assert.IsTrue(actual.Forwards.SameRule(i, expected.Forwards, i), "port forward " + i);
            }
        }

        [TestMethod]
        public void SaveThenLoad_RoundTripsEveryField()
        {
            var raw = new MemoryConfigStore(2);
            var store = new SettingsStore(raw);
            Assert.AreEqual(SettingsLoadStatus.Empty, store.Load(new RouterSettings()));
            RouterSettings saved = Sample("Home \"<net>\"");
            Assert.IsTrue(store.Save(saved));
            var loaded = new RouterSettings();
            Assert.AreEqual(SettingsLoadStatus.Loaded, new SettingsStore(raw).Load(loaded));
            AssertSame(saved, loaded);
        }

        [TestMethod]
        public void Saves_AlternateSlots_NewestWins()
        {
            var raw = new MemoryConfigStore(2);
            var store = new SettingsStore(raw);
            store.Load(new RouterSettings());
            for (int n = 0; n < 5; n++)
            {
                Assert.IsTrue(store.Save(Sample("net" + n)));
                var loaded = new RouterSettings();
                new SettingsStore(raw).Load(loaded);
                Assert.AreEqual("net" + n, TestText.Str(loaded.UplinkSsid));
            }

            Assert.IsTrue(raw.Slot(0).Length > 0 && raw.Slot(1).Length > 0);
        }

        /// <summary>
        /// The power-cut test: the save of B over A is cut after every possible byte count, both
        /// as a truncated slot and as an in-place overwrite that leaves the slot's older bytes
        /// behind the cut. Loading must give A (cut) or B (whole), never a mix or garbage.
        /// </summary>
        [TestMethod]
        [DataRow(0)] // truncated
        [DataRow(1)] // old tail kept (a bool in a [DataRow] is one nanoCLR cannot decode)
        public void PowerCut_AtEveryByte_LeavesOldOrNew(int keepOldTail)
        {
            RouterSettings older = Sample("old-network");
            RouterSettings a = Sample("network-A");
            RouterSettings b = Sample("network-B-with-a-longer-name");
            b.ApChannel = 3;
            b.SetPassthroughEnabled(PassthroughProtocol.Esp, false);
            int recordLength = SettingsCodec.Encode(b, 1, new byte[SettingsCodec.MaxRecordBytes]);
            Assert.IsTrue(recordLength > 150, "a record of every field: " + recordLength);
            for (int cut = 0; cut <= recordLength; cut++)
            {
                var raw = new MemoryConfigStore(2);
                var store = new SettingsStore(raw);
                store.Load(new RouterSettings());
                Assert.IsTrue(store.Save(older)); // slot 0
                Assert.IsTrue(store.Save(a));     // slot 1: the current settings
                raw.CutKeepsOldTail = keepOldTail != 0;
                raw.CutNextWriteAt = cut;         // B goes to slot 0, over "older"
                Assert.IsFalse(store.Save(b), "a cut write reports failure");
                var loaded = new RouterSettings();
                SettingsLoadStatus status = new SettingsStore(raw).Load(loaded);
                Assert.AreEqual(SettingsLoadStatus.Loaded, status, "cut at " + cut);

                // Every byte of B written (the cut came after the last one): B; otherwise A.
                AssertSame(cut < recordLength ? a : b, loaded);
            }

            // And with no cut at all, B.
            var whole = new MemoryConfigStore(2);
            var wholeStore = new SettingsStore(whole);
            wholeStore.Load(new RouterSettings());
            Assert.IsTrue(wholeStore.Save(a));
            Assert.IsTrue(wholeStore.Save(b));
            var last = new RouterSettings();
            new SettingsStore(whole).Load(last);
            AssertSame(b, last);
        }

        [TestMethod]
        public void PowerCut_ThenNextSave_StillAlternatesSafely()
        {
            var raw = new MemoryConfigStore(2);
            var store = new SettingsStore(raw);
            store.Load(new RouterSettings());
            Assert.IsTrue(store.Save(Sample("A")));
            raw.CutNextWriteAt = 20;
            Assert.IsFalse(store.Save(Sample("B")));
            Assert.IsTrue(store.Save(Sample("C")));
            var loaded = new RouterSettings();
            Assert.AreEqual(SettingsLoadStatus.Loaded, new SettingsStore(raw).Load(loaded));
            Assert.AreEqual("C", TestText.Str(loaded.UplinkSsid));

            // The slot holding C is intact even if the following save dies at once.
            raw.CutNextWriteAt = 0;
            Assert.IsFalse(store.Save(Sample("D")));
            new SettingsStore(raw).Load(loaded);
            Assert.AreEqual("C", TestText.Str(loaded.UplinkSsid));
        }

        [TestMethod]
        public void EveryFlippedBit_IsRejected_DefaultsAndCorruptFlag()
        {
            var raw = new MemoryConfigStore(1);
            var store = new SettingsStore(raw);
            store.Load(new RouterSettings());
            Assert.IsTrue(store.Save(Sample("flip")));
            byte[] good = MemoryConfigStore.Copy(raw.Slot(0), raw.Slot(0).Length);
            for (int i = 0; i < good.Length; i++)
            {
                for (int bit = 0; bit < 8; bit += 3)
                {
                    byte[] bad = MemoryConfigStore.Copy(good, good.Length);
                    bad[i] ^= (byte)(1 << bit);
                    raw.SetSlot(0, bad);
                    var loaded = Sample("should be overwritten");
                    SettingsLoadStatus status = new SettingsStore(raw).Load(loaded);
                    Assert.AreEqual(SettingsLoadStatus.Corrupt, status, "byte " + i + " bit " + bit);
                    AssertSame(new RouterSettings(), loaded);
                }
            }
        }

        [TestMethod]
        public void UnknownVersion_LoadsDefaults_AndSaysSo()
        {
            var raw = new MemoryConfigStore(2);
            var store = new SettingsStore(raw);
            store.Load(new RouterSettings());
            Assert.IsTrue(store.Save(Sample("v1")));
            byte[] record = MemoryConfigStore.Copy(raw.Slot(0), raw.Slot(0).Length);
            record[4] = SettingsCodec.Version + 1; // a newer format
            int crcAt = record.Length - 4;
            uint crc = Crc32.Compute(record, 0, crcAt);
            record[crcAt] = (byte)(crc >> 24);
            record[crcAt + 1] = (byte)(crc >> 16);
            record[crcAt + 2] = (byte)(crc >> 8);
            record[crcAt + 3] = (byte)crc;
            raw.SetSlot(0, record);
            var loaded = new RouterSettings();
            var fresh = new SettingsStore(raw);
            Assert.AreEqual(SettingsLoadStatus.UnknownVersion, fresh.Load(loaded));
            Assert.IsFalse(loaded.HasAdminPassword);

            // Saving afterwards writes a newer sequence than the unknown record, so it wins.
            Assert.IsTrue(fresh.Save(Sample("after")));
            Assert.AreEqual(SettingsLoadStatus.Loaded, new SettingsStore(raw).Load(loaded));
            Assert.AreEqual("after", TestText.Str(loaded.UplinkSsid));
        }

        [TestMethod]
        public void Garbage_IsCorrupt_EmptyIsEmpty_EraseForgets()
        {
            var raw = new MemoryConfigStore(2);
            raw.SetSlot(0, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3 });
            var store = new SettingsStore(raw);
            Assert.AreEqual(SettingsLoadStatus.Corrupt, store.Load(new RouterSettings()));
            Assert.IsTrue(store.Save(Sample("x")));
            Assert.AreEqual(SettingsLoadStatus.Loaded, new SettingsStore(raw).Load(new RouterSettings()));
            store.Erase();
            Assert.AreEqual(0, raw.Slot(0).Length + raw.Slot(1).Length);
            Assert.AreEqual(SettingsLoadStatus.Empty, new SettingsStore(raw).Load(new RouterSettings()));
        }

        [TestMethod]
        public void SequenceWraparound_NewestStillWins()
        {
            // Serial-number arithmetic: 0 is newer than 0xFFFFFFFF.
            var raw = new MemoryConfigStore(2);
            byte[] record = new byte[SettingsCodec.MaxRecordBytes];
            int length = SettingsCodec.Encode(Sample("old"), 0xFFFFFFFF, record);
            raw.SetSlot(1, MemoryConfigStore.Copy(record, length));
            length = SettingsCodec.Encode(Sample("new"), 0, record);
            raw.SetSlot(0, MemoryConfigStore.Copy(record, length));
            var loaded = new RouterSettings();
            new SettingsStore(raw).Load(loaded);
            Assert.AreEqual("new", TestText.Str(loaded.UplinkSsid));
        }

        [TestMethod]
        public void Encode_TooLongField_RefusesToSave()
        {
            var raw = new MemoryConfigStore(2);
            var store = new SettingsStore(raw);
            RouterSettings s = Sample(new string('x', 33));
            Assert.IsFalse(store.Save(s));
            Assert.AreEqual(0, raw.Writes);
        }
    }
}
