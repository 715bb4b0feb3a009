namespace NanoRouter.Core.Wire
{
    /// <summary>
    /// A view of an ICMP message (RFC 792) over <c>byte[] buffer, int offset, int length</c>, where
    /// length is the whole message (the IPv4 payload). <see cref="TryParse"/> is the one validation
    /// step: it requires the 8-byte header. After it returned <see cref="WireStatus.Ok"/> no accessor
    /// can read or write out of bounds: every field lies in those 8 bytes, and the embedded packet of
    /// an error is handed out only through <see cref="TryParseEmbeddedPacket"/>, which checks it.
    /// The checksum is not checked by TryParse; ask <see cref="IsChecksumValid"/>.
    /// </summary>
    public struct IcmpPacket
    {
        /// <summary>Offset of the Type byte.</summary>
        public const int TypeOffset = 0;

        /// <summary>Offset of the Code byte.</summary>
        public const int CodeOffset = 1;

        /// <summary>Offset of the 16-bit Checksum (over the whole ICMP message).</summary>
        public const int ChecksumOffset = 2;

        /// <summary>Offset of the 16-bit Identifier of echo, timestamp, information and address-mask messages.</summary>
        public const int IdentifierOffset = 4;

        /// <summary>Offset of the 16-bit Sequence Number of echo, timestamp, information and address-mask messages.</summary>
        public const int SequenceNumberOffset = 6;

        /// <summary>Offset of the Pointer byte of a Parameter Problem message.</summary>
        public const int PointerOffset = 4;

        /// <summary>Offset of the 32-bit Gateway Internet Address of a Redirect message.</summary>
        public const int GatewayAddressOffset = 4;

        /// <summary>Offset of the 16-bit Next-Hop MTU of a Fragmentation Needed message (RFC 1191).</summary>
        public const int NextHopMtuOffset = 6;

        /// <summary>The header length: type, code, checksum and the 4-byte rest of header.</summary>
        public const int HeaderLength = 8;

        /// <summary>Where the embedded IP header of an error message starts.</summary>
        public const int EmbeddedPacketOffset = 8;

        /// <summary>Type 0: Echo Reply.</summary>
        public const byte TypeEchoReply = 0;

        /// <summary>Type 3: Destination Unreachable.</summary>
        public const byte TypeDestinationUnreachable = 3;

        /// <summary>Type 4: Source Quench (deprecated by RFC 6633, still an error).</summary>
        public const byte TypeSourceQuench = 4;

        /// <summary>Type 5: Redirect.</summary>
        public const byte TypeRedirect = 5;

        /// <summary>Type 8: Echo Request.</summary>
        public const byte TypeEchoRequest = 8;

        /// <summary>Type 11: Time Exceeded.</summary>
        public const byte TypeTimeExceeded = 11;

        /// <summary>Type 12: Parameter Problem.</summary>
        public const byte TypeParameterProblem = 12;

        /// <summary>Type 13: Timestamp Request.</summary>
        public const byte TypeTimestampRequest = 13;

        /// <summary>Type 14: Timestamp Reply.</summary>
        public const byte TypeTimestampReply = 14;

        /// <summary>Type 15: Information Request.</summary>
        public const byte TypeInformationRequest = 15;

        /// <summary>Type 16: Information Reply.</summary>
        public const byte TypeInformationReply = 16;

        /// <summary>Type 17: Address Mask Request (RFC 950).</summary>
        public const byte TypeAddressMaskRequest = 17;

        /// <summary>Type 18: Address Mask Reply (RFC 950).</summary>
        public const byte TypeAddressMaskReply = 18;

        /// <summary>Destination Unreachable code 4: Fragmentation Needed and Don't Fragment was Set.</summary>
        public const byte CodeFragmentationNeeded = 4;

        private readonly byte[] _buffer;
        private readonly int _offset;
        private readonly int _length;

        private IcmpPacket(byte[] buffer, int offset, int length)
        {
            _buffer = buffer;
            _offset = offset;
            _length = length;
        }

        /// <summary>Validates an ICMP message: the range must hold at least the 8-byte header.</summary>
        public static WireStatus TryParse(byte[] buffer, int offset, int length, out IcmpPacket packet)
        {
            packet = default(IcmpPacket);
            if (!WireRange.IsValid(buffer, offset, length))
            {
                return WireStatus.BadRange;
            }

            if (length < HeaderLength)
            {
                return WireStatus.Truncated;
            }

            packet = new IcmpPacket(buffer, offset, length);
            return WireStatus.Ok;
        }

        /// <summary>True for the message types that carry an identifier and sequence number
        /// (echo, timestamp, information, address mask: requests and replies).</summary>
        public static bool IsQueryType(byte type) => type == TypeEchoRequest || type == TypeEchoReply || (type >= TypeTimestampRequest && type <= TypeAddressMaskReply);

        /// <summary>True for the error types that quote the offending packet: 3, 4, 5, 11 and 12.</summary>
        public static bool IsErrorType(byte type) => (type >= TypeDestinationUnreachable && type <= TypeRedirect) || type == TypeTimeExceeded || type == TypeParameterProblem;

        /// <summary>The buffer the view reads.</summary>
        public byte[] Buffer => _buffer;

        /// <summary>Where the message starts in <see cref="Buffer"/>.</summary>
        public int Offset => _offset;

        /// <summary>The length of the whole message.</summary>
        public int Length => _length;

        /// <summary>The Type field.</summary>
        public byte Type => _buffer[_offset + TypeOffset];

        /// <summary>The Code field.</summary>
        public byte Code => _buffer[_offset + CodeOffset];

        /// <summary>The Checksum field as stored.</summary>
        public ushort Checksum => NetworkOrder.ReadUInt16(_buffer, _offset + ChecksumOffset);

        /// <summary>True when the message carries an identifier and sequence number (see <see cref="IsQueryType"/>).</summary>
        public bool IsQuery => IsQueryType(Type);

        /// <summary>True for an error message that quotes the offending packet (see <see cref="IsErrorType"/>).</summary>
        public bool IsError => IsErrorType(Type);

        /// <summary>True for Destination Unreachable, Fragmentation Needed (type 3 code 4).</summary>
        public bool IsFragmentationNeeded => Type == TypeDestinationUnreachable && Code == CodeFragmentationNeeded;

        /// <summary>The Identifier of a query message (meaningful when <see cref="IsQuery"/>).</summary>
        public ushort Identifier => NetworkOrder.ReadUInt16(_buffer, _offset + IdentifierOffset);

        /// <summary>The Sequence Number of a query message (meaningful when <see cref="IsQuery"/>).</summary>
        public ushort SequenceNumber => NetworkOrder.ReadUInt16(_buffer, _offset + SequenceNumberOffset);

        /// <summary>The Next-Hop MTU of a Fragmentation Needed message (RFC 1191; 0 from old routers).</summary>
        public ushort NextHopMtu => NetworkOrder.ReadUInt16(_buffer, _offset + NextHopMtuOffset);

        /// <summary>The Pointer of a Parameter Problem message.</summary>
        public byte Pointer => _buffer[_offset + PointerOffset];

        /// <summary>The Gateway Internet Address of a Redirect message.</summary>
        public uint GatewayAddress => NetworkOrder.ReadUInt32(_buffer, _offset + GatewayAddressOffset);

        /// <summary>Where the embedded IP header of an error starts in <see cref="Buffer"/>.</summary>
        public int EmbeddedOffset => _offset + EmbeddedPacketOffset;

        /// <summary>The bytes of the message after the header: the embedded packet of an error, the data of an echo.</summary>
        public int EmbeddedLength => _length - EmbeddedPacketOffset;

        /// <summary>Where the data after the 8-byte header starts in <see cref="Buffer"/> (echo data).</summary>
        public int PayloadOffset => _offset + HeaderLength;

        /// <summary>The data length after the 8-byte header.</summary>
        public int PayloadLength => _length - HeaderLength;

        /// <summary>
        /// Parses the IP header an error message quotes, leniently (see <see cref="IPv4Packet.TryParseEmbedded"/>):
        /// its header and 8 bytes of its data must be present. Returns <see cref="WireStatus.UnknownMessageType"/>
        /// when this message is not an error.
        /// </summary>
        public WireStatus TryParseEmbeddedPacket(out IPv4Packet embedded)
        {
            if (!IsError)
            {
                embedded = default(IPv4Packet);
                return WireStatus.UnknownMessageType;
            }

            return IPv4Packet.TryParseEmbedded(_buffer, _offset + EmbeddedPacketOffset, _length - EmbeddedPacketOffset, out embedded);
        }

        /// <summary>True when the whole message sums to all ones.</summary>
        public bool IsChecksumValid() => InternetChecksum.IsValid(_buffer, _offset, _length);

        /// <summary>The checksum the message should carry, computed as if the field were zero.</summary>
        public ushort ComputeChecksum() => InternetChecksum.Fold(InternetChecksum.Add((uint)(~Checksum & 0xFFFF), _buffer, _offset, _length));

        /// <summary>Recomputes and stores the checksum.</summary>
        public void UpdateChecksum() => NetworkOrder.WriteUInt16(_buffer, _offset + ChecksumOffset, ComputeChecksum());

        /// <summary>Writes the Identifier of a query and updates the checksum (RFC 1624).</summary>
        public void SetIdentifierWithChecksumUpdate(ushort identifier) => SetWord(IdentifierOffset, identifier);

        /// <summary>Writes the Sequence Number of a query and updates the checksum (RFC 1624).</summary>
        public void SetSequenceNumberWithChecksumUpdate(ushort sequenceNumber) => SetWord(SequenceNumberOffset, sequenceNumber);

        /// <summary>Writes the Next-Hop MTU of a Fragmentation Needed message and updates the checksum (RFC 1624).</summary>
        public void SetNextHopMtuWithChecksumUpdate(ushort mtu) => SetWord(NextHopMtuOffset, mtu);

        /// <summary>
        /// Updates the checksum for a 16-bit word the caller changed elsewhere in the message (in the
        /// embedded packet), at an even distance from the message start, as ICMP errors' fields are.
        /// </summary>
        public void UpdateChecksumForChange(ushort oldWord, ushort newWord) => NetworkOrder.WriteUInt16(_buffer, _offset + ChecksumOffset, InternetChecksum.Update(Checksum, oldWord, newWord));

        /// <summary>Updates the checksum for a 32-bit value (an embedded address) the caller changed in the message.</summary>
        public void UpdateChecksumForChange(uint oldValue, uint newValue) => NetworkOrder.WriteUInt16(_buffer, _offset + ChecksumOffset, InternetChecksum.Update(Checksum, oldValue, newValue));

        private void SetWord(int fieldOffset, ushort value)
        {
            ushort old = NetworkOrder.ReadUInt16(_buffer, _offset + fieldOffset);
            NetworkOrder.WriteUInt16(_buffer, _offset + fieldOffset, value);
            UpdateChecksumForChange(old, value);
        }
    }
}
