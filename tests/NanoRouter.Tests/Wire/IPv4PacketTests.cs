using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.Core.Wire;

namespace NanoRouter.Tests.Wire
{
    /// <summary>The IPv4 view against PacketDotNet's parse of the same bytes, and its statuses.</summary>
    [TestClass]
    public class IPv4PacketTests
    {
        private const uint Lan = 0xC0A80402;      // 192.168.4.2
        private const uint Server = 0xC612000A;   // 198.18.0.10
        private const uint Wan = 0xC6120002;      // 198.18.0.2

        [TestMethod]
        [DataRow(64, 0x1234, 2, 0)]
        [DataRow(1, 0xFFFF, 0, 0xB9)]
        [DataRow(255, 0, 1, 0x03)]
        public void TryParse_PacketDotNetPacket_EveryFieldMatches(int timeToLive, int identification, int flags, int differentiatedServices)
        {
            var oracle = Oracle.NewIp(Lan, Server, (byte)timeToLive, (ushort)identification, flags, differentiatedServices);
            oracle.PayloadPacket = new PacketDotNet.UdpPacket(1000, 53) { PayloadData = new byte[] { 1, 2, 3, 4, 5 } };
            oracle.UpdateCalculatedValues();
            oracle.UpdateIPChecksum();
            byte[] bytes = oracle.Bytes;

            Assert.AreEqual(WireStatus.Ok, IPv4Packet.TryParse(bytes, 0, bytes.Length, out IPv4Packet view));
            Assert.AreEqual(4, view.Version);
            Assert.AreEqual(oracle.HeaderLength * 4, view.HeaderLength);
            Assert.AreEqual(oracle.HeaderLength, view.InternetHeaderLength);
            Assert.AreEqual(oracle.DifferentiatedServices, (int)view.DifferentiatedServicesField);
            Assert.AreEqual(oracle.DifferentiatedServices >> 2, view.DifferentiatedServicesCodePoint);
            Assert.AreEqual(oracle.DifferentiatedServices & 3, view.ExplicitCongestionNotification);
            Assert.AreEqual(oracle.TotalLength, (int)view.TotalLength);
            Assert.AreEqual(oracle.Id, view.Identification);
            Assert.AreEqual((oracle.FragmentFlags & 2) != 0, view.DontFragment);
            Assert.AreEqual((oracle.FragmentFlags & 1) != 0, view.MoreFragments);
            Assert.AreEqual(oracle.FragmentOffset, view.FragmentOffsetRaw);
            Assert.AreEqual(oracle.TimeToLive, (int)view.TimeToLive);
            Assert.AreEqual((int)oracle.Protocol, (int)view.Protocol);
            Assert.AreEqual(oracle.Checksum, view.HeaderChecksum);
            Assert.AreEqual(Oracle.Address(oracle.SourceAddress), view.SourceAddress);
            Assert.AreEqual(Oracle.Address(oracle.DestinationAddress), view.DestinationAddress);
            Assert.AreEqual(oracle.HeaderLength * 4, view.PayloadOffset);
            Assert.AreEqual((int)oracle.PayloadLength, view.PayloadLength);
            Assert.IsTrue(view.IsHeaderChecksumValid());
            Assert.AreEqual(oracle.Checksum, view.ComputeHeaderChecksum());
        }

        [TestMethod]
        public void TryParse_HeaderWithOptions_PayloadStartsAfterOptions()
        {
            // A PacketDotNet UDP packet with 4 option bytes (NOP NOP NOP EOL) inserted and IHL set to 6;
            // PacketDotNet recomputes the header checksum over the 24-byte header.
            byte[] plain = Oracle.Udp(Lan, Server, 1000, 53, new byte[] { 9, 9, 9 });
            byte[] withOptions = new byte[plain.Length + 4];
            System.Array.Copy(plain, withOptions, 20);
            withOptions[20] = 1;
            withOptions[21] = 1;
            withOptions[22] = 1;
            System.Array.Copy(plain, 20, withOptions, 24, plain.Length - 20);
            withOptions[0] = 0x46;
            withOptions[3] = (byte)withOptions.Length;
            var oracle = Oracle.Reparse(withOptions);
            oracle.UpdateIPChecksum();
            withOptions = oracle.Bytes;

            Assert.AreEqual(WireStatus.Ok, IPv4Packet.TryParse(withOptions, 0, withOptions.Length, out IPv4Packet view));
            Assert.AreEqual(24, view.HeaderLength);
            Assert.AreEqual(4, view.OptionsLength);
            Assert.AreEqual(20, view.OptionsOffset);
            Assert.AreEqual(24, view.PayloadOffset);
            Assert.AreEqual(11, view.PayloadLength);
            Assert.IsTrue(view.IsHeaderChecksumValid());
            Assert.AreEqual(oracle.Checksum, view.ComputeHeaderChecksum());
        }

        [TestMethod]
        public void TryParse_TrailingPaddingAndOffset_ViewEndsAtTotalLength()
        {
            byte[] packet = Oracle.Udp(Lan, Server, 1000, 53, new byte[] { 1 });
            byte[] framed = Oracle.Concat(Oracle.Concat(new byte[] { 0xEE, 0xEE, 0xEE }, packet), new byte[] { 0, 0, 0, 0, 0, 0 });

            Assert.AreEqual(WireStatus.Ok, IPv4Packet.TryParse(framed, 3, framed.Length - 3, out IPv4Packet view));
            Assert.AreEqual(packet.Length, view.Length);
            Assert.AreEqual(3, view.Offset);
            Assert.AreEqual(23, view.PayloadOffset);
            Assert.AreEqual(packet.Length - 20, view.PayloadLength);
            Assert.AreEqual(Lan, view.SourceAddress);
        }

        [TestMethod]
        [DataRow(0x2000, true, true, 0, true)]      // MF, offset 0: first fragment
        [DataRow(0x2064, true, false, 800, false)]  // MF, offset 100 units
        [DataRow(0x0064, true, false, 800, false)]  // last fragment
        [DataRow(0x4000, false, false, 0, true)]    // DF, not a fragment
        [DataRow(0x0000, false, false, 0, true)]
        public void FragmentFields_FlagsWord_Decoded(int word, bool isFragment, bool isFirst, int offsetBytes, bool hasTransportHeader)
        {
            var oracle = Oracle.NewIp(Lan, Server, 64, 1, word >> 13, 0);
            oracle.FragmentOffset = word & 0x1FFF;
            oracle.PayloadPacket = new PacketDotNet.UdpPacket(1, 2);
            oracle.UpdateCalculatedValues();
            oracle.UpdateIPChecksum();
            byte[] bytes = oracle.Bytes;

            Assert.AreEqual(WireStatus.Ok, IPv4Packet.TryParse(bytes, 0, bytes.Length, out IPv4Packet view));
            Assert.AreEqual(word, (int)view.FlagsAndFragmentOffset);
            Assert.AreEqual(isFragment, view.IsFragment);
            Assert.AreEqual(isFirst, view.IsFirstFragment);
            Assert.AreEqual(offsetBytes, view.FragmentOffset);
            Assert.AreEqual(offsetBytes / 8, view.FragmentOffsetRaw);
            Assert.AreEqual(hasTransportHeader, view.HasTransportHeader);
            Assert.AreEqual((word & 0x4000) != 0, view.DontFragment);
            Assert.IsTrue(view.IsHeaderChecksumValid());
        }

        [TestMethod]
        [DataRow(-1, WireStatus.BadRange)]
        [DataRow(0, WireStatus.Truncated)]
        [DataRow(1, WireStatus.BadVersion)]
        [DataRow(2, WireStatus.BadHeaderLength)]
        [DataRow(3, WireStatus.BadHeaderLength)]
        [DataRow(4, WireStatus.BadTotalLength)]
        [DataRow(5, WireStatus.BadTotalLength)]
        [DataRow(6, WireStatus.Ok)]
        public void TryParse_BrokenRule_ReportsIt(int breakage, WireStatus expected)
        {
            byte[] bytes = Oracle.Udp(Lan, Server, 1000, 53, new byte[] { 1, 2, 3, 4 });
            int length = bytes.Length;
            int offset = 0;
            switch (breakage)
            {
                case -1: offset = 1; length = bytes.Length; break;          // runs past the buffer
                case 0: length = 19; break;                                  // shorter than a header
                case 1: bytes[0] = 0x65; break;                              // version 6
                case 2: bytes[0] = 0x44; break;                              // IHL 4
                case 3: bytes[0] = 0x4F; break;                              // IHL 15 > 32 bytes present
                case 4: bytes[3] = (byte)(bytes.Length + 1); break;          // total length past the bytes
                case 5: bytes[2] = 0; bytes[3] = 19; break;                  // total length below the header
                case 6: bytes[10] ^= 0xFF; break;                            // bad checksum: TryParse does not check it
            }

            Assert.AreEqual(expected, IPv4Packet.TryParse(bytes, offset, length, out IPv4Packet view));
            if (breakage == 6)
            {
                Assert.IsFalse(view.IsHeaderChecksumValid());
            }
        }

        [TestMethod]
        public void TryParse_NullBuffer_BadRange()
        {
            Assert.AreEqual(WireStatus.BadRange, IPv4Packet.TryParse(null, 0, 0, out IPv4Packet _));
            Assert.AreEqual(WireStatus.BadRange, IPv4Packet.TryParse(new byte[40], -1, 20, out IPv4Packet _));
            Assert.AreEqual(WireStatus.BadRange, IPv4Packet.TryParse(new byte[40], 30, -1, out IPv4Packet _));
            Assert.AreEqual(WireStatus.BadRange, IPv4Packet.TryParse(new byte[40], 41, 0, out IPv4Packet _));
        }

        [TestMethod]
        public void SetAddressesAndTimeToLive_WithChecksumUpdate_EqualPacketDotNetBuild()
        {
            byte[] bytes = Oracle.Tcp(Lan, Server, 40000, 80, 1, 2, 0x18, 1000, 0, new byte[0], new byte[] { 1, 2, 3 });
            Assert.AreEqual(WireStatus.Ok, IPv4Packet.TryParse(bytes, 0, bytes.Length, out IPv4Packet view));

            view.SetSourceAddressWithChecksumUpdate(Wan);
            view.SetDestinationAddressWithChecksumUpdate(0x0A000001);
            view.SetTimeToLiveWithChecksumUpdate(63);
            view.SetIdentificationWithChecksumUpdate(0xBEEF);

            var reparsed = Oracle.Reparse(bytes);
            Assert.IsTrue(reparsed.ValidIPChecksum);
            Assert.AreEqual(Wan, Oracle.Address(reparsed.SourceAddress));
            Assert.AreEqual(0x0A000001u, Oracle.Address(reparsed.DestinationAddress));
            Assert.AreEqual(63, reparsed.TimeToLive);
            Assert.AreEqual((ushort)0xBEEF, reparsed.Id);

            // The header PacketDotNet builds with those fields, checksum included, is the same byte for byte.
            byte[] expected = Oracle.Tcp(Wan, 0x0A000001, 40000, 80, 1, 2, 0x18, 1000, 0, new byte[0], new byte[] { 1, 2, 3 }, 63, 0xBEEF);
            CollectionAssert.AreEqual(Oracle.Slice(expected, 0, 20), Oracle.Slice(bytes, 0, 20));
        }

        [TestMethod]
        public void TryParseEmbedded_TotalLengthBeyondBytes_CoversWhatIsPresent()
        {
            byte[] inner = Oracle.Udp(Lan, Server, 5000, 53, new byte[100]);
            byte[] quoted = Oracle.Slice(inner, 0, 28);

            Assert.AreEqual(WireStatus.BadTotalLength, IPv4Packet.TryParse(quoted, 0, quoted.Length, out IPv4Packet _));
            Assert.AreEqual(WireStatus.Ok, IPv4Packet.TryParseEmbedded(quoted, 0, quoted.Length, out IPv4Packet view));
            Assert.AreEqual(inner.Length, (int)view.TotalLength);
            Assert.AreEqual(28, view.Length);
            Assert.AreEqual(8, view.PayloadLength);
            Assert.IsTrue(view.IsHeaderChecksumValid());
            Assert.AreEqual(WireStatus.Truncated, IPv4Packet.TryParseEmbedded(quoted, 0, 27, out IPv4Packet _));
        }
    }
}
