using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.Core.Wire;

namespace NanoRouter.Tests.Wire
{
    /// <summary>The TCP view against PacketDotNet: fields, flags, the MSS option walk and checksum-keeping rewrites.</summary>
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
        [DataRow(40000, 80, 0x00000001u, 0x00000000u, 0x02, 64240, 0)]
        [DataRow(1, 65535, 0xFFFFFFFFu, 0x80000000u, 0x18, 0, 7)]
        [DataRow(1723, 50000, 0x12345678u, 0x9ABCDEF0u, 0xDF, 512, 65535)] // all but URG: PacketDotNet throws on options with URG set
        public void TryParse_PacketDotNetSegment_EveryFieldMatches(int sourcePort, int destinationPort, uint sequence, uint acknowledgment, int flags, int window, int urgent)
        {
            byte[] packet = Oracle.Tcp(Lan, Server, (ushort)sourcePort, (ushort)destinationPort, sequence, acknowledgment, (ushort)flags, (ushort)window, (ushort)urgent, s_mssOptions, new byte[] { 0xAA, 0xBB, 0xCC });
            var oracle = (PacketDotNet.TcpPacket)Oracle.Reparse(packet).PayloadPacket;
            TcpSegment view = Parse(packet, out IPv4Packet ip);

            Assert.AreEqual(oracle.SourcePort, view.SourcePort);
            Assert.AreEqual(oracle.DestinationPort, view.DestinationPort);
            Assert.AreEqual(oracle.SequenceNumber, view.SequenceNumber);
            Assert.AreEqual(oracle.AcknowledgmentNumber, view.AcknowledgmentNumber);
            Assert.AreEqual(oracle.DataOffset, view.DataOffset);
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
            Assert.AreEqual(oracle.WindowSize, view.Window);
            Assert.AreEqual(oracle.Checksum, view.Checksum);
            Assert.AreEqual((ushort)oracle.UrgentPointer, view.UrgentPointer); // PacketDotNet reads it as a signed short
            Assert.AreEqual(oracle.Options.Length, view.OptionsLength);
            Assert.AreEqual(oracle.PayloadData.Length, view.PayloadLength);
            Assert.AreEqual(ip.PayloadOffset + 28, view.PayloadOffset);
            Assert.AreEqual(0xAA, (int)packet[view.PayloadOffset]);
            Assert.IsTrue(view.IsChecksumValid(ip.SourceAddress, ip.DestinationAddress));
            Assert.AreEqual(oracle.Checksum, view.ComputeChecksum(ip.SourceAddress, ip.DestinationAddress));
            Assert.IsTrue(view.TryGetMss(out ushort mss));
            Assert.AreEqual((ushort)1460, mss);
        }

        [TestMethod]
        [DataRow(new byte[] { 2, 4, 0x05, 0xB4 }, true, 1460)]
        [DataRow(new byte[] { 1, 1, 1, 1, 2, 4, 0x02, 0x18, 0, 0, 0, 0 }, true, 536)]
        [DataRow(new byte[] { 3, 3, 7, 2, 4, 0x23, 0x28, 0 }, true, 9000)]       // window scale first
        [DataRow(new byte[] { 1, 1, 4, 2 }, false, 0)]                          // no MSS option
        [DataRow(new byte[] { 0, 0, 0, 0, 2, 4, 0x05, 0xB4 }, false, 0)]        // EOL before it
        [DataRow(new byte[] { 8, 0, 2, 4, 0x05, 0xB4, 0, 0 }, false, 0)]        // length 0: malformed, walk stops
        [DataRow(new byte[] { 8, 1, 2, 4, 0x05, 0xB4, 0, 0 }, false, 0)]        // length 1: malformed
        [DataRow(new byte[] { 1, 1, 8, 9, 2, 4, 0x05, 0xB4 }, false, 0)]        // runs past the header
        [DataRow(new byte[] { 2, 3, 0x05, 0 }, false, 0)]                       // MSS with length 3
        [DataRow(new byte[] { 1, 1, 1, 2 }, false, 0)]                          // kind 2 as the last byte
        public void TryGetMss_Options_FoundOnlyWhenWellFormed(byte[] options, bool found, int expected)
        {
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

            Assert.IsTrue(((PacketDotNet.TcpPacket)Oracle.Reparse(packet).PayloadPacket).ValidTcpChecksum);
        }

        [TestMethod]
        public void SetMssWithChecksumUpdate_Clamp_EqualsPacketDotNetBuild()
        {
            byte[] packet = Oracle.Tcp(Lan, Server, 40000, 80, 77, 0, 0x02, 64240, 0, s_mssOptions, new byte[0]);
            TcpSegment view = Parse(packet, out IPv4Packet ip);

            Assert.IsTrue(view.SetMssWithChecksumUpdate(1360));

            var reparsed = (PacketDotNet.TcpPacket)Oracle.Reparse(packet).PayloadPacket;
            Assert.IsTrue(reparsed.ValidTcpChecksum);
            Assert.AreEqual((byte)0x05, reparsed.Options[2]);
            Assert.AreEqual((byte)0x50, reparsed.Options[3]);
            byte[] expected = Oracle.Tcp(Lan, Server, 40000, 80, 77, 0, 0x02, 64240, 0, new byte[] { 2, 4, 0x05, 0x50, 1, 1, 4, 2 }, new byte[0]);
            CollectionAssert.AreEqual(expected, packet);
        }

        [TestMethod]
        public void SourceRewrite_AddressAndPort_EqualsPacketDotNetBuild()
        {
            byte[] payload = { 1, 2, 3, 4, 5, 6, 7 };
            byte[] packet = Oracle.Tcp(Lan, Server, 40000, 443, 1000, 2000, 0x18, 4096, 0, new byte[0], payload);
            TcpSegment view = Parse(packet, out IPv4Packet ip);

            ip.SetSourceAddressWithChecksumUpdate(Wan);
            view.UpdateChecksumForAddressChange(Lan, Wan);
            view.SetSourcePortWithChecksumUpdate(61000);

            var reparsed = Oracle.Reparse(packet);
            var tcp = (PacketDotNet.TcpPacket)reparsed.PayloadPacket;
            Assert.IsTrue(reparsed.ValidIPChecksum);
            Assert.IsTrue(tcp.ValidTcpChecksum);
            Assert.AreEqual((ushort)61000, tcp.SourcePort);
            CollectionAssert.AreEqual(Oracle.Tcp(Wan, Server, 61000, 443, 1000, 2000, 0x18, 4096, 0, new byte[0], payload), packet);
        }

        [TestMethod]
        public void DestinationRewrite_AddressAndPort_EqualsPacketDotNetBuild()
        {
            byte[] packet = Oracle.Tcp(Server, Wan, 443, 61000, 5, 6, 0x10, 100, 0, new byte[0], new byte[] { 9 });
            TcpSegment view = Parse(packet, out IPv4Packet ip);

            ip.SetDestinationAddressWithChecksumUpdate(Lan);
            view.UpdateChecksumForAddressChange(Wan, Lan);
            view.SetDestinationPortWithChecksumUpdate(40000);

            Assert.IsTrue(((PacketDotNet.TcpPacket)Oracle.Reparse(packet).PayloadPacket).ValidTcpChecksum);
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

            Assert.IsTrue(((PacketDotNet.TcpPacket)Oracle.Reparse(packet).PayloadPacket).ValidTcpChecksum);
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
        [DataRow(19, 0x50, WireStatus.Truncated)]
        [DataRow(20, 0x40, WireStatus.BadHeaderLength)]
        [DataRow(20, 0x60, WireStatus.BadHeaderLength)]
        [DataRow(24, 0x60, WireStatus.Ok)]
        [DataRow(60, 0xF0, WireStatus.Ok)]
        public void TryParse_DataOffset_CheckedAgainstBytes(int length, int dataOffsetByte, WireStatus expected)
        {
            byte[] bytes = new byte[length];
            if (length > 12)
            {
                bytes[12] = (byte)dataOffsetByte;
            }

            Assert.AreEqual(expected, TcpSegment.TryParse(bytes, 0, length, out TcpSegment _));
        }
    }
}
