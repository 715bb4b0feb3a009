namespace NanoRouter.Core.Wire
{
    /// <summary>
    /// A view of a TCP segment (RFC 9293) over <c>byte[] buffer, int offset, int length</c>, where
    /// length is the whole segment (the IPv4 payload). <see cref="TryParse"/> is the one validation
    /// step: it requires the 20-byte header and a Data Offset that fits in the bytes. After it
    /// returned <see cref="WireStatus.Ok"/> no accessor can read or write out of bounds; the option
    /// walk checks every option's length against the header end before reading it.
    /// The checksum (over the IPv4 pseudo-header) is not checked by TryParse; ask <see cref="IsChecksumValid"/>.
    /// </summary>
    public struct TcpSegment
    {
        /// <summary>Offset of the 16-bit Source Port.</summary>
        public const int SourcePortOffset = 0;

        /// <summary>Offset of the 16-bit Destination Port.</summary>
        public const int DestinationPortOffset = 2;

        /// <summary>Offset of the 32-bit Sequence Number.</summary>
        public const int SequenceNumberOffset = 4;

        /// <summary>Offset of the 32-bit Acknowledgment Number.</summary>
        public const int AcknowledgmentNumberOffset = 8;

        /// <summary>Offset of the Data Offset byte (high nibble, in 32-bit words).</summary>
        public const int DataOffsetOffset = 12;

        /// <summary>Offset of the flags byte (CWR ECE URG ACK PSH RST SYN FIN).</summary>
        public const int FlagsOffset = 13;

        /// <summary>Offset of the 16-bit Window.</summary>
        public const int WindowOffset = 14;

        /// <summary>Offset of the 16-bit Checksum.</summary>
        public const int ChecksumOffset = 16;

        /// <summary>Offset of the 16-bit Urgent Pointer.</summary>
        public const int UrgentPointerOffset = 18;

        /// <summary>The length of a header without options.</summary>
        public const int MinimumHeaderLength = 20;

        /// <summary>FIN: no more data from sender.</summary>
        public const byte FlagFin = 0x01;

        /// <summary>SYN: synchronize sequence numbers.</summary>
        public const byte FlagSyn = 0x02;

        /// <summary>RST: reset the connection.</summary>
        public const byte FlagRst = 0x04;

        /// <summary>PSH: push function.</summary>
        public const byte FlagPsh = 0x08;

        /// <summary>ACK: the Acknowledgment field is significant.</summary>
        public const byte FlagAck = 0x10;

        /// <summary>URG: the Urgent Pointer field is significant.</summary>
        public const byte FlagUrg = 0x20;

        /// <summary>ECE: ECN-Echo (RFC 3168).</summary>
        public const byte FlagEce = 0x40;

        /// <summary>CWR: Congestion Window Reduced (RFC 3168).</summary>
        public const byte FlagCwr = 0x80;

        /// <summary>Option kind 0: End of Option List.</summary>
        public const byte OptionEndOfList = 0;

        /// <summary>Option kind 1: No-Operation.</summary>
        public const byte OptionNoOperation = 1;

        /// <summary>Option kind 2: Maximum Segment Size (length 4).</summary>
        public const byte OptionMaximumSegmentSize = 2;

        /// <summary>The length of the Maximum Segment Size option.</summary>
        public const int MaximumSegmentSizeOptionLength = 4;

        /// <summary>Option kind 3: Window Scale (length 3, RFC 7323 section 2.2).</summary>
        public const byte OptionWindowScale = 3;

        /// <summary>The length of the Window Scale option.</summary>
        public const int WindowScaleOptionLength = 3;

        /// <summary>The largest shift count RFC 7323 section 2.3 allows; larger ones are used as 14.</summary>
        public const int MaximumWindowScale = 14;

        private readonly byte[] _buffer;
        private readonly int _offset;
        private readonly int _length;

        private TcpSegment(byte[] buffer, int offset, int length)
        {
            _buffer = buffer;
            _offset = offset;
            _length = length;
        }

        /// <summary>Validates a TCP segment: at least 20 bytes, and 5 &lt;= Data Offset with the header inside the bytes.</summary>
        public static WireStatus TryParse(byte[] buffer, int offset, int length, out TcpSegment segment)
        {
            segment = default(TcpSegment);
            if (!WireRange.IsValid(buffer, offset, length))
            {
                return WireStatus.BadRange;
            }

            if (length < MinimumHeaderLength)
            {
                return WireStatus.Truncated;
            }

            int headerLength = (buffer[offset + DataOffsetOffset] >> 4) << 2;
            if (headerLength < MinimumHeaderLength || headerLength > length)
            {
                return WireStatus.BadHeaderLength;
            }

            segment = new TcpSegment(buffer, offset, length);
            return WireStatus.Ok;
        }

        /// <summary>The buffer the view reads.</summary>
        public byte[] Buffer => _buffer;

        /// <summary>Where the segment starts in <see cref="Buffer"/>.</summary>
        public int Offset => _offset;

        /// <summary>The length of the whole segment, header and data.</summary>
        public int Length => _length;

        /// <summary>The Source Port.</summary>
        public ushort SourcePort => NetworkOrder.ReadUInt16(_buffer, _offset + SourcePortOffset);

        /// <summary>The Destination Port.</summary>
        public ushort DestinationPort => NetworkOrder.ReadUInt16(_buffer, _offset + DestinationPortOffset);

        /// <summary>The Sequence Number.</summary>
        public uint SequenceNumber => NetworkOrder.ReadUInt32(_buffer, _offset + SequenceNumberOffset);

        /// <summary>The Acknowledgment Number.</summary>
        public uint AcknowledgmentNumber => NetworkOrder.ReadUInt32(_buffer, _offset + AcknowledgmentNumberOffset);

        /// <summary>The Data Offset field, in 32-bit words.</summary>
        public int DataOffset => _buffer[_offset + DataOffsetOffset] >> 4;

        /// <summary>The header length in bytes, options included.</summary>
        public int HeaderLength => (_buffer[_offset + DataOffsetOffset] >> 4) << 2;

        /// <summary>The flags byte: a combination of the Flag* constants.</summary>
        public byte Flags => _buffer[_offset + FlagsOffset];

        /// <summary>True when every flag in <paramref name="mask"/> is set.</summary>
        public bool HasFlags(byte mask) => (_buffer[_offset + FlagsOffset] & mask) == mask;

        /// <summary>The Window.</summary>
        public ushort Window => NetworkOrder.ReadUInt16(_buffer, _offset + WindowOffset);

        /// <summary>The Checksum field as stored.</summary>
        public ushort Checksum => NetworkOrder.ReadUInt16(_buffer, _offset + ChecksumOffset);

        /// <summary>The Urgent Pointer.</summary>
        public ushort UrgentPointer => NetworkOrder.ReadUInt16(_buffer, _offset + UrgentPointerOffset);

        /// <summary>Where the options start in <see cref="Buffer"/>.</summary>
        public int OptionsOffset => _offset + MinimumHeaderLength;

        /// <summary>The length of the options in bytes.</summary>
        public int OptionsLength => HeaderLength - MinimumHeaderLength;

        /// <summary>Where the data starts in <see cref="Buffer"/>.</summary>
        public int PayloadOffset => _offset + HeaderLength;

        /// <summary>The data length.</summary>
        public int PayloadLength => _length - HeaderLength;

        /// <summary>
        /// Walks the options for the first one of <paramref name="kind"/>: skips No-Operation, stops at
        /// End of Option List, and stops (false) at an option whose length is below 2 or runs past the
        /// header. On success the option (kind byte first) lies inside the header.
        /// </summary>
        public bool TryFindOption(byte kind, out int optionOffset, out int optionLength)
        {
            int end = _offset + HeaderLength;
            int i = _offset + MinimumHeaderLength;
            while (i < end)
            {
                byte current = _buffer[i];
                if (current == OptionEndOfList)
                {
                    break;
                }

                if (current == OptionNoOperation)
                {
                    i++;
                    continue;
                }

                if (i + 1 >= end)
                {
                    break;
                }

                int length = _buffer[i + 1];
                if (length < 2 || length > end - i)
                {
                    break;
                }

                if (current == kind)
                {
                    optionOffset = i;
                    optionLength = length;
                    return true;
                }

                i += length;
            }

            optionOffset = 0;
            optionLength = 0;
            return false;
        }

        /// <summary>Reads the Maximum Segment Size option (kind 2, length 4); false when absent or malformed.</summary>
        public bool TryGetMss(out ushort mss)
        {
            int optionOffset;
            int optionLength;
            if (TryFindOption(OptionMaximumSegmentSize, out optionOffset, out optionLength) && optionLength == MaximumSegmentSizeOptionLength)
            {
                mss = NetworkOrder.ReadUInt16(_buffer, optionOffset + 2);
                return true;
            }

            mss = 0;
            return false;
        }

        /// <summary>Reads the Window Scale option (kind 3, length 3) of a SYN: the shift count, at most
        /// <see cref="MaximumWindowScale"/> (RFC 7323 section 2.3); false when absent or malformed.</summary>
        public bool TryGetWindowScale(out int shift)
        {
            int optionOffset;
            int optionLength;
            if (TryFindOption(OptionWindowScale, out optionOffset, out optionLength) && optionLength == WindowScaleOptionLength)
            {
                shift = _buffer[optionOffset + 2];
                if (shift > MaximumWindowScale)
                {
                    shift = MaximumWindowScale;
                }

                return true;
            }

            shift = 0;
            return false;
        }

        /// <summary>Writes the Maximum Segment Size option's value and updates the checksum; false
        /// (nothing written) when the option is absent or malformed.</summary>
        public bool SetMssWithChecksumUpdate(ushort mss)
        {
            int optionOffset;
            int optionLength;
            if (TryFindOption(OptionMaximumSegmentSize, out optionOffset, out optionLength) && optionLength == MaximumSegmentSizeOptionLength)
            {
                return WriteUInt16WithChecksumUpdate(optionOffset + 2, mss);
            }

            return false;
        }

        /// <summary>
        /// Writes a 16-bit value anywhere inside the segment (a port, an MSS, a PPTP Call ID in the
        /// data) and updates the checksum (RFC 1624), at either byte parity. False, with nothing
        /// written, when the two bytes are not inside the segment.
        /// </summary>
        public bool WriteUInt16WithChecksumUpdate(int bufferOffset, ushort value)
        {
            int relative = bufferOffset - _offset;
            if ((uint)relative > (uint)(_length - 2))
            {
                return false;
            }

            ushort old = NetworkOrder.ReadUInt16(_buffer, bufferOffset);
            NetworkOrder.WriteUInt16(_buffer, bufferOffset, value);
            if ((relative & 1) == 0)
            {
                SetChecksum(InternetChecksum.Update(Checksum, old, value));
            }
            else
            {
                SetChecksum(InternetChecksum.Update(Checksum, SwapBytes(old), SwapBytes(value)));
            }

            return true;
        }

        /// <summary>Writes the Source Port and updates the checksum (RFC 1624).</summary>
        public void SetSourcePortWithChecksumUpdate(ushort port) => SetWord(SourcePortOffset, port);

        /// <summary>Writes the Destination Port and updates the checksum (RFC 1624).</summary>
        public void SetDestinationPortWithChecksumUpdate(ushort port) => SetWord(DestinationPortOffset, port);

        /// <summary>Updates the checksum for an address change in the IPv4 pseudo-header (the
        /// caller rewrote the IP header's source or destination).</summary>
        public void UpdateChecksumForAddressChange(uint oldAddress, uint newAddress) => SetChecksum(InternetChecksum.Update(Checksum, oldAddress, newAddress));

        /// <summary>True when the segment with the IPv4 pseudo-header sums to all ones.</summary>
        public bool IsChecksumValid(uint sourceAddress, uint destinationAddress) => InternetChecksum.Fold(InternetChecksum.Add(InternetChecksum.PseudoHeaderSum(sourceAddress, destinationAddress, IPv4Packet.ProtocolTcp, _length), _buffer, _offset, _length)) == 0;

        /// <summary>The checksum the segment should carry, computed as if the field were zero.</summary>
        public ushort ComputeChecksum(uint sourceAddress, uint destinationAddress) => InternetChecksum.Fold(InternetChecksum.Add(InternetChecksum.PseudoHeaderSum(sourceAddress, destinationAddress, IPv4Packet.ProtocolTcp, _length) + (uint)(~Checksum & 0xFFFF), _buffer, _offset, _length));

        /// <summary>Recomputes and stores the checksum.</summary>
        public void UpdateChecksum(uint sourceAddress, uint destinationAddress) => SetChecksum(ComputeChecksum(sourceAddress, destinationAddress));

        private void SetChecksum(ushort checksum) => NetworkOrder.WriteUInt16(_buffer, _offset + ChecksumOffset, checksum);

        private void SetWord(int fieldOffset, ushort value)
        {
            ushort old = NetworkOrder.ReadUInt16(_buffer, _offset + fieldOffset);
            NetworkOrder.WriteUInt16(_buffer, _offset + fieldOffset, value);
            SetChecksum(InternetChecksum.Update(Checksum, old, value));
        }

        private static ushort SwapBytes(ushort value) => (ushort)((value >> 8) | (value << 8));
    }
}
