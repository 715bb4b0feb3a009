using System;
using NanoRouter.Core.Wire;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Wire
{
    /// <summary>
    /// The wire properties over deterministic random and mutated input (<see cref="Property"/>,
    /// <see cref="TestRandom"/>), so they run in nanoCLR as on .NET: no view throws, no view reads or
    /// writes outside its range, every prefix of a self-delimiting message is rejected, and every
    /// incremental checksum update agrees with a full recomputation and with the oracle's RFC 1071
    /// verdict. The host also runs them with CsCheck and more cases (HostOnly/WirePropertyCsCheckTests).
    /// </summary>
    [TestClass]
    public class WirePropertyTests
    {
        private static readonly byte[][] s_fixtures =
        {
            Fixtures.Esp, Fixtures.GreKeySequence, Fixtures.GreChecksumKeySequence, Fixtures.GrePlain, Fixtures.EnhancedGreSequenceAcknowledgment,
            Fixtures.EnhancedGreAcknowledgmentOnly, Fixtures.IkeV2SaInit, Fixtures.IkeV1MainMode, Fixtures.NatTraversalIke, Fixtures.NatTraversalEsp,
            Fixtures.NatTraversalKeepalive, Fixtures.PptpOutgoingCallRequest, Fixtures.PptpOutgoingCallReply, Fixtures.PptpSetLinkInfo,
        };

        /// <summary>A random TCP packet built by the oracle (options: MSS, NOPs, SACK-permitted, or none; never URG).</summary>
        internal static byte[] RandomTcp(TestRandom r)
        {
            uint source = r.NextUInt();
            uint destination = r.NextUInt();
            ushort sourcePort = r.NextUShort();
            ushort destinationPort = r.NextUShort();
            uint sequence = r.NextUInt();
            byte flags = r.NextByte();
            bool options = r.NextBool();
            byte[] payload = r.Bytes(0, 64);
            return Oracle.Tcp(source, destination, sourcePort, destinationPort, sequence, ~sequence, (ushort)(flags & 0xDF), (ushort)sequence, 0,
                options ? new byte[] { 1, 2, 4, (byte)(sequence >> 8), (byte)sequence, 1, 4, 2 } : new byte[0], payload);
        }

        internal static byte[] RandomUdp(TestRandom r)
        {
            uint source = r.NextUInt();
            uint destination = r.NextUInt();
            ushort sourcePort = r.NextUShort();
            ushort destinationPort = r.NextUShort();
            return Oracle.Udp(source, destination, sourcePort, destinationPort, r.Bytes(0, 64));
        }

        /// <summary>A random echo request, or a port unreachable quoting 28 to 36 bytes of a UDP packet.</summary>
        internal static byte[] RandomIcmp(TestRandom r)
        {
            uint source = r.NextUInt();
            uint destination = r.NextUInt();
            uint rest = r.NextUInt();
            bool error = r.NextBool();
            byte[] payload = r.Bytes(0, 64);
            return error
                ? Oracle.Icmp(source, destination, IcmpV4TypeCode.UnreachablePort, rest, Oracle.Slice(Oracle.Udp(destination, source, (ushort)rest, 53, payload), 0, 28 + (payload.Length % 9)))
                : Oracle.Icmp(source, destination, IcmpV4TypeCode.EchoRequest, rest, payload);
        }

        internal static byte[] RandomPacket(TestRandom r)
        {
            switch (r.Below(3))
            {
                case 0:
                    return RandomTcp(r);
                case 1:
                    return RandomUdp(r);
                default:
                    return RandomIcmp(r);
            }
        }

        private static bool SameOnesComplement(ushort a, ushort b)
        {
            return a == b || (a == 0 && b == 0xFFFF) || (a == 0xFFFF && b == 0);
        }

        [TestMethod]
        public void AllViews_RandomBytesAndRanges_NeverThrow()
        {
            Property.Check(nameof(AllViews_RandomBytesAndRanges_NeverThrow), 20000, r =>
            {
                byte[] bytes = r.Bytes(0, 96);
                int offset = r.Between(-2, 100);
                int length = r.Between(-2, 100);
                ViewExercise.ReadAll(bytes, offset, length);
                ViewExercise.ReadAll(bytes, 0, bytes.Length);
            });
        }

        [TestMethod]
        public void AllViews_MutatedValidPackets_NeverThrow()
        {
            Property.Check(nameof(AllViews_MutatedValidPackets_NeverThrow), 5000, r =>
            {
                byte[] bytes = r.NextBool() ? RandomPacket(r) : (byte[])s_fixtures[r.Below(s_fixtures.Length)].Clone();
                int mutations = r.Between(0, 3);
                for (int i = 0; i < mutations; i++)
                {
                    int at = r.Between(0, 4095);
                    bytes[at % bytes.Length] = r.NextByte();
                }

                ViewExercise.ReadAll(bytes, 0, bytes.Length);
                ViewExercise.WriteAll(bytes, 0, bytes.Length, 0x12345678);
            });
        }

        [TestMethod]
        public void AllViews_BytesOutsideTheRange_ChangeNothingReadOrWritten()
        {
            Property.Check(nameof(AllViews_BytesOutsideTheRange_ChangeNothingReadOrWritten), 3000, r =>
            {
                byte[] bytes = r.NextBool() ? RandomPacket(r) : r.Bytes(0, 80);
                int before = r.Between(0, 8);
                int after = r.Between(0, 8);
                uint value = r.NextUInt();
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
            });
        }

        [TestMethod]
        public void IPv4AndTransports_EveryPrefix_Rejected()
        {
            Property.Check(nameof(IPv4AndTransports_EveryPrefix_Rejected), 300, r =>
            {
                byte[] packet = RandomPacket(r);
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
            });
        }

        [TestMethod]
        public void SelfDelimitingFixtures_EveryPrefix_Rejected()
        {
            foreach (byte[] bytes in new[] { Fixtures.IkeV2SaInit, Fixtures.IkeV1MainMode })
            {
                for (int length = 0; length < bytes.Length; length++)
                {
                    Assert.IsFalse(IkeHeader.TryParse(bytes, 0, length, out IkeHeader _) == WireStatus.Ok);
                }
            }

            foreach (byte[] bytes in new[] { Fixtures.EnhancedGreSequenceAcknowledgment, Fixtures.EnhancedGreAcknowledgmentOnly })
            {
                for (int length = 0; length < bytes.Length; length++)
                {
                    Assert.IsFalse(GrePacket.TryParse(bytes, 0, length, out GrePacket _) == WireStatus.Ok);
                }
            }

            // Formats without a length field are rejected up to their header, and accepted from there.
            foreach (byte[] bytes in new[] { Fixtures.GreKeySequence, Fixtures.GreChecksumKeySequence, Fixtures.GrePlain })
            {
                Assert.AreEqual(WireStatus.Ok, GrePacket.TryParse(bytes, 0, bytes.Length, out GrePacket whole));
                for (int length = 0; length <= bytes.Length; length++)
                {
                    Assert.AreEqual(length >= whole.HeaderLength, GrePacket.TryParse(bytes, 0, length, out GrePacket _) == WireStatus.Ok);
                }
            }

            for (int length = 0; length <= Fixtures.Esp.Length; length++)
            {
                Assert.AreEqual(length >= 8, EspPacket.TryParse(Fixtures.Esp, 0, length, out EspPacket _) == WireStatus.Ok);
            }
        }

        [TestMethod]
        public void TcpRewrite_RandomPacketsAndValues_IncrementalEqualsFullAndOracle()
        {
            Property.Check(nameof(TcpRewrite_RandomPacketsAndValues_IncrementalEqualsFullAndOracle), 1000, r =>
            {
                byte[] packet = RandomTcp(r);
                uint source = r.NextUInt();
                uint destination = r.NextUInt();
                ushort sourcePort = r.NextUShort();
                ushort destinationPort = r.NextUShort();
                ushort mss = r.NextUShort();
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
                OraclePacket reparsed = Oracle.Reparse(packet);
                Assert.IsTrue(reparsed.ValidIPChecksum);
                Assert.IsTrue(reparsed.ValidTcpChecksum);
            });
        }

        [TestMethod]
        public void UdpRewrite_RandomPacketsAndValues_IncrementalEqualsFullAndOracle()
        {
            Property.Check(nameof(UdpRewrite_RandomPacketsAndValues_IncrementalEqualsFullAndOracle), 1000, r =>
            {
                byte[] packet = RandomUdp(r);
                uint address = r.NextUInt();
                ushort port = r.NextUShort();
                bool withoutChecksum = r.NextBool();
                UdpDatagram udp = UdpDatagramTests.Parse(packet, out IPv4Packet ip);
                Assert.IsTrue(udp.Checksum != 0, "the oracle sends a computed 0 as 0xFFFF (RFC 768)");
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
                    Assert.IsTrue(Oracle.Reparse(packet).ValidUdpChecksum);
                }

                Assert.IsTrue(udp.IsChecksumValid(address, ip.DestinationAddress));
                Assert.IsTrue(Oracle.Reparse(packet).ValidIPChecksum);
            });
        }

        [TestMethod]
        public void IcmpRewrite_RandomEchoes_IncrementalEqualsFullAndOracle()
        {
            Property.Check(nameof(IcmpRewrite_RandomEchoes_IncrementalEqualsFullAndOracle), 1000, r =>
            {
                byte[] packet = RandomIcmp(r);
                ushort identifier = r.NextUShort();
                IcmpPacket icmp = IcmpPacketTests.Parse(packet, out IPv4Packet ip);
                icmp.SetIdentifierWithChecksumUpdate(identifier);

                Assert.IsTrue(SameOnesComplement(icmp.ComputeChecksum(), icmp.Checksum));
                Assert.IsTrue(Oracle.Reparse(packet).ValidIcmpChecksum);
            });
        }

        [TestMethod]
        public void InternetChecksumUpdate_RandomWordChange_EqualsRecomputation()
        {
            Property.Check(nameof(InternetChecksumUpdate_RandomWordChange_EqualsRecomputation), 5000, r =>
            {
                byte[] bytes = r.Bytes(2, 200);
                int at = r.Between(0, 1000);
                ushort word = r.NextUShort();
                uint value = r.NextUInt();
                int wordAt = (at % (bytes.Length / 2)) * 2;
                ushort before = InternetChecksum.Compute(bytes, 0, bytes.Length);
                ushort old = NetworkOrder.ReadUInt16(bytes, wordAt);
                NetworkOrder.WriteUInt16(bytes, wordAt, word);
                Assert.IsTrue(SameOnesComplement(InternetChecksum.Compute(bytes, 0, bytes.Length), InternetChecksum.Update(before, old, word)));
                Assert.IsTrue(SameOnesComplement(OnesComplement.Checksum(bytes, 0, bytes.Length), InternetChecksum.Compute(bytes, 0, bytes.Length)), "the core agrees with RFC 1071 as the tests compute it");

                if (bytes.Length >= 4)
                {
                    int longAt = (at % (bytes.Length / 4)) * 4;
                    before = InternetChecksum.Compute(bytes, 0, bytes.Length);
                    uint oldValue = NetworkOrder.ReadUInt32(bytes, longAt);
                    NetworkOrder.WriteUInt32(bytes, longAt, value);
                    Assert.IsTrue(SameOnesComplement(InternetChecksum.Compute(bytes, 0, bytes.Length), InternetChecksum.Update(before, oldValue, value)));
                }
            });
        }

        [TestMethod]
        public void UpdateUdp_AnyInput_ZeroStaysZeroAndNeverBecomesZero()
        {
            Property.Check(nameof(UpdateUdp_AnyInput_ZeroStaysZeroAndNeverBecomesZero), 20000, r =>
            {
                ushort checksum = r.NextUShort();
                uint oldValue = r.NextUInt();
                uint newValue = r.NextUInt();
                Assert.AreEqual((ushort)0, InternetChecksum.UpdateUdp(0, oldValue, newValue));
                Assert.AreEqual((ushort)0, InternetChecksum.UpdateUdp(0, (ushort)oldValue, (ushort)newValue));
                if (checksum != 0)
                {
                    Assert.IsTrue(InternetChecksum.UpdateUdp(checksum, oldValue, newValue) != 0);
                    Assert.IsTrue(InternetChecksum.UpdateUdp(checksum, (ushort)oldValue, (ushort)newValue) != 0);
                }
            });
        }
    }
}
