using NanoRouter.Core.Wire;

namespace NanoRouter.Tests.Wire
{
    /// <summary>The UDP view against the oracle (and PacketDotNet, on the host), and RFC 768's "checksum 0 means none".</summary>
    [TestClass]
    public class UdpDatagramTests
    {
        private const uint Lan = 0xC0A80402;      // 192.168.4.2
        private const uint Server = 0xC612000A;   // 198.18.0.10
        private const uint Wan = 0xC6120002;      // 198.18.0.2

        internal static UdpDatagram Parse(byte[] packet, out IPv4Packet ip)
        {
            Assert.AreEqual(WireStatus.Ok, IPv4Packet.TryParse(packet, 0, packet.Length, out ip));
            Assert.AreEqual(WireStatus.Ok, UdpDatagram.TryParse(packet, ip.PayloadOffset, ip.PayloadLength, out UdpDatagram udp));
            return udp;
        }

        [TestMethod]
        [DataRow(500, 500, 0)]
        [DataRow(4500, 4500, 1)]
        [DataRow(65535, 1, 1472)]
        public void TryParse_OracleDatagram_EveryFieldMatches(int sourcePort, int destinationPort, int payloadLength)
        {
            byte[] payload = new byte[payloadLength];
            for (int i = 0; i < payload.Length; i++)
            {
                payload[i] = (byte)(i * 7);
            }

            byte[] packet = Oracle.Udp(Lan, Server, (ushort)sourcePort, (ushort)destinationPort, payload);
            var oracle = Oracle.Reparse(packet);
            UdpDatagram view = Parse(packet, out IPv4Packet ip);

            Assert.IsTrue(oracle.ValidUdpChecksum);
            Assert.AreEqual(oracle.SourcePort, (int)view.SourcePort);
            Assert.AreEqual(oracle.DestinationPort, (int)view.DestinationPort);
            Assert.AreEqual(oracle.UdpLength, (int)view.Length);
            Assert.AreEqual(oracle.Checksum, (int)view.Checksum);
            Assert.IsTrue(view.HasChecksum);
            Assert.AreEqual(payloadLength, view.PayloadLength);
            Assert.AreEqual(28, view.PayloadOffset);
            Assert.IsTrue(view.IsChecksumValid(ip.SourceAddress, ip.DestinationAddress));
            Assert.AreEqual(oracle.Checksum, (int)view.ComputeChecksum(ip.SourceAddress, ip.DestinationAddress));
        }

        [TestMethod]
        public void SourceRewrite_AddressAndPort_EqualsOracleBuild()
        {
            byte[] payload = { 0, 0, 0, 0, 1, 2, 3 };
            byte[] packet = Oracle.Udp(Lan, Server, 4500, 4500, payload);
            UdpDatagram view = Parse(packet, out IPv4Packet ip);

            ip.SetSourceAddressWithChecksumUpdate(Wan);
            view.UpdateChecksumForAddressChange(Lan, Wan);
            view.SetSourcePortWithChecksumUpdate(4501);

            var reparsed = Oracle.Reparse(packet);
            Assert.IsTrue(reparsed.ValidIPChecksum);
            Assert.IsTrue(reparsed.ValidUdpChecksum);
            CollectionAssert.AreEqual(Oracle.Udp(Wan, Server, 4501, 4500, payload), packet);
        }

        [TestMethod]
        public void DestinationRewrite_AddressAndPort_ValidByOracle()
        {
            byte[] packet = Oracle.Udp(Server, Wan, 53, 61000, new byte[] { 1, 2, 3 });
            UdpDatagram view = Parse(packet, out IPv4Packet ip);

            ip.SetDestinationAddressWithChecksumUpdate(Lan);
            view.UpdateChecksumForAddressChange(Wan, Lan);
            view.SetDestinationPortWithChecksumUpdate(5353);

            var reparsed = Oracle.Reparse(packet);
            Assert.IsTrue(reparsed.ValidUdpChecksum);
            Assert.AreEqual(5353, reparsed.DestinationPort);
        }

        [TestMethod]
        public void Rewrite_ChecksumZero_StaysZero()
        {
            byte[] packet = Oracle.Udp(Lan, Server, 1701, 1701, new byte[] { 0xC8, 0x02 });
            packet[26] = 0;
            packet[27] = 0;
            UdpDatagram view = Parse(packet, out IPv4Packet ip);

            Assert.IsFalse(view.HasChecksum);
            Assert.IsTrue(view.IsChecksumValid(ip.SourceAddress, ip.DestinationAddress));
            ip.SetSourceAddressWithChecksumUpdate(Wan);
            view.UpdateChecksumForAddressChange(Lan, Wan);
            view.SetSourcePortWithChecksumUpdate(1702);
            view.SetDestinationPortWithChecksumUpdate(1);

            Assert.AreEqual((ushort)0, view.Checksum);
            Assert.IsTrue(Oracle.Reparse(packet).ValidIPChecksum);
        }

        [TestMethod]
        public void SetSourcePort_UpdateWouldBeZero_StoresAllOnes()
        {
            byte[] packet = Oracle.Udp(Lan, Server, 1000, 2000, new byte[] { 1, 2, 3, 4 });
            UdpDatagram view = Parse(packet, out IPv4Packet ip);

            // Pick the port that makes RFC 1624's ~(~HC + ~m + m') come out as 0x0000.
            uint sum = (uint)(~view.Checksum & 0xFFFF) + (uint)(~view.SourcePort & 0xFFFF);
            sum = (sum & 0xFFFF) + (sum >> 16);
            ushort port = (ushort)(0xFFFF - sum);
            view.SetSourcePortWithChecksumUpdate(port);

            Assert.AreEqual((ushort)0xFFFF, view.Checksum);
            Assert.IsTrue(view.IsChecksumValid(ip.SourceAddress, ip.DestinationAddress));
            Assert.AreEqual((ushort)0xFFFF, view.ComputeChecksum(ip.SourceAddress, ip.DestinationAddress));
        }

        [TestMethod]
        public void ComputeChecksum_FullSumIsZero_ReturnsAllOnes()
        {
            byte[] packet = Oracle.Udp(Lan, Server, 1000, 2000, new byte[] { 0, 0, 0, 0 });
            UdpDatagram view = Parse(packet, out IPv4Packet ip);
            packet[26] = 0;
            packet[27] = 0;

            // Choose the first data word so the one's complement sum is all ones: the checksum is then 0.
            uint sum = InternetChecksum.Add(InternetChecksum.PseudoHeaderSum(Lan, Server, 17, 12), packet, 20, 12);
            sum = (sum & 0xFFFF) + (sum >> 16);
            sum = (sum & 0xFFFF) + (sum >> 16);
            ushort word = (ushort)(0xFFFF - sum);
            packet[28] = (byte)(word >> 8);
            packet[29] = (byte)word;

            Assert.AreEqual((ushort)0xFFFF, view.ComputeChecksum(Lan, Server));
            view.UpdateChecksum(Lan, Server);
            Assert.AreEqual((ushort)0xFFFF, view.Checksum);
            Assert.IsTrue(view.IsChecksumValid(Lan, Server));
        }

        [TestMethod]
        [DataRow(7, 8, (int)WireStatus.Truncated)]
        [DataRow(8, 7, (int)WireStatus.BadLength)]
        [DataRow(8, 9, (int)WireStatus.BadLength)]
        [DataRow(8, 8, (int)WireStatus.Ok)]
        [DataRow(20, 12, (int)WireStatus.Ok)]
        public void TryParse_LengthField_CheckedAgainstBytes(int available, int lengthField, int expected)
        {
            byte[] bytes = new byte[available];
            if (available >= 6)
            {
                bytes[4] = (byte)(lengthField >> 8);
                bytes[5] = (byte)lengthField;
            }

            Assert.AreEqual((WireStatus)expected, UdpDatagram.TryParse(bytes, 0, available, out UdpDatagram view));
            if ((WireStatus)expected == WireStatus.Ok)
            {
                Assert.AreEqual(lengthField - 8, view.PayloadLength);
            }
        }
    }
}
