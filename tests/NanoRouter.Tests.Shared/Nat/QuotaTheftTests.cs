using NanoRouter.Core.Nat;
using NanoRouter.Hal;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// Quota theft (issue 15, item 3): a LAN host that forges another host's source address must
    /// not spend that host's NAT quota. The packet port puts each LAN packet's link-layer source
    /// address right after the packet (<see cref="NatEngine.LinkSourceAfterPacket"/>); new sessions
    /// are charged to that sender. Without an address (all zero, or a port that gives none) every
    /// LAN address is its own sender, as before.
    /// </summary>
    [TestClass]
    public class QuotaTheftTests
    {
        private const string MacA = "02:00:00:00:00:0A";
        private const string MacB = "02:00:00:00:00:0B";

        private static NatRig Rig(int capacity = 64)
        {
            var rig = new NatRig(capacity);
            rig.Engine.LinkSourceAfterPacket = true;
            return rig;
        }

        /// <summary>"02:00:..." as 6 bytes.</summary>
        private static byte[] Mac(string text)
        {
            var mac = new byte[6];
            for (int i = 0; i < 6; i++)
            {
                mac[i] = (byte)((Digit(text[i * 3]) << 4) | Digit(text[(i * 3) + 1]));
            }

            return mac;
        }

        private static int Digit(char c)
        {
            return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
        }

        /// <summary>Sends from the LAN as a port would hand it over: the packet, then its sender's address.</summary>
        private static Verdict From(NatRig rig, string mac, byte[] packet)
        {
            var buffer = new byte[packet.Length + 6 + 10];
            System.Array.Copy(packet, buffer, packet.Length);
            System.Array.Copy(Mac(mac), 0, buffer, packet.Length, 6);
            for (int i = packet.Length + 6; i < buffer.Length; i++)
            {
                buffer[i] = 0xA5;
            }

            return rig.Engine.Process(buffer, packet.Length, Side.Lan);
        }

        private static int Forwarded(NatRig rig, string mac, uint source, int firstPort, int flows)
        {
            int forwarded = 0;
            for (int i = 0; i < flows; i++)
            {
                if (From(rig, mac, Packets.Udp(source, (ushort)(firstPort + i), Net.Server, 53)) == Verdict.Forward)
                {
                    forwarded++;
                }
            }

            return forwarded;
        }

        [TestMethod]
        public void ForgedSourceAddress_200Flows_ChargedToTheForger_VictimsNewFlowsStillWork()
        {
            // The attack run: 200 forged flows with host A's address from host B's interface.
            NatRig rig = Rig();
            Assert.AreEqual(4, Forwarded(rig, MacA, Net.HostA, 20000, 4), "A's own flows first");
            int forged = Forwarded(rig, MacB, Net.HostA, 30000, 200);
            Assert.AreEqual(16, forged, "the forger gets its own quota of forged flows, no more");
            Assert.AreEqual(16, Forwarded(rig, MacA, Net.HostA, 40000, 16) + 4, "A still opens its whole quota");
            Assert.AreEqual(4 + 16 + 12, rig.Engine.Table.HostCount(2), "entries with A's address: A's 16, the forger's 16");
        }

        [TestMethod]
        public void ForgedTcpSyns_ChargedToTheForger()
        {
            NatRig rig = Rig();
            for (int i = 0; i < 100; i++)
            {
                From(rig, MacB, Packets.Tcp(Net.HostA, (ushort)(30000 + i), Net.Server, 443, Packets.Syn, mss: 1460));
            }

            for (int i = 0; i < 16; i++)
            {
                Assert.AreEqual(Verdict.Forward, From(rig, MacA, Packets.Tcp(Net.HostA, (ushort)(40000 + i), Net.Server, 443, Packets.Syn, mss: 1460)), "A's SYN " + i);
            }
        }

        [TestMethod]
        public void OneSenderRotatingSourceAddresses_OneQuotaInAll()
        {
            NatRig rig = Rig();
            int forwarded = 0;
            for (int i = 0; i < 200; i++)
            {
                if (From(rig, MacB, Packets.Udp(Net.Host(10 + (i % 50)), (ushort)(30000 + i), Net.Server, 53)) == Verdict.Forward)
                {
                    forwarded++;
                }
            }

            Assert.AreEqual(16, forwarded, "50 addresses, one interface, one quota");
            Assert.AreEqual(16, Forwarded(rig, MacA, Net.HostA, 20000, 16));
        }

        [TestMethod]
        public void UnknownSenderAddress_EachSourceAddressIsItsOwnSenderAsBefore()
        {
            NatRig rig = Rig();
            Assert.AreEqual(16, Forwarded(rig, "00:00:00:00:00:00", Net.HostA, 20000, 40));
            Assert.AreEqual(16, Forwarded(rig, "00:00:00:00:00:00", Net.HostB, 20000, 40));

            // And with the switch off the bytes after the packet are not read at all.
            var off = new NatRig(64);
            Assert.AreEqual(16, Forwarded(off, MacB, Net.HostA, 30000, 40));
            Assert.AreEqual(0, Forwarded(off, MacA, Net.HostA, 40000, 5), "without link addresses the forger does take A's quota");
        }

        [TestMethod]
        public void SenderWithNoEntriesLeft_ItsOwnerIsReused_QuotaCountsStayExact()
        {
            NatRig rig = Rig();
            Assert.AreEqual(10, Forwarded(rig, MacB, Net.HostB, 20000, 10));
            rig.AdvanceSeconds(301);
            Assert.AreEqual(0, rig.Engine.Table.Count);
            for (int k = 0; k < 100; k++)
            {
                // 100 senders one after another, each with one flow that expires: owners are reused.
                string mac = "02:00:00:00:" + Hex2(k / 256) + ":" + Hex2(k % 256);
                Assert.AreEqual(1, Forwarded(rig, mac, Net.Host(20 + (k % 100)), 20000, 1), "sender " + k);
                rig.AdvanceSeconds(301);
            }

            Assert.AreEqual(16, Forwarded(rig, MacB, Net.HostB, 30000, 30), "a whole quota again");
        }

        [TestMethod]
        public void MoreLiveSendersThanOwners_TheRestShareOneQuota()
        {
            NatRig rig = Rig(512);
            for (int k = 0; k < NatTable.OwnerSlots; k++)
            {
                Assert.AreEqual(1, Forwarded(rig, "02:00:00:00:01:" + Hex2(k), Net.Host(2 + k), 20000, 1));
            }

            int overflow = 0;
            for (int k = 0; k < 200; k++)
            {
                overflow += Forwarded(rig, "02:00:00:00:02:" + Hex2(k), Net.Host(100 + (k % 100)), 21000 + k, 1);
            }

            Assert.AreEqual(rig.Engine.HostQuota, overflow, "senders beyond the owner table share one quota");
            Assert.AreEqual(rig.Engine.HostQuota, rig.Engine.Table.OwnerCount(NatTable.OverflowOwner));
        }

        private static string Hex2(int value)
        {
            const string Digits = "0123456789abcdef";
            return Digits.Substring((value >> 4) & 15, 1) + Digits.Substring(value & 15, 1);
        }
    }
}
