namespace NanoRouter.Core.Wire
{
    /// <summary>
    /// A view of a GRE header over <c>byte[] buffer, int offset, int length</c>: version 0 (RFC 2784
    /// with the Key and Sequence Number extensions of RFC 2890) and version 1, the enhanced GRE of
    /// PPTP (RFC 2637 section 4.1). <see cref="TryParse"/> is the one validation step: it checks the
    /// version, the bits each RFC tells a receiver to reject, the header length implied by the flags,
    /// and for version 1 the protocol type and payload length. After it returned
    /// <see cref="WireStatus.Ok"/> no accessor can read or write out of bounds: an optional field is
    /// read only when its flag is set, and the flags decided the header length TryParse checked.
    /// </summary>
    public struct GrePacket
    {
        /// <summary>Offset of the first flags byte (C, R, K, S, s, Recur).</summary>
        public const int FlagsOffset = 0;

        /// <summary>Offset of the second flags byte (A in version 1) with the Version in its low three bits.</summary>
        public const int FlagsAndVersionOffset = 1;

        /// <summary>Offset of the 16-bit Protocol Type (an EtherType).</summary>
        public const int ProtocolTypeOffset = 2;

        /// <summary>Offset of the optional fields: Checksum and Reserved1 (v0, when C), else the Key.</summary>
        public const int OptionalFieldsOffset = 4;

        /// <summary>Offset of the 16-bit Payload Length of version 1 (the Key field's high half).</summary>
        public const int PayloadLengthOffset = 4;

        /// <summary>Offset of the 16-bit Call ID of version 1 (the Key field's low half).</summary>
        public const int CallIdOffset = 6;

        /// <summary>The fixed part of the header: flags, version and protocol type.</summary>
        public const int MinimumHeaderLength = 4;

        /// <summary>The length of the version 1 header without sequence or acknowledgment numbers.</summary>
        public const int EnhancedHeaderLength = 8;

        /// <summary>Checksum Present (C), first byte.</summary>
        public const byte FlagChecksum = 0x80;

        /// <summary>Routing Present (R, RFC 1701), first byte: must be 0.</summary>
        public const byte FlagRouting = 0x40;

        /// <summary>Key Present (K), first byte.</summary>
        public const byte FlagKey = 0x20;

        /// <summary>Sequence Number Present (S), first byte.</summary>
        public const byte FlagSequence = 0x10;

        /// <summary>Strict Source Route (s, RFC 1701), first byte: must be 0.</summary>
        public const byte FlagStrictSourceRoute = 0x08;

        /// <summary>The Recursion Control bits (RFC 1701), first byte: must be 0.</summary>
        public const byte RecursionControlMask = 0x07;

        /// <summary>Acknowledgment Sequence Number Present (A, version 1), second byte.</summary>
        public const byte FlagAcknowledgment = 0x80;

        /// <summary>The Version bits, second byte.</summary>
        public const byte VersionMask = 0x07;

        /// <summary>Version 1's Flags bits between A and Version: must be 0.</summary>
        public const byte EnhancedReservedMask = 0x78;

        /// <summary>The Protocol Type version 1 must carry: PPP.</summary>
        public const ushort ProtocolTypePpp = 0x880B;

        /// <summary>Protocol Type of IPv4.</summary>
        public const ushort ProtocolTypeIPv4 = 0x0800;

        private readonly byte[] _buffer;
        private readonly int _offset;
        private readonly int _length;

        private GrePacket(byte[] buffer, int offset, int length)
        {
            _buffer = buffer;
            _offset = offset;
            _length = length;
        }

        /// <summary>
        /// Validates a GRE header. Version 0: R, s and Recur must be 0 (RFC 2784 section 2.3 has a
        /// receiver discard packets with bits 1-5 set, RFC 2890 then defines K and S). Version 1: C, R,
        /// s and Recur 0, K set, the flag bits between A and Version 0, Protocol Type 0x880B, and the
        /// Payload Length within the bytes. Other versions: <see cref="WireStatus.BadVersion"/>.
        /// </summary>
        public static WireStatus TryParse(byte[] buffer, int offset, int length, out GrePacket packet)
        {
            packet = default(GrePacket);
            if (!WireRange.IsValid(buffer, offset, length))
            {
                return WireStatus.BadRange;
            }

            if (length < MinimumHeaderLength)
            {
                return WireStatus.Truncated;
            }

            byte flags = buffer[offset + FlagsOffset];
            byte flagsAndVersion = buffer[offset + FlagsAndVersionOffset];
            int version = flagsAndVersion & VersionMask;
            if (version > 1)
            {
                return WireStatus.BadVersion;
            }

            if ((flags & (FlagRouting | FlagStrictSourceRoute | RecursionControlMask)) != 0)
            {
                return WireStatus.ReservedBitsSet;
            }

            if (version == 0)
            {
                if (length < HeaderLengthOf(flags, flagsAndVersion))
                {
                    return WireStatus.Truncated;
                }

                packet = new GrePacket(buffer, offset, length);
                return WireStatus.Ok;
            }

            if ((flags & (FlagChecksum | FlagKey)) != FlagKey || (flagsAndVersion & EnhancedReservedMask) != 0)
            {
                return WireStatus.ReservedBitsSet;
            }

            if (NetworkOrder.ReadUInt16(buffer, offset + ProtocolTypeOffset) != ProtocolTypePpp)
            {
                return WireStatus.BadProtocolType;
            }

            int headerLength = HeaderLengthOf(flags, flagsAndVersion);
            if (length < headerLength)
            {
                return WireStatus.Truncated;
            }

            if (NetworkOrder.ReadUInt16(buffer, offset + PayloadLengthOffset) > length - headerLength)
            {
                return WireStatus.BadLength;
            }

            packet = new GrePacket(buffer, offset, length);
            return WireStatus.Ok;
        }

        private static int HeaderLengthOf(byte flags, byte flagsAndVersion)
        {
            int length = MinimumHeaderLength;
            if ((flags & FlagChecksum) != 0)
            {
                length += 4;
            }

            if ((flags & FlagKey) != 0)
            {
                length += 4;
            }

            if ((flags & FlagSequence) != 0)
            {
                length += 4;
            }

            if ((flagsAndVersion & FlagAcknowledgment) != 0 && (flagsAndVersion & VersionMask) == 1)
            {
                length += 4;
            }

            return length;
        }

        /// <summary>The buffer the view reads.</summary>
        public byte[] Buffer => _buffer;

        /// <summary>Where the header starts in <see cref="Buffer"/>.</summary>
        public int Offset => _offset;

        /// <summary>The length of the whole packet, header and payload.</summary>
        public int Length => _length;

        /// <summary>The Version: 0 (RFC 2784) or 1 (enhanced GRE, RFC 2637).</summary>
        public int Version => _buffer[_offset + FlagsAndVersionOffset] & VersionMask;

        /// <summary>True when the Checksum field is present (C; version 0 only).</summary>
        public bool ChecksumPresent => (_buffer[_offset + FlagsOffset] & FlagChecksum) != 0;

        /// <summary>True when the Key field is present (K; always in version 1, where it holds payload length and Call ID).</summary>
        public bool KeyPresent => (_buffer[_offset + FlagsOffset] & FlagKey) != 0;

        /// <summary>True when the Sequence Number field is present (S).</summary>
        public bool SequenceNumberPresent => (_buffer[_offset + FlagsOffset] & FlagSequence) != 0;

        /// <summary>True when the Acknowledgment Number field is present (A; version 1 only).</summary>
        public bool AcknowledgmentNumberPresent => Version == 1 && (_buffer[_offset + FlagsAndVersionOffset] & FlagAcknowledgment) != 0;

        /// <summary>The Protocol Type: the EtherType of the payload (0x880B, PPP, in version 1).</summary>
        public ushort ProtocolType => NetworkOrder.ReadUInt16(_buffer, _offset + ProtocolTypeOffset);

        /// <summary>The header length implied by the flags.</summary>
        public int HeaderLength => HeaderLengthOf(_buffer[_offset + FlagsOffset], _buffer[_offset + FlagsAndVersionOffset]);

        /// <summary>Where the payload starts in <see cref="Buffer"/>.</summary>
        public int PayloadOffset => _offset + HeaderLength;

        /// <summary>The payload bytes present after the header (version 1: compare <see cref="EnhancedPayloadLength"/>).</summary>
        public int PayloadLength => _length - HeaderLength;

        /// <summary>The Checksum of version 0 when <see cref="ChecksumPresent"/>, else 0.</summary>
        public ushort Checksum => ChecksumPresent ? NetworkOrder.ReadUInt16(_buffer, _offset + OptionalFieldsOffset) : (ushort)0;

        /// <summary>Where the Key starts in <see cref="Buffer"/> (after the checksum words when present).</summary>
        private int KeyOffset => _offset + OptionalFieldsOffset + (ChecksumPresent ? 4 : 0);

        /// <summary>Where the Sequence Number starts in <see cref="Buffer"/>.</summary>
        private int SequenceNumberOffset => KeyOffset + (KeyPresent ? 4 : 0);

        /// <summary>Where the Acknowledgment Number starts in <see cref="Buffer"/>.</summary>
        private int AcknowledgmentNumberOffset => SequenceNumberOffset + (SequenceNumberPresent ? 4 : 0);

        /// <summary>The Key of version 0; false when absent or when this is version 1.</summary>
        public bool TryGetKey(out uint key)
        {
            bool present = Version == 0 && KeyPresent;
            key = present ? NetworkOrder.ReadUInt32(_buffer, KeyOffset) : 0;
            return present;
        }

        /// <summary>The Sequence Number; false when absent.</summary>
        public bool TryGetSequenceNumber(out uint sequenceNumber)
        {
            bool present = SequenceNumberPresent;
            sequenceNumber = present ? NetworkOrder.ReadUInt32(_buffer, SequenceNumberOffset) : 0;
            return present;
        }

        /// <summary>The Acknowledgment Number of version 1; false when absent.</summary>
        public bool TryGetAcknowledgmentNumber(out uint acknowledgmentNumber)
        {
            bool present = AcknowledgmentNumberPresent;
            acknowledgmentNumber = present ? NetworkOrder.ReadUInt32(_buffer, AcknowledgmentNumberOffset) : 0;
            return present;
        }

        /// <summary>The Payload Length of version 1 (the PPP payload, header excluded); 0 for version 0.</summary>
        public ushort EnhancedPayloadLength => Version == 1 ? NetworkOrder.ReadUInt16(_buffer, _offset + PayloadLengthOffset) : (ushort)0;

        /// <summary>The Call ID of version 1 (the peer's, which the receiver chose); 0 for version 0.</summary>
        public ushort CallId => Version == 1 ? NetworkOrder.ReadUInt16(_buffer, _offset + CallIdOffset) : (ushort)0;

        /// <summary>Where the Call ID of version 1 lies in <see cref="Buffer"/>.</summary>
        public int CallIdBufferOffset => _offset + CallIdOffset;

        /// <summary>Writes the Call ID of version 1 (which has no checksum); false, nothing written, for version 0.</summary>
        public bool SetCallId(ushort callId)
        {
            if (Version != 1)
            {
                return false;
            }

            NetworkOrder.WriteUInt16(_buffer, _offset + CallIdOffset, callId);
            return true;
        }

        /// <summary>Writes the Key of version 0 and, when the Checksum is present, updates it (RFC 1624);
        /// false, nothing written, when there is no key or this is version 1.</summary>
        public bool SetKeyWithChecksumUpdate(uint key)
        {
            uint old;
            if (!TryGetKey(out old))
            {
                return false;
            }

            NetworkOrder.WriteUInt32(_buffer, KeyOffset, key);
            if (ChecksumPresent)
            {
                NetworkOrder.WriteUInt16(_buffer, _offset + OptionalFieldsOffset, InternetChecksum.Update(Checksum, old, key));
            }

            return true;
        }

        /// <summary>True when there is no Checksum, or the header and payload sum to all ones (RFC 2784).</summary>
        public bool IsChecksumValid() => !ChecksumPresent || InternetChecksum.IsValid(_buffer, _offset, _length);

        /// <summary>The checksum over header and payload, computed as if the field were zero; 0 when there is none.</summary>
        public ushort ComputeChecksum() => ChecksumPresent ? InternetChecksum.Fold(InternetChecksum.Add((uint)(~Checksum & 0xFFFF), _buffer, _offset, _length)) : (ushort)0;
    }
}
