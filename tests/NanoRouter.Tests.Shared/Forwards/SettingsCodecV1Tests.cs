using NanoRouter.Core.Common;
using NanoRouter.Core.Config;
using NanoRouter.Core.Nat;
using NanoRouter.Core.Passthrough;
using NanoRouter.Tests.Admin;

namespace NanoRouter.Tests.Config
{
    /// <summary>
    /// The settings record's format 2 (port forwarding) and the first format it replaced: a record
    /// written by format 1 reads as the same settings with no rules, and is rewritten as format 2
    /// at the next save; format 2 keeps the rules, and refuses a rule count or tail that does not fit.
    /// </summary>
    [TestClass]
    public class SettingsCodecV1Tests
    {
        /// <summary>
        /// A real format-1 record: SettingsCodec.Encode of main at 4b48717 (Version 1, before port
        /// forwarding), sequence 7, for uplink "HomeNet"/"uplink-secret", access point
        /// "nanoRouter-v1"/"ap-password-1", channel 11, host name "router.v1", timeouts 600/9000/300/90 s,
        /// MSS 1400, PPTP off, a password with 1234 iterations, salt 1..16 and hash 200..169.
        /// </summary>
        private static readonly byte[] s_version1 =
        {
            0x4E, 0x52, 0x43, 0x46, 0x01, 0x00, 0x00, 0x85, 0x00, 0x00, 0x00, 0x07, 0x07, 0x48, 0x6F, 0x6D,
            0x65, 0x4E, 0x65, 0x74, 0x0D, 0x75, 0x70, 0x6C, 0x69, 0x6E, 0x6B, 0x2D, 0x73, 0x65, 0x63, 0x72,
            0x65, 0x74, 0x0D, 0x6E, 0x61, 0x6E, 0x6F, 0x52, 0x6F, 0x75, 0x74, 0x65, 0x72, 0x2D, 0x76, 0x31,
            0x0D, 0x61, 0x70, 0x2D, 0x70, 0x61, 0x73, 0x73, 0x77, 0x6F, 0x72, 0x64, 0x2D, 0x31, 0x09, 0x72,
            0x6F, 0x75, 0x74, 0x65, 0x72, 0x2E, 0x76, 0x31, 0x0B, 0x00, 0x00, 0x02, 0x58, 0x00, 0x00, 0x23,
            0x28, 0x00, 0x00, 0x01, 0x2C, 0x00, 0x00, 0x00, 0x5A, 0x05, 0x78, 0x2F, 0x01, 0x00, 0x00, 0x04,
            0xD2, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
            0x10, 0xC8, 0xC7, 0xC6, 0xC5, 0xC4, 0xC3, 0xC2, 0xC1, 0xC0, 0xBF, 0xBE, 0xBD, 0xBC, 0xBB, 0xBA,
            0xB9, 0xB8, 0xB7, 0xB6, 0xB5, 0xB4, 0xB3, 0xB2, 0xB1, 0xB0, 0xAF, 0xAE, 0xAD, 0xAC, 0xAB, 0xAA,
            0xA9, 0xCB, 0x6A, 0x7F, 0xAA, 
        };

        [TestMethod]
        public void Decode_Version1Record_EveryFieldAndNoForwards()
        {
            var settings = new RouterSettings();
            settings.Forwards.Add(PortForwards.ProtocolTcp, 1, 0xC6130402, 1, true); // must be cleared
            uint sequence;
            Assert.AreEqual(SettingsDecodeStatus.Ok, SettingsCodec.Decode(s_version1, s_version1.Length, settings, out sequence));
            Assert.AreEqual(7u, sequence);
            Assert.AreEqual("HomeNet", TestText.Str(settings.UplinkSsid));
            Assert.AreEqual("uplink-secret", TestText.Str(settings.UplinkPassword));
            Assert.AreEqual("nanoRouter-v1", TestText.Str(settings.ApSsid));
            Assert.AreEqual("ap-password-1", TestText.Str(settings.ApPassword));
            Assert.AreEqual(11, settings.ApChannel);
            Assert.AreEqual("router.v1", settings.HostName);
            Assert.AreEqual(600, settings.UdpTimeoutSeconds);
            Assert.AreEqual(9000, settings.TcpEstablishedTimeoutSeconds);
            Assert.AreEqual(300, settings.TcpTransitoryTimeoutSeconds);
            Assert.AreEqual(90, settings.IcmpTimeoutSeconds);
            Assert.AreEqual(1400, settings.MssClamp);
            Assert.IsFalse(settings.IsPassthroughEnabled(PassthroughProtocol.Pptp));
            Assert.IsTrue(settings.IsPassthroughEnabled(PassthroughProtocol.Esp));
            Assert.IsTrue(settings.HasAdminPassword);
            Assert.AreEqual(1234, settings.AdminIterations);
            Assert.AreEqual(1, (int)settings.AdminSalt[0]);
            Assert.AreEqual(169, (int)settings.AdminHash[31]);
            Assert.AreEqual(0, settings.Forwards.Count, "format 1 has no rules");
        }

        [TestMethod]
        public void Store_Version1Slot_LoadsThenSavesAsVersion2()
        {
            var raw = new MemoryConfigStore(2);
            raw.SetSlot(0, MemoryConfigStore.Copy(s_version1, s_version1.Length));
            var store = new SettingsStore(raw);
            var settings = new RouterSettings();
            Assert.AreEqual(SettingsLoadStatus.Loaded, store.Load(settings));
            Assert.AreEqual("HomeNet", TestText.Str(settings.UplinkSsid));
            settings.Forwards.Add(PortForwards.ProtocolUdp, 5353, 0xC6130403, 53, false);
            Assert.IsTrue(store.Save(settings));
            Assert.AreEqual(SettingsCodec.Version, raw.Slot(1)[4], "the new record is format 2, in the other slot");
            CollectionAssert.AreEqual(s_version1, raw.Slot(0), "the format-1 record stays until the next save");

            var again = new RouterSettings();
            Assert.AreEqual(SettingsLoadStatus.Loaded, new SettingsStore(raw).Load(again));
            Assert.AreEqual("HomeNet", TestText.Str(again.UplinkSsid));
            Assert.AreEqual(1, again.Forwards.Count);
            Assert.AreEqual(PortForwards.ProtocolUdp, again.Forwards.Protocol[0]);
            Assert.AreEqual(5353, (int)again.Forwards.ExternalPort[0]);
            Assert.AreEqual(0xC6130403u, again.Forwards.Host[0]);
            Assert.AreEqual(53, (int)again.Forwards.Port[0]);
            Assert.IsFalse(again.Forwards.Enabled[0]);
        }

        [TestMethod]
        public void EncodeDecode_FullRuleTable_RoundTrips()
        {
            var settings = new RouterSettings();
            for (int i = 0; i < PortForwards.Capacity; i++)
            {
                settings.Forwards.Add(i % 2 == 0 ? PortForwards.ProtocolTcp : PortForwards.ProtocolUdp, 60000 + i, 0xC6130400u + (uint)(i + 2), 65535 - i, i % 3 != 0);
            }

            var buffer = new byte[SettingsCodec.MaxRecordBytes];
            int length = SettingsCodec.Encode(settings, 1, buffer);
            Assert.IsTrue(length > 0 && length <= SettingsCodec.MaxRecordBytes);
            var loaded = new RouterSettings();
            uint sequence;
            Assert.AreEqual(SettingsDecodeStatus.Ok, SettingsCodec.Decode(buffer, length, loaded, out sequence));
            Assert.AreEqual(PortForwards.Capacity, loaded.Forwards.Count);
            for (int i = 0; i < PortForwards.Capacity; i++)
            {
                Assert.IsTrue(loaded.Forwards.SameRule(i, settings.Forwards, i), "rule " + i);
            }
        }

        [TestMethod]
        [DataRow(9, 0)] // a count above the table's capacity
        [DataRow(2, 0)] // a count that says more than there is
        [DataRow(0, 0)] // a count that says less (a rule left behind it)
        [DataRow(1, 1)] // protocol 1 (ICMP)
        [DataRow(1, 2)] // an unknown flag
        [DataRow(1, 3)] // external port 0
        public void Decode_BadRuleTail_BadField(int count, int damage)
        {
            var settings = new RouterSettings();
            settings.Forwards.Add(PortForwards.ProtocolTcp, 8022, 0xC6130402, 22, true);
            var buffer = new byte[SettingsCodec.MaxRecordBytes + 64];
            int length = SettingsCodec.Encode(settings, 1, buffer);
            int rule = length - 4 - SettingsCodec.ForwardBytes;
            buffer[rule - 1] = (byte)count;
            if (damage == 1)
            {
                buffer[rule] = 1;
            }
            else if (damage == 2)
            {
                buffer[rule + 1] = 2;
            }
            else if (damage == 3)
            {
                buffer[rule + 2] = 0;
                buffer[rule + 3] = 0;
            }

            uint crc = Crc32.Compute(buffer, 0, length - 4);
            buffer[length - 4] = (byte)(crc >> 24);
            buffer[length - 3] = (byte)(crc >> 16);
            buffer[length - 2] = (byte)(crc >> 8);
            buffer[length - 1] = (byte)crc;
            var loaded = new RouterSettings();
            uint sequence;
            Assert.AreEqual(SettingsDecodeStatus.BadField, SettingsCodec.Decode(buffer, length, loaded, out sequence));
            Assert.AreEqual(0, loaded.Forwards.Count, "nothing changed");
        }
    }
}
