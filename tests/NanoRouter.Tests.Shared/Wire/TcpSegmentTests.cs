using NanoRouter.Core.Wire;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Wire
{
    /// <summary>The TCP view against the oracle (and PacketDotNet, on the host): fields, flags, the MSS option walk and checksum-keeping rewrites.</summary>
    [TestClass]
    public class TcpSegmentTests
    {
        private const uint Lan = 0xC0A80402;      // 192.168.4.2
        private const uint Server = 0xC612000A;   // 198.18.0.10
        private const uint Wan = 0xC6120002;      // 198.18.0.2

        private static readonly byte[] s_mssOptions = { 2, 4, 0x05, 0xB4, 1, 1, 4, 2 }; // MSS 1460, NOP, NOP, SACK-permitted

        internal static TcpSegment Parse(byte[] packet, out IPv4Packet ip)
        {
            Assert.AreEqual(WireStatus.Ok, IPv4Packet.TryParse(packet, 0, packet.Length, out ip));
            Assert.AreEqual(WireStatus.Ok, TcpSegment.TryParse(packet, ip.PayloadOffset, ip.PayloadLength, out TcpSegment tcp));
            return tcp;
        }

        [TestMethod]
        [DataRow(40000, 80, 0x00000001L, 0x00000000L, 0x02, 64240, 0)] // sequence numbers as long: DataRow takes int/long/string only
        [DataRow(1, 65535, 0xFFFFFFFFL, 0x80000000L, 0x18, 0, 7)]
        [DataRow(1723, 50000, 0x12345678L, 0x9ABCDEF0L, 0xDF, 512, 65535)] // all but URG: PacketDotNet throws on options with URG set
        public void TryParse_OracleSegment_EveryFieldMatches(int sourcePort, int destinationPort, long sequenceNumber, long acknowledgmentNumber, int flags, int window, int urgent)
        {
            uint sequence = (uint)sequenceNumber;
            uint acknowledgment = (uint)acknowledgmentNumber;
            byte[] packet = Oracle.Tcp(Lan, Server, (ushort)sourcePort, (ushort)destinationPort, sequence, acknowledgment, (ushort)flags, (ushort)window, (ushort)urgent, s_mssOptions, new byte[] { 0xAA, 0xBB, 0xCC });
            var oracle = Oracle.Reparse(packet);
            Assert.IsTrue(oracle.ValidTcpChecksum);
            TcpSegment view = Parse(packet, out IPv4Packet ip);

            Assert.AreEqual(oracle.SourcePort, (int)view.SourcePort);
            Assert.AreEqual(oracle.DestinationPort, (int)view.DestinationPort);
            Assert.AreEqual(oracle.SequenceNumber, view.SequenceNumber);
            Assert.AreEqual(oracle.AcknowledgmentNumber, view.AcknowledgmentNumber);
            Assert.AreEqual(oracle.DataOffset, (int)view.DataOffset);
            Assert.AreEqual(oracle.DataOffset * 4, view.HeaderLength);
            Assert.AreEqual(oracle.Flags & 0xFF, (int)view.Flags);
            Assert.AreEqual(oracle.Finished, view.HasFlags(TcpSegment.FlagFin));
            Assert.AreEqual(oracle.Synchronize, view.HasFlags(TcpSegment.FlagSyn));
            Assert.AreEqual(oracle.Reset, view.HasFlags(TcpSegment.FlagRst));
            Assert.AreEqual(oracle.Push, view.HasFlags(TcpSegment.FlagPsh));
            Assert.AreEqual(oracle.Acknowledgment, view.HasFlags(TcpSegment.FlagAck));
            Assert.AreEqual(oracle.Urgent, view.HasFlags(TcpSegment.FlagUrg));
            Assert.AreEqual(oracle.ExplicitCongestionNotificationEcho, view.HasFlags(TcpSegment.FlagEce));
            Assert.AreEqual(oracle.CongestionWindowReduced, view.HasFlags(TcpSegment.FlagCwr));
            Assert.AreEqual(oracle.WindowSize, (int)view.Window);
            Assert.AreEqual(oracle.Checksum, (int)view.Checksum);
            Assert.AreEqual(oracle.UrgentPointer, (int)view.UrgentPointer);
            Assert.AreEqual(oracle.Options.Length, view.OptionsLength);
            Assert.AreEqual(oracle.TransportPayload.Length, view.PayloadLength);
            Assert.AreEqual(ip.PayloadOffset + 28, view.PayloadOffset);
            Assert.AreEqual(0xAA, (int)packet[view.PayloadOffset]);
            Assert.IsTrue(view.IsChecksumValid(ip.SourceAddress, ip.DestinationAddress));
            Assert.AreEqual(oracle.Checksum, (int)view.ComputeChecksum(ip.SourceAddress, ip.DestinationAddress));
            Assert.IsTrue(view.TryGetMss(out ushort mss));
            Assert.AreEqual((ushort)1460, mss);
        }

        [TestMethod]
        [DataRow("02 04 05 B4", 1, 1460)]                           // options as hex, 1 = found: DataRow takes int/long/string only
        [DataRow("01 01 01 01 02 04 02 18 00 00 00 00", 1, 536)]
        [DataRow("03 03 07 02 04 23 28 00", 1, 9000)]             // window scale first
        [DataRow("01 01 04 02", 0, 0)]                            // no MSS option
        [DataRow("00 00 00 00 02 04 05 B4", 0, 0)]                // EOL before it
        [DataRow("08 00 02 04 05 B4 00 00", 0, 0)]                // length 0: malformed, walk stops
        [DataRow("08 01 02 04 05 B4 00 00", 0, 0)]                // length 1: malformed
        [DataRow("01 01 08 09 02 04 05 B4", 0, 0)]                // runs past the header
        [DataRow("02 03 05 00", 0, 0)]                            // MSS with length 3
        [DataRow("01 01 01 02", 0, 0)]                            // kind 2 as the last byte
        public void TryGetMss_Options_FoundOnlyWhenWellFormed(string optionsHex, int mssFound, int expected)
        {
            byte[] options = Hex.Bytes(optionsHex);
            bool found = mssFound != 0;
            byte[] packet = Oracle.Tcp(Lan, Server, 40000, 80, 1, 0, 0x02, 64240, 0, options, new byte[0]);
            TcpSegment view = Parse(packet, out IPv4Packet ip);

            Assert.AreEqual(found, view.TryGetMss(out ushort mss));
            Assert.AreEqual(expected, (int)mss);
            ushort before = view.Checksum;
            Assert.AreEqual(found, view.SetMssWithChecksumUpdate(1400));
            if (!found)
            {
                Assert.AreEqual(before, view.Checksum);
            }

            Assert.IsTrue(Oracle.Reparse(packet).ValidTcpChecksum);
        }

        [TestMethod]
        [DataRow("02 04 05 B4 01 03 03 07", 1, 7)]                // MSS, NOP, WS 7 (what Linux sends)
        [DataRow("03 03 00 00", 1, 0)]                            // shift 0: scaling on, factor 1
        [DataRow("01 03 03 0E", 1, 14)]
        [DataRow("01 03 03 0F", 1, 14)]                           // above 14: used as 14 (RFC 7323 2.3)
        [DataRow("01 03 03 FF", 1, 14)]
        [DataRow("02 04 05 B4", 0, 0)]                            // no WS option
        [DataRow("03 02 07 00", 0, 0)]                            // length 2: malformed
        [DataRow("01 01 01 03", 0, 0)]                            // kind 3 as the last byte
        [DataRow("00 03 03 07", 0, 0)]                            // EOL before it
        public void TryGetWindowScale_Options_FoundOnlyWhenWellFormed(string optionsHex, int found, int expected)
        {
            byte[] packet = Oracle.Tcp(Lan, Server, 40000, 80, 1, 0, 0x02, 64240, 0, Hex.Bytes(optionsHex), new byte[0]);
            TcpSegment view = Parse(packet, out IPv4Packet ip);
            Assert.AreEqual(found != 0, view.TryGetWindowScale(out int shift), optionsHex);
            Assert.AreEqual(expected, shift, optionsHex);
        }

        [TestMethod]
        public void SetMssWithChecksumUpdate_Clamp_EqualsOracleBuild()
        {
            byte[] packet = Oracle.Tcp(Lan, Server, 40000, 80, 77, 0, 0x02, 64240, 0, s_mssOptions, new byte[0]);
            TcpSegment view = Parse(packet, out IPv4Packet ip);

            Assert.IsTrue(view.SetMssWithChecksumUpdate(1360));

            var reparsed = Oracle.Reparse(packet);
            Assert.IsTrue(reparsed.ValidTcpChecksum);
            Assert.AreEqual((byte)0x05, reparsed.Options[2]);
            Assert.AreEqual((byte)0x50, reparsed.Options[3]);
            byte[] expected = Oracle.Tcp(Lan, Server, 40000, 80, 77, 0, 0x02, 64240, 0, new byte[] { 2, 4, 0x05, 0x50, 1, 1, 4, 2 }, new byte[0]);
            CollectionAssert.AreEqual(expected, packet);
        }

        [TestMethod]
        public void SourceRewrite_AddressAndPort_EqualsOracleBuild()
        {
            byte[] payload = { 1, 2, 3, 4, 5, 6, 7 };
            byte[] packet = Oracle.Tcp(Lan, Server, 40000, 443, 1000, 2000, 0x18, 4096, 0, new byte[0], payload);
            TcpSegment view = Parse(packet, out IPv4Packet ip);

            ip.SetSourceAddressWithChecksumUpdate(Wan);
            view.UpdateChecksumForAddressChange(Lan, Wan);
            view.SetSourcePortWithChecksumUpdate(61000);

            var reparsed = Oracle.Reparse(packet);
            Assert.IsTrue(reparsed.ValidIPChecksum);
            Assert.IsTrue(reparsed.ValidTcpChecksum);
            Assert.AreEqual(61000, reparsed.SourcePort);
            CollectionAssert.AreEqual(Oracle.Tcp(Wan, Server, 61000, 443, 1000, 2000, 0x18, 4096, 0, new byte[0], payload), packet);
        }

        [TestMethod]
        public void DestinationRewrite_AddressAndPort_EqualsOracleBuild()
        {
            byte[] packet = Oracle.Tcp(Server, Wan, 443, 61000, 5, 6, 0x10, 100, 0, new byte[0], new byte[] { 9 });
            TcpSegment view = Parse(packet, out IPv4Packet ip);

            ip.SetDestinationAddressWithChecksumUpdate(Lan);
            view.UpdateChecksumForAddressChange(Wan, Lan);
            view.SetDestinationPortWithChecksumUpdate(40000);

            Assert.IsTrue(Oracle.Reparse(packet).ValidTcpChecksum);
            CollectionAssert.AreEqual(Oracle.Tcp(Server, Lan, 443, 40000, 5, 6, 0x10, 100, 0, new byte[0], new byte[] { 9 }), packet);
        }

        [TestMethod]
        [DataRow(0)]
        [DataRow(1)]
        [DataRow(2)]
        [DataRow(5)]
        public void WriteUInt16WithChecksumUpdate_AnyParityInData_ChecksumStaysValid(int dataOffset)
        {
            byte[] payload = { 10, 11, 12, 13, 14, 15, 16, 17 };
            byte[] packet = Oracle.Tcp(Lan, Server, 50000, 1723, 1, 1, 0x18, 100, 0, new byte[0], payload);
            TcpSegment view = Parse(packet, out IPv4Packet ip);

            Assert.IsTrue(view.WriteUInt16WithChecksumUpdate(view.PayloadOffset + dataOffset, 0xA55A));

            Assert.IsTrue(Oracle.Reparse(packet).ValidTcpChecksum);
            payload[dataOffset] = 0xA5;
            payload[dataOffset + 1] = 0x5A;
            CollectionAssert.AreEqual(Oracle.Tcp(Lan, Server, 50000, 1723, 1, 1, 0x18, 100, 0, new byte[0], payload), packet);
        }

        [TestMethod]
        public void WriteUInt16WithChecksumUpdate_OutsideSegment_WritesNothing()
        {
            byte[] packet = Oracle.Tcp(Lan, Server, 50000, 1723, 1, 1, 0x18, 100, 0, new byte[0], new byte[] { 1, 2 });
            byte[] before = (byte[])packet.Clone();
            TcpSegment view = Parse(packet, out IPv4Packet ip);

            Assert.IsFalse(view.WriteUInt16WithChecksumUpdate(packet.Length - 1, 0xFFFF));
            Assert.IsFalse(view.WriteUInt16WithChecksumUpdate(ip.PayloadOffset - 1, 0xFFFF));
            Assert.IsTrue(view.WriteUInt16WithChecksumUpdate(packet.Length - 2, 0x0102));
            CollectionAssert.AreEqual(before, packet);
        }

        [TestMethod]
        [DataRow(19, 0x50, (int)WireStatus.Truncated)]
        [DataRow(20, 0x40, (int)WireStatus.BadHeaderLength)]
        [DataRow(20, 0x60, (int)WireStatus.BadHeaderLength)]
        [DataRow(24, 0x60, (int)WireStatus.Ok)]
        [DataRow(60, 0xF0, (int)WireStatus.Ok)]
        public void TryParse_DataOffset_CheckedAgainstBytes(int length, int dataOffsetByte, int expected)
        {
            byte[] bytes = new byte[length];
            if (length > 12)
            {
                bytes[12] = (byte)dataOffsetByte;
            }

            Assert.AreEqual((WireStatus)expected, TcpSegment.TryParse(bytes, 0, length, out TcpSegment _));
        }
    }
}
