using System;
using CsCheck;
using NanoRouter.Core.Wire;
using NanoRouter.Tests.Wire;
using PacketDotNet.Utils;

namespace NanoRouter.Tests.HostOnly
{
    /// <summary>
    /// The wire properties checked with CsCheck on the host (more cases than the shared
    /// <see cref="WirePropertyTests"/>, CsCheck's generators, replayable seeds through
    /// <see cref="CsCheckRuns"/>): no view throws, no view reads or writes outside its range, and every
    /// incremental checksum update agrees with a full recomputation and with PacketDotNet's own
    /// verdict. The packets come from the shared oracle (RFC 768: a UDP checksum that computes to 0
    /// is 0xFFFF, where PacketDotNet's builder wrote 0: CsCheck seed 92PyN_zr1CX2 found it).
    /// </summary>
    [TestClass]
    public class WirePropertyCsCheckTests
    {
        private static readonly Gen<byte[]> s_payload = Gen.Byte.Array[0, 64];

        /// <summary>Random TCP packets built by the oracle (options: MSS, NOPs, SACK-permitted, or none).</summary>
        private static readonly Gen<byte[]> s_tcp = Gen.Select(Gen.UInt, Gen.UInt, Gen.UShort, Gen.UShort, Gen.UInt, Gen.Byte, Gen.Bool, s_payload)
            .Select(t => Oracle.Tcp(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, ~t.Item5, (ushort)(t.Item6 & 0xDF), (ushort)t.Item5, 0,
                t.Item7 ? new byte[] { 1, 2, 4, (byte)(t.Item5 >> 8), (byte)t.Item5, 1, 4, 2 } : new byte[0], t.Item8));

        private static readonly Gen<byte[]> s_udp = Gen.Select(Gen.UInt, Gen.UInt, Gen.UShort, Gen.UShort, s_payload)
            .Select((s, d, sp, dp, p) => Oracle.Udp(s, d, sp, dp, p));

        private static readonly Gen<byte[]> s_icmp = Gen.Select(Gen.UInt, Gen.UInt, Gen.UInt, Gen.Bool, s_payload)
            .Select((s, d, rest, error, p) => error
                ? Oracle.Icmp(s, d, IcmpV4TypeCode.UnreachablePort, rest, Oracle.Slice(Oracle.Udp(d, s, (ushort)rest, 53, p), 0, 28 + (p.Length % 9)))
                : Oracle.Icmp(s, d, IcmpV4TypeCode.EchoRequest, rest, p));

        private static readonly Gen<byte[]> s_anyPacket = Gen.OneOf(s_tcp, s_udp, s_icmp);

        private static readonly byte[][] s_fixtures =
        {
            Fixtures.Esp, Fixtures.GreKeySequence, Fixtures.GreChecksumKeySequence, Fixtures.GrePlain, Fixtures.EnhancedGreSequenceAcknowledgment,
            Fixtures.EnhancedGreAcknowledgmentOnly, Fixtures.IkeV2SaInit, Fixtures.IkeV1MainMode, Fixtures.NatTraversalIke, Fixtures.NatTraversalEsp,
            Fixtures.NatTraversalKeepalive, Fixtures.PptpOutgoingCallRequest, Fixtures.PptpOutgoingCallReply, Fixtures.PptpSetLinkInfo,
        };

        private static bool SameOnesComplement(ushort a, ushort b) => a == b || (a == 0 && b == 0xFFFF) || (a == 0xFFFF && b == 0);

        /// <summary>PacketDotNet's own reading of a copy of the bytes.</summary>
        private static PacketDotNet.IPv4Packet PacketDotNetParse(byte[] packet) => new PacketDotNet.IPv4Packet(new ByteArraySegment((byte[])packet.Clone()));

        [TestMethod]
        public void AllViews_RandomBytesAndRanges_NeverThrow()
        {
            CsCheckRuns.Sample(Gen.Select(Gen.Byte.Array[0, 96], Gen.Int[-2, 100], Gen.Int[-2, 100]), (bytes, offset, length) =>
            {
                ViewExercise.ReadAll(bytes, offset, length);
                ViewExercise.ReadAll(bytes, 0, bytes.Length);
            }, 20000);
        }

        [TestMethod]
        public void AllViews_MutatedValidPackets_NeverThrow()
        {
            Gen<byte[]> valid = Gen.OneOf(s_anyPacket, Gen.Int[0, s_fixtures.Length - 1].Select(i => (byte[])s_fixtures[i].Clone()));
            CsCheckRuns.Sample(Gen.Select(valid, Gen.Int[0, 3].SelectMany(n => Gen.Select(Gen.Int[0, 4095], Gen.Byte).Array[n])), (bytes, mutations) =>
            {
                foreach ((int at, byte value) in mutations)
                {
                    bytes[at % bytes.Length] = value;
                }

                ViewExercise.ReadAll(bytes, 0, bytes.Length);
                ViewExercise.WriteAll(bytes, 0, bytes.Length, 0x12345678);
            }, 5000);
        }

        [TestMethod]
        public void AllViews_BytesOutsideTheRange_ChangeNothingReadOrWritten()
        {
            Gen<byte[]> inner = Gen.OneOf(s_anyPacket, Gen.Byte.Array[0, 80]);
            CsCheckRuns.Sample(Gen.Select(inner, Gen.Int[0, 8], Gen.Int[0, 8], Gen.UInt), (bytes, before, after, value) =>
            {
                byte[] a = new byte[before + bytes.Length + after];
                byte[] b = new byte[a.Length];
                for (int i = 0; i < a.Length; i++)
                {
                    a[i] = 0x00;
                    b[i] = (byte)(0xA5 ^ i);
                }

                Array.Copy(bytes, 0, a, before, bytes.Length);
                Array.Copy(bytes, 0, b, before, bytes.Length);
                Assert.AreEqual(ViewExercise.ReadAll(a, before, bytes.Length), ViewExercise.ReadAll(b, before, bytes.Length));

                byte[] untouched = (byte[])b.Clone();
                ViewExercise.WriteAll(b, before, bytes.Length, value);
                CollectionAssert.AreEqual(Oracle.Slice(untouched, 0, before), Oracle.Slice(b, 0, before));
                CollectionAssert.AreEqual(Oracle.Slice(untouched, before + bytes.Length, after), Oracle.Slice(b, before + bytes.Length, after));
            }, 3000);
        }

        [TestMethod]
        public void IPv4AndTransports_EveryPrefix_Rejected()
        {
            CsCheckRuns.Sample(s_anyPacket, packet =>
            {
                Assert.AreEqual(WireStatus.Ok, IPv4Packet.TryParse(packet, 0, packet.Length, out IPv4Packet whole));
                int transportLength = whole.PayloadLength;
                for (int length = 0; length < packet.Length; length++)
                {
                    Assert.IsFalse(IPv4Packet.TryParse(packet, 0, length, out IPv4Packet _) == WireStatus.Ok);
                    int prefix = length;
                    if (prefix >= transportLength)
                    {
                        continue;
                    }

                    switch (whole.Protocol)
                    {
                        case IPv4Packet.ProtocolUdp:
                            Assert.IsFalse(UdpDatagram.TryParse(packet, 20, prefix, out UdpDatagram _) == WireStatus.Ok);
                            break;
                        case IPv4Packet.ProtocolTcp:
                            Assert.AreEqual(prefix >= (packet[32] >> 4) * 4, TcpSegment.TryParse(packet, 20, prefix, out TcpSegment _) == WireStatus.Ok);
                            break;
                        default:
                            Assert.AreEqual(prefix >= 8, IcmpPacket.TryParse(packet, 20, prefix, out IcmpPacket _) == WireStatus.Ok);
                            break;
                    }
                }
            }, 300);
        }

        [TestMethod]
        public void TcpRewrite_RandomPacketsAndValues_IncrementalEqualsFullAndPacketDotNet()
        {
            CsCheckRuns.Sample(Gen.Select(s_tcp, Gen.UInt, Gen.UInt, Gen.UShort, Gen.UShort, Gen.UShort), (packet, source, destination, sourcePort, destinationPort, mss) =>
            {
                TcpSegment tcp = TcpSegmentTests.Parse(packet, out IPv4Packet ip);
                uint oldSource = ip.SourceAddress;
                uint oldDestination = ip.DestinationAddress;
                ip.SetSourceAddressWithChecksumUpdate(source);
                tcp.UpdateChecksumForAddressChange(oldSource, source);
                ip.SetDestinationAddressWithChecksumUpdate(destination);
                tcp.UpdateChecksumForAddressChange(oldDestination, destination);
                tcp.SetSourcePortWithChecksumUpdate(sourcePort);
                tcp.SetDestinationPortWithChecksumUpdate(destinationPort);
                tcp.SetMssWithChecksumUpdate(mss);

                Assert.IsTrue(SameOnesComplement(ip.ComputeHeaderChecksum(), ip.HeaderChecksum));
                Assert.IsTrue(SameOnesComplement(tcp.ComputeChecksum(source, destination), tcp.Checksum));
                Assert.IsTrue(tcp.IsChecksumValid(source, destination));
                var reparsed = PacketDotNetParse(packet);
                Assert.IsTrue(reparsed.ValidIPChecksum);
                Assert.IsTrue(((PacketDotNet.TcpPacket)reparsed.PayloadPacket).ValidTcpChecksum);
            }, 1000);
        }

        [TestMethod]
        public void UdpRewrite_RandomPacketsAndValues_IncrementalEqualsFullAndPacketDotNet()
        {
            CsCheckRuns.Sample(Gen.Select(s_udp, Gen.UInt, Gen.UShort, Gen.Bool), (packet, address, port, withoutChecksum) =>
            {
                UdpDatagram udp = UdpDatagramTests.Parse(packet, out IPv4Packet ip);
                if (withoutChecksum)
                {
                    NetworkOrder.WriteUInt16(packet, udp.Offset + UdpDatagram.ChecksumOffset, 0);
                }

                uint oldSource = ip.SourceAddress;
                ip.SetSourceAddressWithChecksumUpdate(address);
                udp.UpdateChecksumForAddressChange(oldSource, address);
                udp.SetSourcePortWithChecksumUpdate(port);

                if (withoutChecksum)
                {
                    Assert.AreEqual((ushort)0, udp.Checksum);
                }
                else
                {
                    Assert.IsTrue(udp.Checksum != 0);
                    Assert.AreEqual(udp.ComputeChecksum(address, ip.DestinationAddress), udp.Checksum);
                    Assert.IsTrue(((PacketDotNet.UdpPacket)PacketDotNetParse(packet).PayloadPacket).ValidUdpChecksum);
                }

                Assert.IsTrue(udp.IsChecksumValid(address, ip.DestinationAddress));
                Assert.IsTrue(PacketDotNetParse(packet).ValidIPChecksum);
            }, 1000);
        }

        [TestMethod]
        public void IcmpRewrite_RandomEchoes_IncrementalEqualsFullAndPacketDotNet()
        {
            CsCheckRuns.Sample(Gen.Select(s_icmp, Gen.UShort), (packet, identifier) =>
            {
                IcmpPacket icmp = IcmpPacketTests.Parse(packet, out IPv4Packet ip);
                icmp.SetIdentifierWithChecksumUpdate(identifier);

                Assert.IsTrue(SameOnesComplement(icmp.ComputeChecksum(), icmp.Checksum));
                Assert.IsTrue(((PacketDotNet.IcmpV4Packet)PacketDotNetParse(packet).PayloadPacket).ValidIcmpChecksum);
            }, 1000);
        }

        [TestMethod]
        public void InternetChecksumUpdate_RandomWordChange_EqualsRecomputation()
        {
            CsCheckRuns.Sample(Gen.Select(Gen.Byte.Array[2, 200], Gen.Int[0, 1000], Gen.UShort, Gen.UInt), (bytes, at, word, value) =>
            {
                int wordAt = (at % (bytes.Length / 2)) * 2;
                ushort before = InternetChecksum.Compute(bytes, 0, bytes.Length);
                ushort old = NetworkOrder.ReadUInt16(bytes, wordAt);
                NetworkOrder.WriteUInt16(bytes, wordAt, word);
                Assert.IsTrue(SameOnesComplement(InternetChecksum.Compute(bytes, 0, bytes.Length), InternetChecksum.Update(before, old, word)));

                if (bytes.Length >= 4)
                {
                    int longAt = (at % (bytes.Length / 4)) * 4;
                    before = InternetChecksum.Compute(bytes, 0, bytes.Length);
                    uint oldValue = NetworkOrder.ReadUInt32(bytes, longAt);
                    NetworkOrder.WriteUInt32(bytes, longAt, value);
                    Assert.IsTrue(SameOnesComplement(InternetChecksum.Compute(bytes, 0, bytes.Length), InternetChecksum.Update(before, oldValue, value)));
                }
            }, 5000);
        }

        [TestMethod]
        public void UpdateUdp_AnyInput_ZeroStaysZeroAndNeverBecomesZero()
        {
            CsCheckRuns.Sample(Gen.Select(Gen.UShort, Gen.UInt, Gen.UInt), (checksum, oldValue, newValue) =>
            {
                Assert.AreEqual((ushort)0, InternetChecksum.UpdateUdp(0, oldValue, newValue));
                Assert.AreEqual((ushort)0, InternetChecksum.UpdateUdp(0, (ushort)oldValue, (ushort)newValue));
                if (checksum != 0)
                {
                    Assert.IsTrue(InternetChecksum.UpdateUdp(checksum, oldValue, newValue) != 0);
                    Assert.IsTrue(InternetChecksum.UpdateUdp(checksum, (ushort)oldValue, (ushort)newValue) != 0);
                }
            }, 20000);
        }
    }
}
