using NanoRouter.Core.Nat.Translation;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// The one translator (direction as data): outbound moves the source address and port, inbound
    /// the destination's, a quoted packet the other field with the same value, and every checksum
    /// that covers them stays valid by the oracle's full computation; outbound then inbound with the
    /// reverse values gives the original bytes back.
    /// </summary>
    [TestClass]
    public class TranslatorTests
    {
        private const uint LanNetwork = 0xC6130400;
        private const ushort External = 40001;

        private static Translator Make()
        {
            var t = new Translator(LanNetwork);
            t.SetWanAddress(Net.Wan);
            return t;
        }

        private static int Wire16(int port) => ((port & 0xFF) << 8) | (port >> 8);

        [DataRow(6)]
        [DataRow(17)]
        [TestMethod]
        public void Outbound_RewritesSourceAddressAndPort_ChecksumsValid(int protocol)
        {
            byte[] p = protocol == 6 ? Packets.Tcp(Net.HostA, 5000, Net.Server, 80, Packets.Ack) : Packets.Udp(Net.HostA, 5000, Net.Server, 53);
            byte[] original = (byte[])p.Clone();
            Translator t = Make();
            uint delta = t.RewriteAddress(p, 0, 2, Translator.Outbound, 0);
            Translator.RewriteTransport(p, 20, p.Length, (byte)protocol, Translator.Outbound, 0, Wire16(External), delta);
            Assert.AreEqual(Net.Wan, Check.Source(p));
            Assert.AreEqual(Net.Server, Check.Destination(p));
            Assert.AreEqual(External, Check.SourcePort(p));
            Assert.AreEqual((ushort)(protocol == 6 ? 80 : 53), Check.DestinationPort(p));
            Check.ChecksumsValid(p, "outbound");

            // Inbound with the reverse values: the reply's destination is the WAN side's, so swap
            // the fields first (a reply), translate, and swap back: the original packet.
            Swap(p);
            delta = t.RewriteAddress(p, 0, 2, Translator.Inbound, 0);
            Translator.RewriteTransport(p, 20, p.Length, (byte)protocol, Translator.Inbound, 0, Wire16(5000), delta);
            Check.ChecksumsValid(p, "inbound");
            Swap(p);
            Assert.AreEqual(Hex.Format(original, 0, original.Length), Hex.Format(p, 0, p.Length));
        }

        [TestMethod]
        public void Transport_NoNewPort_KeepsThePort_UdpWithoutChecksumStaysWithout()
        {
            byte[] p = Packets.Udp(Net.HostA, 5000, Net.Server, 53);
            p[26] = 0;
            p[27] = 0;
            Translator t = Make();
            uint delta = t.RewriteAddress(p, 0, 2, Translator.Outbound, 0);
            Translator.RewriteTransport(p, 20, p.Length, 17, Translator.Outbound, 0, -1, delta);
            Assert.AreEqual((ushort)5000, Check.SourcePort(p));
            Assert.AreEqual(0, p[26] | p[27], "no UDP checksum stays none");
            Check.ChecksumsValid(p, "outbound, no port change");
        }

        [TestMethod]
        public void Echo_MovesTheIdentifier_WhateverTheDirection()
        {
            byte[] p = Packets.EchoRequest(Net.HostA, Net.Server, 0x1234);
            Translator t = Make();
            uint delta = t.RewriteAddress(p, 0, 2, Translator.Outbound, 0);
            Translator.RewriteTransport(p, 20, p.Length, 1, Translator.Outbound, 0, Wire16(External), delta);
            Assert.AreEqual(External, (ushort)((p[24] << 8) | p[25]));
            Check.ChecksumsValid(p, "echo outbound");
            delta = t.RewriteAddress(p, 0, 2, Translator.Inbound, 1);
            Translator.RewriteTransport(p, 20, p.Length, 1, Translator.Inbound, 1, Wire16(0x1234), delta);
            Assert.AreEqual((ushort)0x1234, (ushort)((p[24] << 8) | p[25]));
            Assert.AreEqual(Net.HostA, Check.Source(p), "quoted inbound rewrites the source");
            Check.ChecksumsValid(p, "echo back");
        }

        [TestMethod]
        public void Quoted_RewritesTheOtherField_AndStopsAtACutChecksum()
        {
            // Outbound, quoted: the destination (the LAN host's, in a packet that came in) becomes the WAN address.
            byte[] p = Packets.Udp(Net.Server, 53, Net.HostA, 5000);
            Translator t = Make();
            uint delta = t.RewriteAddress(p, 0, 2, Translator.Outbound, 1);
            Translator.RewriteTransport(p, 20, p.Length, 17, Translator.Outbound, 1, Wire16(External), delta);
            Assert.AreEqual(Net.Server, Check.Source(p));
            Assert.AreEqual(Net.Wan, Check.Destination(p));
            Assert.AreEqual(External, Check.DestinationPort(p));
            Check.ChecksumsValid(p, "quoted outbound");

            // A quote cut before the UDP checksum: the port moves, nothing is written past the end.
            byte[] cut = Packets.Udp(Net.Server, 53, Net.HostA, 5000);
            byte checksumHigh = cut[26];
            delta = t.RewriteAddress(cut, 0, 2, Translator.Outbound, 1);
            Translator.RewriteTransport(cut, 20, 26, 17, Translator.Outbound, 1, Wire16(External), delta);
            Assert.AreEqual(External, Check.DestinationPort(cut));
            Assert.AreEqual(checksumHigh, cut[26], "a checksum past the quote's end is not touched");
        }

        [TestMethod]
        public void SetWanAddress_MovesEveryHostsDelta()
        {
            Translator t = Make();
            t.SetWanAddress(Net.Wan + 7);
            byte[] p = Packets.Tcp(Net.Host(200), 5000, Net.Server, 80, Packets.Ack);
            uint delta = t.RewriteAddress(p, 0, 200, Translator.Outbound, 0);
            Translator.RewriteTransport(p, 20, p.Length, 6, Translator.Outbound, 0, -1, delta);
            Assert.AreEqual(Net.Wan + 7, Check.Source(p));
            Check.ChecksumsValid(p, "after a WAN change");
        }

        private static void Swap(byte[] p)
        {
            for (int i = 0; i < 4; i++)
            {
                byte b = p[12 + i];
                p[12 + i] = p[16 + i];
                p[16 + i] = b;
            }

            for (int i = 0; i < 2; i++)
            {
                byte b = p[20 + i];
                p[20 + i] = p[22 + i];
                p[22 + i] = b;
            }
        }
    }
}
