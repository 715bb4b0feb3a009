using NanoRouter.Core.Wire;

namespace NanoRouter.Tests.Wire
{
    /// <summary>The ICMP view against the oracle (and PacketDotNet, on the host): echo, errors and their embedded packet.</summary>
    [TestClass]
    public class IcmpPacketTests
    {
        private const uint Lan = 0xC0A80402;      // 192.168.4.2
        private const uint Server = 0xC612000A;   // 198.18.0.10
        private const uint Wan = 0xC6120002;      // 198.18.0.2
        private const uint Router = 0xC6120001;   // 198.18.0.1

        internal static NanoRouter.Core.Wire.IcmpPacket Parse(byte[] packet, out NanoRouter.Core.Wire.IPv4Packet ip)
        {
            Assert.AreEqual(WireStatus.Ok, NanoRouter.Core.Wire.IPv4Packet.TryParse(packet, 0, packet.Length, out ip));
            Assert.AreEqual(WireStatus.Ok, NanoRouter.Core.Wire.IcmpPacket.TryParse(packet, ip.PayloadOffset, ip.PayloadLength, out NanoRouter.Core.Wire.IcmpPacket icmp));
            return icmp;
        }

        [TestMethod]
        [DataRow((int)IcmpV4TypeCode.EchoRequest, 0x1234, 1)]
        [DataRow((int)IcmpV4TypeCode.EchoReply, 0xFFFF, 0xFFFF)]
        [DataRow((int)IcmpV4TypeCode.Timestamp, 7, 9)]
        public void TryParse_OracleQuery_EveryFieldMatches(int typeCode, int identifier, int sequence)
        {
            byte[] packet = Oracle.Icmp(Lan, Server, (IcmpV4TypeCode)typeCode, ((uint)identifier << 16) | (uint)sequence, new byte[] { 1, 2, 3, 4, 5 });
            var oracle = Oracle.Reparse(packet);
            var view = Parse(packet, out var ip);

            Assert.AreEqual(typeCode >> 8, oracle.IcmpType);
            Assert.AreEqual(typeCode & 0xFF, oracle.IcmpCode);
            Assert.IsTrue(oracle.ValidIcmpChecksum);
            Assert.AreEqual(oracle.IcmpType, (int)view.Type);
            Assert.AreEqual(oracle.IcmpCode, (int)view.Code);
            Assert.AreEqual(oracle.Checksum, (int)view.Checksum);
            Assert.AreEqual(oracle.IcmpIdentifier, (int)view.Identifier);
            Assert.AreEqual(oracle.IcmpSequence, (int)view.SequenceNumber);
            Assert.IsTrue(view.IsQuery);
            Assert.IsFalse(view.IsError);
            Assert.AreEqual(13, view.Length);
            Assert.AreEqual(5, view.PayloadLength);
            Assert.IsTrue(view.IsChecksumValid());
            Assert.AreEqual(oracle.Checksum, (int)view.ComputeChecksum());
            Assert.AreEqual(WireStatus.UnknownMessageType, view.TryParseEmbeddedPacket(out var _));
        }

        [TestMethod]
        public void SetIdentifierWithChecksumUpdate_EchoRequest_EqualsOracleBuild()
        {
            byte[] data = { 0x61, 0x62, 0x63 };
            byte[] packet = Oracle.Icmp(Lan, Server, IcmpV4TypeCode.EchoRequest, 0x00420007, data);
            var view = Parse(packet, out var ip);

            ip.SetSourceAddressWithChecksumUpdate(Wan);
            view.SetIdentifierWithChecksumUpdate(0x9000);

            var reparsed = Oracle.Reparse(packet);
            Assert.IsTrue(reparsed.ValidIPChecksum);
            Assert.IsTrue(reparsed.ValidIcmpChecksum);
            byte[] expected = Oracle.Icmp(Wan, Server, IcmpV4TypeCode.EchoRequest, 0x90000007, data);
            CollectionAssert.AreEqual(Oracle.Slice(expected, 20, expected.Length - 20), Oracle.Slice(packet, 20, packet.Length - 20));
        }

        [TestMethod]
        [DataRow(0, 0)] // 1 = true: DataRow takes int/long/string only
        [DataRow(3, 1)]
        [DataRow(4, 1)]
        [DataRow(5, 1)]
        [DataRow(8, 0)]
        [DataRow(9, 0)]
        [DataRow(11, 1)]
        [DataRow(12, 1)]
        [DataRow(13, 0)]
        [DataRow(18, 0)]
        [DataRow(255, 0)]
        public void IsErrorType_Type_TrueForQuotingErrors(int type, int error)
        {
            bool expected = error != 0;
            Assert.AreEqual(expected, NanoRouter.Core.Wire.IcmpPacket.IsErrorType((byte)type));
        }

        [TestMethod]
        [DataRow(1)] // 1 = true: DataRow takes int/long/string only
        [DataRow(0)]
        public void TryParseEmbeddedPacket_FragmentationNeeded_ExposesQuotedHeaderAndPorts(int quoteWhole)
        {
            bool quoteWholePacket = quoteWhole != 0;
            // The router 198.18.0.1 tells the WAN address that 198.18.0.2:61000 -> 198.18.0.10:53 was too big.
            byte[] inner = Oracle.Udp(Wan, Server, 61000, 53, new byte[64]);
            byte[] quoted = quoteWholePacket ? inner : Oracle.Slice(inner, 0, 28);
            byte[] packet = Oracle.Icmp(Router, Wan, IcmpV4TypeCode.UnreachableFragmentationNeeded, 1400, quoted);
            var view = Parse(packet, out var ip);

            Assert.IsTrue(view.IsError);
            Assert.IsTrue(view.IsFragmentationNeeded);
            Assert.AreEqual((ushort)1400, view.NextHopMtu);
            Assert.IsTrue(view.IsChecksumValid());
            Assert.AreEqual(WireStatus.Ok, view.TryParseEmbeddedPacket(out var embedded));
            Assert.AreEqual(ip.PayloadOffset + 8, embedded.Offset);
            Assert.AreEqual(Wan, embedded.SourceAddress);
            Assert.AreEqual(Server, embedded.DestinationAddress);
            Assert.AreEqual(17, (int)embedded.Protocol);
            Assert.AreEqual(inner.Length, (int)embedded.TotalLength);
            Assert.AreEqual(quoted.Length - 20, embedded.PayloadLength);
            Assert.IsTrue(embedded.IsHeaderChecksumValid());
            Assert.AreEqual((ushort)61000, NetworkOrder.ReadUInt16(packet, embedded.PayloadOffset + UdpDatagram.SourcePortOffset));
            Assert.AreEqual((ushort)53, NetworkOrder.ReadUInt16(packet, embedded.PayloadOffset + UdpDatagram.DestinationPortOffset));
        }

        [TestMethod]
        public void EmbeddedRewrite_InboundTranslation_EqualsOracleBuild()
        {
            // What a NAT does to an inbound error: outer destination WAN -> LAN, and inside the quote
            // the source WAN:61000 -> LAN:5000, keeping the embedded IP, embedded UDP, ICMP and outer checksums right.
            byte[] innerAsSent = Oracle.Udp(Wan, Server, 61000, 53, new byte[] { 1, 2, 3, 4 });
            byte[] packet = Oracle.Icmp(Router, Wan, IcmpV4TypeCode.TimeExceeded, 0, Oracle.Slice(innerAsSent, 0, 28));
            var view = Parse(packet, out var ip);
            Assert.AreEqual(WireStatus.Ok, view.TryParseEmbeddedPacket(out var embedded));

            ip.SetDestinationAddressWithChecksumUpdate(Lan);
            ushort oldHeaderChecksum = embedded.HeaderChecksum;
            embedded.SetSourceAddressWithChecksumUpdate(Lan);
            view.UpdateChecksumForChange(Wan, Lan);
            view.UpdateChecksumForChange(oldHeaderChecksum, embedded.HeaderChecksum);
            int udpAt = embedded.PayloadOffset;
            ushort oldUdpChecksum = NetworkOrder.ReadUInt16(packet, udpAt + UdpDatagram.ChecksumOffset);
            ushort newUdpChecksum = InternetChecksum.UpdateUdp(InternetChecksum.UpdateUdp(oldUdpChecksum, Wan, Lan), (ushort)61000, (ushort)5000);
            NetworkOrder.WriteUInt16(packet, udpAt + UdpDatagram.SourcePortOffset, 5000);
            NetworkOrder.WriteUInt16(packet, udpAt + UdpDatagram.ChecksumOffset, newUdpChecksum);
            view.UpdateChecksumForChange((ushort)61000, (ushort)5000);
            view.UpdateChecksumForChange(oldUdpChecksum, newUdpChecksum);

            var reparsed = Oracle.Reparse(packet);
            Assert.IsTrue(reparsed.ValidIPChecksum);
            Assert.IsTrue(reparsed.ValidIcmpChecksum);
            byte[] innerAsTranslated = Oracle.Udp(Lan, Server, 5000, 53, new byte[] { 1, 2, 3, 4 });
            CollectionAssert.AreEqual(Oracle.Slice(innerAsTranslated, 0, 28), Oracle.Slice(packet, 28, 28));
            Assert.IsTrue(Oracle.Reparse(Oracle.Slice(packet, 28, 28)).ValidIPChecksum);
        }

        [TestMethod]
        [DataRow(7, (int)WireStatus.Truncated)]
        [DataRow(8, (int)WireStatus.Ok)]
        public void TryParse_Length_NeedsEightBytes(int length, int expected)
        {
            Assert.AreEqual((WireStatus)expected, NanoRouter.Core.Wire.IcmpPacket.TryParse(new byte[length], 0, length, out var _));
        }

        [TestMethod]
        public void TryParseEmbeddedPacket_QuoteTooShort_Truncated()
        {
            byte[] inner = Oracle.Udp(Wan, Server, 61000, 53, new byte[8]);
            byte[] packet = Oracle.Icmp(Router, Wan, IcmpV4TypeCode.UnreachablePort, 0, Oracle.Slice(inner, 0, 27));
            var view = Parse(packet, out var ip);

            Assert.AreEqual(WireStatus.Truncated, view.TryParseEmbeddedPacket(out var _));
        }
    }
}
