using NanoRouter.Core.Wire;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Wire
{
    /// <summary>The IPv4 view against the oracle's build and parse of the same bytes (PacketDotNet's too, on the host), and its statuses.</summary>
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
        public void TryParse_OraclePacket_EveryFieldMatches(int timeToLive, int identification, int flags, int differentiatedServices)
        {
            byte[] udp = Oracle.UdpDatagram(Lan, Server, 1000, 53, new byte[] { 1, 2, 3, 4, 5 });
            byte[] bytes = Oracle.IPv4(Lan, Server, Oracle.ProtocolUdp, udp, timeToLive, identification, flags, 0, differentiatedServices);
            var oracle = Oracle.Reparse(bytes);

            Assert.AreEqual(WireStatus.Ok, IPv4Packet.TryParse(bytes, 0, bytes.Length, out IPv4Packet view));
            Assert.AreEqual(4, view.Version);
            Assert.AreEqual(oracle.HeaderLength, view.HeaderLength);
            Assert.AreEqual(oracle.InternetHeaderLength, (int)view.InternetHeaderLength);
            Assert.AreEqual(oracle.DifferentiatedServices, (int)view.DifferentiatedServicesField);
            Assert.AreEqual(oracle.DifferentiatedServices >> 2, view.DifferentiatedServicesCodePoint);
            Assert.AreEqual(oracle.DifferentiatedServices & 3, view.ExplicitCongestionNotification);
            Assert.AreEqual(oracle.TotalLength, (int)view.TotalLength);
            Assert.AreEqual(oracle.Identification, (int)view.Identification);
            Assert.AreEqual((oracle.FragmentFlags & 2) != 0, view.DontFragment);
            Assert.AreEqual((oracle.FragmentFlags & 1) != 0, view.MoreFragments);
            Assert.AreEqual(oracle.FragmentOffset, view.FragmentOffsetRaw);
            Assert.AreEqual(oracle.TimeToLive, (int)view.TimeToLive);
            Assert.AreEqual(oracle.Protocol, (int)view.Protocol);
            Assert.AreEqual(oracle.HeaderChecksum, (int)view.HeaderChecksum);
            Assert.AreEqual(oracle.SourceAddress, view.SourceAddress);
            Assert.AreEqual(oracle.DestinationAddress, view.DestinationAddress);
            Assert.AreEqual(oracle.HeaderLength, view.PayloadOffset);
            Assert.AreEqual(oracle.PayloadLength, view.PayloadLength);
            Assert.IsTrue(view.IsHeaderChecksumValid());
            Assert.AreEqual(oracle.HeaderChecksum, (int)view.ComputeHeaderChecksum());
        }

        [TestMethod]
        public void TryParse_HeaderWithOptions_PayloadStartsAfterOptions()
        {
            // An oracle UDP packet with 4 option bytes (NOP NOP NOP EOL) inserted and IHL set to 6; the
            // header checksum is computed again (RFC 1071) over the 24-byte header.
            byte[] plain = Oracle.Udp(Lan, Server, 1000, 53, new byte[] { 9, 9, 9 });
            byte[] withOptions = new byte[plain.Length + 4];
            System.Array.Copy(plain, withOptions, 20);
            withOptions[20] = 1;
            withOptions[21] = 1;
            withOptions[22] = 1;
            System.Array.Copy(plain, 20, withOptions, 24, plain.Length - 20);
            withOptions[0] = 0x46;
            withOptions[3] = (byte)withOptions.Length;
            withOptions[10] = 0;
            withOptions[11] = 0;
            Oracle.Put16(withOptions, 10, OnesComplement.Checksum(withOptions, 0, 24));
            var oracle = Oracle.Reparse(withOptions);

            Assert.AreEqual(WireStatus.Ok, IPv4Packet.TryParse(withOptions, 0, withOptions.Length, out IPv4Packet view));
            Assert.AreEqual(24, view.HeaderLength);
            Assert.AreEqual(4, view.OptionsLength);
            Assert.AreEqual(20, view.OptionsOffset);
            Assert.AreEqual(24, view.PayloadOffset);
            Assert.AreEqual(11, view.PayloadLength);
            Assert.IsTrue(view.IsHeaderChecksumValid());
            Assert.IsTrue(oracle.ValidIPChecksum);
            Assert.AreEqual(oracle.HeaderChecksum, (int)view.ComputeHeaderChecksum());
        }

        [TestMethod]
        [DataRow("", 0)]
        [DataRow("01010100", 0)]
        [DataRow("00070000", 0)] // after End of Option List the rest is padding
        [DataRow("07070400000000", 1)] // Record Route
        [DataRow("0101830704C6120901", 1)] // NOP NOP, Loose Source Route
        [DataRow("94040000", 1)] // Router Alert
        public void HasOptions_OnlyPaddingIsNoOption(string optionHex, int expected)
        {
            byte[] plain = Oracle.Udp(Lan, Server, 1000, 53, new byte[] { 9, 9, 9 });
            byte[] options = Hex.Bytes(optionHex);
            int padded = (options.Length + 3) & ~3;
            byte[] packet = new byte[plain.Length + padded];
            System.Array.Copy(plain, packet, 20);
            System.Array.Copy(options, 0, packet, 20, options.Length);
            System.Array.Copy(plain, 20, packet, 20 + padded, plain.Length - 20);
            packet[0] = (byte)(0x40 | ((20 + padded) / 4));
            Oracle.Put16(packet, 2, packet.Length);
            Oracle.Put16(packet, 10, 0);
            Oracle.Put16(packet, 10, OnesComplement.Checksum(packet, 0, 20 + padded));

            Assert.AreEqual(WireStatus.Ok, IPv4Packet.TryParse(packet, 0, packet.Length, out IPv4Packet view));
            Assert.AreEqual(expected != 0, view.HasOptions, optionHex);
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
        [DataRow(0x2000, 1, 1, 0, 1)]      // MF, offset 0: first fragment (1 = true: DataRow takes int/long/string only)
        [DataRow(0x2064, 1, 0, 800, 0)]    // MF, offset 100 units
        [DataRow(0x0064, 1, 0, 800, 0)]    // last fragment
        [DataRow(0x4000, 0, 0, 0, 1)]      // DF, not a fragment
        [DataRow(0x0000, 0, 0, 0, 1)]
        public void FragmentFields_FlagsWord_Decoded(int word, int fragment, int first, int offsetBytes, int transportHeader)
        {
            bool isFragment = fragment != 0;
            bool isFirst = first != 0;
            bool hasTransportHeader = transportHeader != 0;
            byte[] bytes = Oracle.IPv4(Lan, Server, Oracle.ProtocolUdp, Oracle.UdpDatagram(Lan, Server, 1, 2, new byte[0]), 64, 1, word >> 13, word & 0x1FFF, 0);

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
        [DataRow(-1, (int)WireStatus.BadRange)]
        [DataRow(0, (int)WireStatus.Truncated)]
        [DataRow(1, (int)WireStatus.BadVersion)]
        [DataRow(2, (int)WireStatus.BadHeaderLength)]
        [DataRow(3, (int)WireStatus.BadHeaderLength)]
        [DataRow(4, (int)WireStatus.BadTotalLength)]
        [DataRow(5, (int)WireStatus.BadTotalLength)]
        [DataRow(6, (int)WireStatus.Ok)]
        public void TryParse_BrokenRule_ReportsIt(int breakage, int expected)
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

            Assert.AreEqual((WireStatus)expected, IPv4Packet.TryParse(bytes, offset, length, out IPv4Packet view));
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
        public void SetAddressesAndTimeToLive_WithChecksumUpdate_EqualOracleBuild()
        {
            byte[] bytes = Oracle.Tcp(Lan, Server, 40000, 80, 1, 2, 0x18, 1000, 0, new byte[0], new byte[] { 1, 2, 3 });
            Assert.AreEqual(WireStatus.Ok, IPv4Packet.TryParse(bytes, 0, bytes.Length, out IPv4Packet view));

            view.SetSourceAddressWithChecksumUpdate(Wan);
            view.SetDestinationAddressWithChecksumUpdate(0x0A000001);
            view.SetTimeToLiveWithChecksumUpdate(63);
            view.SetIdentificationWithChecksumUpdate(0xBEEF);

            var reparsed = Oracle.Reparse(bytes);
            Assert.IsTrue(reparsed.ValidIPChecksum);
            Assert.AreEqual(Wan, reparsed.SourceAddress);
            Assert.AreEqual(0x0A000001u, reparsed.DestinationAddress);
            Assert.AreEqual(63, reparsed.TimeToLive);
            Assert.AreEqual(0xBEEF, reparsed.Identification);

            // The header the oracle builds with those fields, checksum included, is the same byte for byte.
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
