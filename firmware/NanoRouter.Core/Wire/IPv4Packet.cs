namespace NanoRouter.Core.Wire
{
    /// <summary>
    /// A view of an IPv4 packet (RFC 791) over <c>byte[] buffer, int offset, int length</c>.
    /// <see cref="TryParse"/> is the one validation step: it checks the version, the Internet Header
    /// Length and the total length against the bytes given. After it returned <see cref="WireStatus.Ok"/>
    /// no accessor can read or write out of bounds, because every field lies inside the header it
    /// checked. Bytes after the total length are link-layer padding and outside the view.
    /// The header checksum is not checked by TryParse; ask <see cref="IsHeaderChecksumValid"/>.
    /// </summary>
    public struct IPv4Packet
    {
        /// <summary>Offset of the Version (high nibble) and Internet Header Length (low nibble) byte.</summary>
        public const int VersionAndHeaderLengthOffset = 0;

        /// <summary>Offset of the Differentiated Services byte (DSCP in the top six bits, ECN in the low two).</summary>
        public const int DifferentiatedServicesOffset = 1;

        /// <summary>Offset of the 16-bit Total Length.</summary>
        public const int TotalLengthOffset = 2;

        /// <summary>Offset of the 16-bit Identification.</summary>
        public const int IdentificationOffset = 4;

        /// <summary>Offset of the 16-bit Flags (top three bits) and Fragment Offset (low 13 bits, in 8-byte units).</summary>
        public const int FlagsAndFragmentOffsetOffset = 6;

        /// <summary>Offset of the Time To Live byte.</summary>
        public const int TimeToLiveOffset = 8;

        /// <summary>Offset of the Protocol byte.</summary>
        public const int ProtocolOffset = 9;

        /// <summary>Offset of the 16-bit Header Checksum.</summary>
        public const int HeaderChecksumOffset = 10;

        /// <summary>Offset of the 32-bit Source Address.</summary>
        public const int SourceAddressOffset = 12;

        /// <summary>Offset of the 32-bit Destination Address.</summary>
        public const int DestinationAddressOffset = 16;

        /// <summary>Option type End of Option List (RFC 791): the rest of the header is padding.</summary>
        public const byte OptionEndOfList = 0;

        /// <summary>Option type No Operation (RFC 791): one byte of alignment.</summary>
        public const byte OptionNoOperation = 1;

        /// <summary>The length of a header without options.</summary>
        public const int MinimumHeaderLength = 20;

        /// <summary>Bytes of the offending datagram's data an ICMP error carries after its IP header (RFC 792).</summary>
        public const int EmbeddedDataLength = 8;

        /// <summary>The Don't Fragment flag within the flags/fragment-offset word.</summary>
        public const ushort DontFragmentFlag = 0x4000;

        /// <summary>The More Fragments flag within the flags/fragment-offset word.</summary>
        public const ushort MoreFragmentsFlag = 0x2000;

        /// <summary>The reserved (evil) bit within the flags/fragment-offset word.</summary>
        public const ushort ReservedFlag = 0x8000;

        /// <summary>The Fragment Offset field's mask within the flags/fragment-offset word.</summary>
        public const ushort FragmentOffsetMask = 0x1FFF;

        /// <summary>IP protocol number of ICMP.</summary>
        public const byte ProtocolIcmp = 1;

        /// <summary>IP protocol number of TCP.</summary>
        public const byte ProtocolTcp = 6;

        /// <summary>IP protocol number of UDP.</summary>
        public const byte ProtocolUdp = 17;

        /// <summary>IP protocol number of GRE.</summary>
        public const byte ProtocolGre = 47;

        /// <summary>IP protocol number of ESP.</summary>
        public const byte ProtocolEsp = 50;

        private readonly byte[] _buffer;
        private readonly int _offset;
        private readonly int _length;

        private IPv4Packet(byte[] buffer, int offset, int length)
        {
            _buffer = buffer;
            _offset = offset;
            _length = length;
        }

        /// <summary>
        /// Validates an IPv4 packet: at least 20 bytes, version 4, 5 &lt;= IHL, header within the
        /// bytes, header length &lt;= total length &lt;= <paramref name="length"/>.
        /// </summary>
        public static WireStatus TryParse(byte[] buffer, int offset, int length, out IPv4Packet packet)
        {
            packet = default(IPv4Packet);
            if (!WireRange.IsValid(buffer, offset, length))
            {
                return WireStatus.BadRange;
            }

            if (length < MinimumHeaderLength)
            {
                return WireStatus.Truncated;
            }

            if ((buffer[offset] >> 4) != 4)
            {
                return WireStatus.BadVersion;
            }

            int headerLength = (buffer[offset] & 0x0F) << 2;
            if (headerLength < MinimumHeaderLength || headerLength > length)
            {
                return WireStatus.BadHeaderLength;
            }

            int totalLength = NetworkOrder.ReadUInt16(buffer, offset + TotalLengthOffset);
            if (totalLength < headerLength || totalLength > length)
            {
                return WireStatus.BadTotalLength;
            }

            packet = new IPv4Packet(buffer, offset, totalLength);
            return WireStatus.Ok;
        }

        /// <summary>
        /// Validates the IP header embedded in an ICMP error, leniently: the header and at least
        /// <see cref="EmbeddedDataLength"/> bytes after it must be present, but its total length may
        /// exceed what the error quoted. The view then covers only the bytes present
        /// (<see cref="PayloadLength"/> counts those), while <see cref="TotalLength"/> still reports the field.
        /// </summary>
        public static WireStatus TryParseEmbedded(byte[] buffer, int offset, int length, out IPv4Packet packet)
        {
            packet = default(IPv4Packet);
            if (!WireRange.IsValid(buffer, offset, length))
            {
                return WireStatus.BadRange;
            }

            if (length < MinimumHeaderLength)
            {
                return WireStatus.Truncated;
            }

            if ((buffer[offset] >> 4) != 4)
            {
                return WireStatus.BadVersion;
            }

            int headerLength = (buffer[offset] & 0x0F) << 2;
            if (headerLength < MinimumHeaderLength || headerLength > length)
            {
                return WireStatus.BadHeaderLength;
            }

            int totalLength = NetworkOrder.ReadUInt16(buffer, offset + TotalLengthOffset);
            if (totalLength < headerLength + EmbeddedDataLength)
            {
                return WireStatus.BadTotalLength;
            }

            if (length < headerLength + EmbeddedDataLength)
            {
                return WireStatus.Truncated;
            }

            packet = new IPv4Packet(buffer, offset, totalLength < length ? totalLength : length);
            return WireStatus.Ok;
        }

        /// <summary>The buffer the view reads.</summary>
        public byte[] Buffer => _buffer;

        /// <summary>Where the packet starts in <see cref="Buffer"/>.</summary>
        public int Offset => _offset;

        /// <summary>The bytes the view covers: the total length (or, for an embedded header, what is present of it).</summary>
        public int Length => _length;

        /// <summary>The IP version: always 4 after a successful parse.</summary>
        public int Version => _buffer[_offset + VersionAndHeaderLengthOffset] >> 4;

        /// <summary>The Internet Header Length field, in 32-bit words.</summary>
        public int InternetHeaderLength => _buffer[_offset + VersionAndHeaderLengthOffset] & 0x0F;

        /// <summary>The header length in bytes, options included.</summary>
        public int HeaderLength => (_buffer[_offset + VersionAndHeaderLengthOffset] & 0x0F) << 2;

        /// <summary>The length of the options in bytes (0 without options).</summary>
        public int OptionsLength => HeaderLength - MinimumHeaderLength;

        /// <summary>The whole Differentiated Services byte (formerly Type of Service).</summary>
        public byte DifferentiatedServicesField => _buffer[_offset + DifferentiatedServicesOffset];

        /// <summary>The Differentiated Services Code Point (RFC 2474): the top six bits.</summary>
        public int DifferentiatedServicesCodePoint => _buffer[_offset + DifferentiatedServicesOffset] >> 2;

        /// <summary>The Explicit Congestion Notification bits (RFC 3168): the low two bits.</summary>
        public int ExplicitCongestionNotification => _buffer[_offset + DifferentiatedServicesOffset] & 0x03;

        /// <summary>The Total Length field: header plus data, in bytes.</summary>
        public ushort TotalLength => NetworkOrder.ReadUInt16(_buffer, _offset + TotalLengthOffset);

        /// <summary>The Identification field.</summary>
        public ushort Identification => NetworkOrder.ReadUInt16(_buffer, _offset + IdentificationOffset);

        /// <summary>The raw flags and fragment offset word.</summary>
        public ushort FlagsAndFragmentOffset => NetworkOrder.ReadUInt16(_buffer, _offset + FlagsAndFragmentOffsetOffset);

        /// <summary>True when the Don't Fragment flag is set.</summary>
        public bool DontFragment => (FlagsAndFragmentOffset & DontFragmentFlag) != 0;

        /// <summary>True when the More Fragments flag is set.</summary>
        public bool MoreFragments => (FlagsAndFragmentOffset & MoreFragmentsFlag) != 0;

        /// <summary>The Fragment Offset field as sent, in 8-byte units.</summary>
        public int FragmentOffsetRaw => FlagsAndFragmentOffset & FragmentOffsetMask;

        /// <summary>The fragment offset in bytes.</summary>
        public int FragmentOffset => (FlagsAndFragmentOffset & FragmentOffsetMask) << 3;

        /// <summary>True when this packet is a fragment: More Fragments set or a non-zero fragment offset.</summary>
        public bool IsFragment => (FlagsAndFragmentOffset & (MoreFragmentsFlag | FragmentOffsetMask)) != 0;

        /// <summary>True for the first fragment of a fragmented datagram (More Fragments set, offset 0).</summary>
        public bool IsFirstFragment => (FlagsAndFragmentOffset & (MoreFragmentsFlag | FragmentOffsetMask)) == MoreFragmentsFlag;

        /// <summary>True when the payload starts with the transport header: offset 0 (unfragmented or first fragment).</summary>
        public bool HasTransportHeader => (FlagsAndFragmentOffset & FragmentOffsetMask) == 0;

        /// <summary>The Time To Live field.</summary>
        public byte TimeToLive => _buffer[_offset + TimeToLiveOffset];

        /// <summary>The Protocol field (see the Protocol* constants).</summary>
        public byte Protocol => _buffer[_offset + ProtocolOffset];

        /// <summary>The Header Checksum field as stored.</summary>
        public ushort HeaderChecksum => NetworkOrder.ReadUInt16(_buffer, _offset + HeaderChecksumOffset);

        /// <summary>The Source Address, big-endian (192.168.4.1 is 0xC0A80401).</summary>
        public uint SourceAddress => NetworkOrder.ReadUInt32(_buffer, _offset + SourceAddressOffset);

        /// <summary>The Destination Address, big-endian.</summary>
        public uint DestinationAddress => NetworkOrder.ReadUInt32(_buffer, _offset + DestinationAddressOffset);

        /// <summary>Where the options start in <see cref="Buffer"/>.</summary>
        public int OptionsOffset => _offset + MinimumHeaderLength;

        /// <summary>
        /// True when the header carries an option other than End of Option List (type 0, which ends
        /// the list: what follows is padding) and No Operation (type 1), RFC 791 section 3.1. Reads only
        /// option type bytes inside the header.
        /// </summary>
        public bool HasOptions
        {
            get
            {
                int end = _offset + HeaderLength;
                for (int i = _offset + MinimumHeaderLength; i < end; i++)
                {
                    byte type = _buffer[i];
                    if (type == OptionEndOfList)
                    {
                        return false;
                    }

                    if (type != OptionNoOperation)
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        /// <summary>Where the payload (the transport header, or fragment data) starts in <see cref="Buffer"/>.</summary>
        public int PayloadOffset => _offset + HeaderLength;

        /// <summary>The payload length: total length minus header length (for an embedded header, the bytes present).</summary>
        public int PayloadLength => _length - HeaderLength;

        /// <summary>True when the header, options included, sums to all ones.</summary>
        public bool IsHeaderChecksumValid() => InternetChecksum.IsValid(_buffer, _offset, HeaderLength);

        /// <summary>The header checksum the header should carry, computed as if the field were zero.</summary>
        public ushort ComputeHeaderChecksum() => InternetChecksum.Fold(InternetChecksum.Add((uint)(~HeaderChecksum & 0xFFFF), _buffer, _offset, HeaderLength));

        /// <summary>Recomputes and stores the header checksum.</summary>
        public void UpdateHeaderChecksum() => NetworkOrder.WriteUInt16(_buffer, _offset + HeaderChecksumOffset, ComputeHeaderChecksum());

        /// <summary>Writes the Source Address and updates the header checksum (RFC 1624). Transport
        /// checksums cover the address too: update them with the transport view.</summary>
        public void SetSourceAddressWithChecksumUpdate(uint address) => SetAddress(SourceAddressOffset, address);

        /// <summary>Writes the Destination Address and updates the header checksum (RFC 1624).</summary>
        public void SetDestinationAddressWithChecksumUpdate(uint address) => SetAddress(DestinationAddressOffset, address);

        /// <summary>Writes the Time To Live and updates the header checksum (RFC 1624).</summary>
        public void SetTimeToLiveWithChecksumUpdate(byte timeToLive) => SetWord(TimeToLiveOffset, (ushort)((timeToLive << 8) | Protocol));

        /// <summary>Writes the Identification and updates the header checksum (RFC 1624).</summary>
        public void SetIdentificationWithChecksumUpdate(ushort identification) => SetWord(IdentificationOffset, identification);

        /// <summary>Writes the flags and fragment offset word and updates the header checksum (RFC 1624).</summary>
        public void SetFlagsAndFragmentOffsetWithChecksumUpdate(ushort value) => SetWord(FlagsAndFragmentOffsetOffset, value);

        private void SetAddress(int fieldOffset, uint address)
        {
            uint old = NetworkOrder.ReadUInt32(_buffer, _offset + fieldOffset);
            NetworkOrder.WriteUInt32(_buffer, _offset + fieldOffset, address);
            NetworkOrder.WriteUInt16(_buffer, _offset + HeaderChecksumOffset, InternetChecksum.Update(HeaderChecksum, old, address));
        }

        private void SetWord(int fieldOffset, ushort value)
        {
            ushort old = NetworkOrder.ReadUInt16(_buffer, _offset + fieldOffset);
            NetworkOrder.WriteUInt16(_buffer, _offset + fieldOffset, value);
            NetworkOrder.WriteUInt16(_buffer, _offset + HeaderChecksumOffset, InternetChecksum.Update(HeaderChecksum, old, value));
        }
    }
}
