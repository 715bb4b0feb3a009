using NanoRouter.Hal;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// Rewrites whose correct new checksum is 0x0000. RFC 1624 (section 3, the example in section 4)
    /// shows that the update HC' = HC + m + ~m' yields 0xFFFF (-0) there, a value no checksum
    /// computation produces; its eqn. 3, HC' = ~(~HC + ~m + m'), yields the correct 0x0000. Issue #2
    /// demands checksums valid "by PacketDotNet's own computation", which recomputes and compares: the
    /// oracle does the same (RFC 1071, written in the tests), and on the host PacketDotNet agrees.
    /// (UDP is the exception: a computed 0 is sent as 0xFFFF, RFC 768.) A field the NAT does not
    /// touch (IP identification, echo sequence number, a payload word) is chosen so that the
    /// translated packet's checksum is exactly 0x0000.
    /// </summary>
    [TestClass]
    public class ChecksumEdgeTests
    {
        /// <summary>The 16-bit one's-complement sum (RFC 1071) of a byte range, used only to pick the field value.</summary>
        private static int OnesSum(byte[] b, int offset, int length)
        {
            int sum = 0;
            for (int i = 0; i < length; i += 2)
            {
                sum += (b[offset + i] << 8) | (i + 1 < length ? b[offset + i + 1] : 0);
            }

            while (sum > 0xFFFF)
            {
                sum = (sum & 0xFFFF) + (sum >> 16);
            }

            return sum;
        }

        /// <summary>The value for the 16-bit word at <paramref name="at"/> that makes the range sum to 0xFFFF with the checksum word zeroed.</summary>
        private static ushort Tune(byte[] translated, int offset, int length, int at, int checksumAt)
        {
            var copy = (byte[])translated.Clone();
            copy[at] = 0;
            copy[at + 1] = 0;
            copy[checksumAt] = 0;
            copy[checksumAt + 1] = 0;
            int rest = OnesSum(copy, offset, length);
            return (ushort)(0xFFFF - rest);
        }

        [DataRow(0)] // 1 = established: DataRow takes int/long/string only
        [DataRow(1)]
        [TestMethod]
        public void Process_EchoWhoseNewChecksumIsZero_ChecksumValidByOracle(int flowEstablished)
        {
            bool established = flowEstablished != 0;
            var rig = new NatRig();
            rig.Out(Packets.EchoRequest(Net.HostA, Net.Server, 0x4242));
            var probe = new NatRig();
            probe.Out(Packets.EchoRequest(Net.HostA, Net.Server, 0x4242));
            byte[] translated = probe.Out(Packets.EchoRequest(Net.HostB, Net.Server, 0x4242, 0));
            ushort sequence = Tune(translated, 20, translated.Length - 20, 26, 22);
            if (established)
            {
                rig.Out(Packets.EchoRequest(Net.HostB, Net.Server, 0x4242, 1));
            }

            byte[] output = rig.Out(Packets.EchoRequest(Net.HostB, Net.Server, 0x4242, sequence), "echo, new ICMP checksum 0");
            Assert.AreEqual(0, (int)Packets.ReadUInt16(output, 22));
        }

        [DataRow(0)]
        [DataRow(1)]
        [TestMethod]
        public void Process_UdpWhoseNewHeaderChecksumIsZero_HeaderChecksumValidByOracle(int flowEstablished)
        {
            bool established = flowEstablished != 0;
            var rig = new NatRig();
            byte[] translated = new NatRig().Out(Packets.Udp(Net.HostA, 40000, Net.Server, 53));
            ushort identification = Tune(translated, 0, 20, 4, 10);
            if (established)
            {
                rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 53));
            }

            byte[] output = rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 53, identification: identification), "UDP, new IPv4 header checksum 0");
            Assert.AreEqual(0, (int)Packets.ReadUInt16(output, 10));
        }

        [DataRow(0)]
        [DataRow(1)]
        [TestMethod]
        public void Process_TcpWhoseNewChecksumIsZero_ChecksumValidByOracle(int flowEstablished)
        {
            bool established = flowEstablished != 0;
            // The last payload word is tuned; the pseudo-header (with the WAN address) is part of the sum.
            var payload = new byte[24];
            byte[] Segment(byte[] data) => established
                ? Packets.Tcp(Net.HostB, 50000, Net.Server, 443, Packets.Ack | Packets.Psh, payload: data)
                : Packets.Tcp(Net.HostB, 50000, Net.Server, 443, Packets.Syn, payload: data);
            NatRig Prepared()
            {
                var r = new NatRig(configure: o => o.MssClamp = 0);
                r.Out(Packets.Tcp(Net.HostA, 50000, Net.Server, 443, Packets.Syn));
                if (established)
                {
                    r.Out(Packets.Tcp(Net.HostB, 50000, Net.Server, 443, Packets.Syn));
                    r.In(Packets.Tcp(Net.Server, 443, Net.Wan, Check.SourcePort(r.Out(Packets.Tcp(Net.HostB, 50000, Net.Server, 443, Packets.Syn))), Packets.Syn | Packets.Ack));
                }

                return r;
            }

            byte[] translated = Prepared().Out(Segment(payload));
            var pseudo = new byte[12 + translated.Length - 20];
            System.Array.Copy(translated, 12, pseudo, 0, 8);
            pseudo[9] = 6;
            pseudo[10] = (byte)((translated.Length - 20) >> 8);
            pseudo[11] = (byte)(translated.Length - 20);
            System.Array.Copy(translated, 20, pseudo, 12, translated.Length - 20);
            ushort word = Tune(pseudo, 0, pseudo.Length, pseudo.Length - 2, 12 + 16);
            payload[22] = (byte)(word >> 8);
            payload[23] = (byte)word;

            byte[] output = Prepared().Out(Segment(payload), "TCP, new checksum 0");
            Assert.AreEqual(0, (int)Packets.ReadUInt16(output, 36));
        }
    }
}
