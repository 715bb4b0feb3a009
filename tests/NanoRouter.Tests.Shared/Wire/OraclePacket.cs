namespace NanoRouter.Tests.Wire
{
    /// <summary>
    /// The oracle's reading of an IPv4 packet, decoded here field by field (RFC 791, 793, 768, 792)
    /// and independent of the core's views, with every checksum verified by <see cref="OnesComplement"/>.
    /// It reads a copy, never throws on short input (what is not there stays 0 / false), and decodes
    /// the transport header only when the packet is not a later fragment.
    /// </summary>
    internal sealed class OraclePacket
    {
        public const int FlagFin = 0x01;
        public const int FlagSyn = 0x02;
        public const int FlagRst = 0x04;
        public const int FlagPsh = 0x08;
        public const int FlagAck = 0x10;
        public const int FlagUrg = 0x20;
        public const int FlagEce = 0x40;
        public const int FlagCwr = 0x80;

        public OraclePacket(byte[] packet)
        {
            Bytes = Oracle.Slice(packet, 0, packet.Length);
            byte[] b = Bytes;
            if (b.Length < 20)
            {
                return;
            }

            Version = b[0] >> 4;
            InternetHeaderLength = b[0] & 0x0F;
            HeaderLength = InternetHeaderLength * 4;
            DifferentiatedServices = b[1];
            TotalLength = Oracle.Get16(b, 2);
            Identification = Oracle.Get16(b, 4);
            int word = Oracle.Get16(b, 6);
            FragmentFlags = word >> 13;
            FragmentOffset = word & 0x1FFF;
            TimeToLive = b[8];
            Protocol = b[9];
            HeaderChecksum = Oracle.Get16(b, 10);
            SourceAddress = Oracle.Get32(b, 12);
            DestinationAddress = Oracle.Get32(b, 16);
            if (HeaderLength < 20 || HeaderLength > b.Length)
            {
                return;
            }

            HeaderComplete = true;
            ValidIPChecksum = OnesComplement.Verifies(OnesComplement.Add(0, b, 0, HeaderLength));
            byte[] header = Oracle.Slice(b, 0, HeaderLength);
            header[10] = 0;
            header[11] = 0;
            ComputedHeaderChecksum = OnesComplement.Checksum(header, 0, HeaderLength);
            int end = TotalLength < b.Length ? TotalLength : b.Length;
            PayloadLength = end > HeaderLength ? end - HeaderLength : 0;
            Payload = Oracle.Slice(b, HeaderLength, PayloadLength);
            if (FragmentOffset != 0)
            {
                return;
            }

            int at = HeaderLength;
            int length = PayloadLength;
            uint pseudo = OnesComplement.AddPseudoHeader(0, SourceAddress, DestinationAddress, Protocol, length);
            if (Protocol == Oracle.ProtocolTcp && length >= 20)
            {
                SourcePort = Oracle.Get16(b, at);
                DestinationPort = Oracle.Get16(b, at + 2);
                SequenceNumber = Oracle.Get32(b, at + 4);
                AcknowledgmentNumber = Oracle.Get32(b, at + 8);
                DataOffset = b[at + 12] >> 4;
                Flags = ((b[at + 12] & 0x01) << 8) | b[at + 13];
                WindowSize = Oracle.Get16(b, at + 14);
                Checksum = Oracle.Get16(b, at + 16);
                UrgentPointer = Oracle.Get16(b, at + 18);
                int tcpHeader = DataOffset * 4;
                if (tcpHeader >= 20 && tcpHeader <= length)
                {
                    TransportComplete = true;
                    Options = Oracle.Slice(b, at + 20, tcpHeader - 20);
                    TransportPayload = Oracle.Slice(b, at + tcpHeader, length - tcpHeader);
                    ValidTcpChecksum = OnesComplement.Verifies(OnesComplement.Add(pseudo, b, at, length));
                    ComputedChecksum = ChecksumWithoutField(pseudo, b, at, length, 16);
                }
            }
            else if (Protocol == Oracle.ProtocolUdp && length >= 8)
            {
                SourcePort = Oracle.Get16(b, at);
                DestinationPort = Oracle.Get16(b, at + 2);
                UdpLength = Oracle.Get16(b, at + 4);
                Checksum = Oracle.Get16(b, at + 6);
                if (UdpLength >= 8 && UdpLength <= length)
                {
                    TransportComplete = true;
                    TransportPayload = Oracle.Slice(b, at + 8, UdpLength - 8);
                    uint udpPseudo = OnesComplement.AddPseudoHeader(0, SourceAddress, DestinationAddress, Protocol, UdpLength);
                    ValidUdpChecksum = OnesComplement.Verifies(OnesComplement.Add(udpPseudo, b, at, UdpLength));
                    int computed = ChecksumWithoutField(udpPseudo, b, at, UdpLength, 6);
                    ComputedChecksum = computed == 0 ? 0xFFFF : computed;
                }
            }
            else if (Protocol == Oracle.ProtocolIcmp && length >= 8)
            {
                TransportComplete = true;
                IcmpType = b[at];
                IcmpCode = b[at + 1];
                Checksum = Oracle.Get16(b, at + 2);
                RestOfHeader = Oracle.Get32(b, at + 4);
                IcmpIdentifier = Oracle.Get16(b, at + 4);
                IcmpSequence = Oracle.Get16(b, at + 6);
                TransportPayload = Oracle.Slice(b, at + 8, length - 8);
                ValidIcmpChecksum = OnesComplement.Verifies(OnesComplement.Add(0, b, at, length));
                ComputedChecksum = ChecksumWithoutField(0, b, at, length, 2);
            }
        }

        /// <summary>The checksum of a range as it would be with its checksum field (at <paramref name="field"/> in it) zero.</summary>
        private static int ChecksumWithoutField(uint sum, byte[] b, int at, int length, int field)
        {
            byte[] copy = Oracle.Slice(b, at, length);
            copy[field] = 0;
            copy[field + 1] = 0;
            return OnesComplement.Checksum(OnesComplement.Add(sum, copy, 0, length));
        }

        /// <summary>The copy that was read.</summary>
        public byte[] Bytes { get; }

        public int Version { get; }

        /// <summary>The IHL field: the header length in 32-bit words.</summary>
        public int InternetHeaderLength { get; }

        /// <summary>The header length in bytes.</summary>
        public int HeaderLength { get; }

        public int DifferentiatedServices { get; }

        public int TotalLength { get; }

        public int Identification { get; }

        /// <summary>The three flag bits: 2 = Don't Fragment, 1 = More Fragments.</summary>
        public int FragmentFlags { get; }

        /// <summary>The fragment offset field, in 8-byte units.</summary>
        public int FragmentOffset { get; }

        public int TimeToLive { get; }

        public int Protocol { get; }

        public int HeaderChecksum { get; }

        public uint SourceAddress { get; }

        public uint DestinationAddress { get; }

        /// <summary>True when the whole header (as IHL says) is in the bytes.</summary>
        public bool HeaderComplete { get; }

        /// <summary>The header, checksum field included, sums to all ones.</summary>
        public bool ValidIPChecksum { get; }

        /// <summary>What the header checksum should be for the header as it is.</summary>
        public int ComputedHeaderChecksum { get; }

        /// <summary>The bytes after the header up to the total length (or the end of the bytes).</summary>
        public int PayloadLength { get; }

        public byte[] Payload { get; }

        /// <summary>True when the transport header (TCP with its options, UDP to its length, or ICMP's 8 bytes) is all there.</summary>
        public bool TransportComplete { get; }

        /// <summary>TCP or UDP source port.</summary>
        public int SourcePort { get; }

        /// <summary>TCP or UDP destination port.</summary>
        public int DestinationPort { get; }

        /// <summary>The TCP, UDP or ICMP checksum field.</summary>
        public int Checksum { get; }

        /// <summary>What the TCP, UDP (a computed 0 as 0xFFFF, RFC 768) or ICMP checksum should be.</summary>
        public int ComputedChecksum { get; }

        public uint SequenceNumber { get; }

        public uint AcknowledgmentNumber { get; }

        /// <summary>TCP data offset, in 32-bit words.</summary>
        public int DataOffset { get; }

        /// <summary>TCP flags: NS (0x100) and CWR..FIN.</summary>
        public int Flags { get; }

        public int WindowSize { get; }

        public int UrgentPointer { get; }

        public byte[] Options { get; }

        /// <summary>TCP or UDP data, or what follows the ICMP header.</summary>
        public byte[] TransportPayload { get; }

        public bool ValidTcpChecksum { get; }

        public int UdpLength { get; }

        /// <summary>The UDP checksum verifies. Says nothing of a checksum of 0 ("none", RFC 768): check <see cref="Checksum"/> first.</summary>
        public bool ValidUdpChecksum { get; }

        public int IcmpType { get; }

        public int IcmpCode { get; }

        /// <summary>The 4 bytes after ICMP type, code and checksum.</summary>
        public uint RestOfHeader { get; }

        public int IcmpIdentifier { get; }

        public int IcmpSequence { get; }

        public bool ValidIcmpChecksum { get; }

        public bool Finished => (Flags & FlagFin) != 0;

        public bool Synchronize => (Flags & FlagSyn) != 0;

        public bool Reset => (Flags & FlagRst) != 0;

        public bool Push => (Flags & FlagPsh) != 0;

        public bool Acknowledgment => (Flags & FlagAck) != 0;

        public bool Urgent => (Flags & FlagUrg) != 0;

        public bool ExplicitCongestionNotificationEcho => (Flags & FlagEce) != 0;

        public bool CongestionWindowReduced => (Flags & FlagCwr) != 0;
    }
}
