namespace NanoRouter.Core.Wire
{
    /// <summary>
    /// A view of the IKE header (IKEv2, RFC 7296 section 3.1; IKEv1/ISAKMP, RFC 2408 section 3.1,
    /// has the same layout) over <c>byte[] buffer, int offset, int length</c>. <see cref="TryParse"/>
    /// is the one validation step: it requires the 28-byte header, major version 1 or 2, and
    /// 28 &lt;= Length &lt;= the bytes given. After it returned <see cref="WireStatus.Ok"/> no accessor
    /// can read out of bounds. The 64-bit SPIs are exposed as high and low 32-bit halves.
    /// </summary>
    public struct IkeHeader
    {
        /// <summary>Offset of the 64-bit IKE SA Initiator's SPI (ISAKMP: Initiator Cookie).</summary>
        public const int InitiatorSpiOffset = 0;

        /// <summary>Offset of the 64-bit IKE SA Responder's SPI (ISAKMP: Responder Cookie).</summary>
        public const int ResponderSpiOffset = 8;

        /// <summary>Offset of the Next Payload byte.</summary>
        public const int NextPayloadOffset = 16;

        /// <summary>Offset of the version byte: Major Version in the high nibble, Minor in the low.</summary>
        public const int VersionOffset = 17;

        /// <summary>Offset of the Exchange Type byte.</summary>
        public const int ExchangeTypeOffset = 18;

        /// <summary>Offset of the Flags byte.</summary>
        public const int FlagsOffset = 19;

        /// <summary>Offset of the 32-bit Message ID.</summary>
        public const int MessageIdOffset = 20;

        /// <summary>Offset of the 32-bit Length of the whole message, header included.</summary>
        public const int LengthOffset = 24;

        /// <summary>The header length.</summary>
        public const int HeaderLength = 28;

        /// <summary>The UDP port of IKE.</summary>
        public const ushort Port = 500;

        /// <summary>IKEv1 exchange type 2: Identity Protection (Main Mode).</summary>
        public const byte ExchangeIdentityProtection = 2;

        /// <summary>IKEv1 exchange type 4: Aggressive Mode.</summary>
        public const byte ExchangeAggressive = 4;

        /// <summary>IKEv1 exchange type 5: Informational.</summary>
        public const byte ExchangeInformationalV1 = 5;

        /// <summary>IKEv1 exchange type 32: Quick Mode (RFC 2409).</summary>
        public const byte ExchangeQuickMode = 32;

        /// <summary>IKEv2 exchange type 34: IKE_SA_INIT.</summary>
        public const byte ExchangeIkeSaInit = 34;

        /// <summary>IKEv2 exchange type 35: IKE_AUTH.</summary>
        public const byte ExchangeIkeAuth = 35;

        /// <summary>IKEv2 exchange type 36: CREATE_CHILD_SA.</summary>
        public const byte ExchangeCreateChildSa = 36;

        /// <summary>IKEv2 exchange type 37: INFORMATIONAL.</summary>
        public const byte ExchangeInformational = 37;

        /// <summary>IKEv2 flag I (Initiator): set by the original initiator of the IKE SA.</summary>
        public const byte FlagInitiator = 0x08;

        /// <summary>IKEv2 flag V (Version): the sender can speak a higher major version.</summary>
        public const byte FlagVersion = 0x10;

        /// <summary>IKEv2 flag R (Response): this message answers one with the same Message ID.</summary>
        public const byte FlagResponse = 0x20;

        private readonly byte[] _buffer;
        private readonly int _offset;

        private IkeHeader(byte[] buffer, int offset)
        {
            _buffer = buffer;
            _offset = offset;
        }

        /// <summary>Validates an IKE header: 28 bytes, major version 1 or 2, 28 &lt;= Length &lt;= <paramref name="length"/>.</summary>
        public static WireStatus TryParse(byte[] buffer, int offset, int length, out IkeHeader header)
        {
            header = default(IkeHeader);
            if (!WireRange.IsValid(buffer, offset, length))
            {
                return WireStatus.BadRange;
            }

            if (length < HeaderLength)
            {
                return WireStatus.Truncated;
            }

            int major = buffer[offset + VersionOffset] >> 4;
            if (major != 1 && major != 2)
            {
                return WireStatus.BadVersion;
            }

            uint messageLength = NetworkOrder.ReadUInt32(buffer, offset + LengthOffset);
            if (messageLength < HeaderLength)
            {
                return WireStatus.BadLength;
            }

            if (messageLength > (uint)length)
            {
                return WireStatus.Truncated;
            }

            header = new IkeHeader(buffer, offset);
            return WireStatus.Ok;
        }

        /// <summary>The buffer the view reads.</summary>
        public byte[] Buffer => _buffer;

        /// <summary>Where the header starts in <see cref="Buffer"/>.</summary>
        public int Offset => _offset;

        /// <summary>The high 32 bits of the Initiator's SPI.</summary>
        public uint InitiatorSpiHigh => NetworkOrder.ReadUInt32(_buffer, _offset + InitiatorSpiOffset);

        /// <summary>The low 32 bits of the Initiator's SPI.</summary>
        public uint InitiatorSpiLow => NetworkOrder.ReadUInt32(_buffer, _offset + InitiatorSpiOffset + 4);

        /// <summary>The high 32 bits of the Responder's SPI.</summary>
        public uint ResponderSpiHigh => NetworkOrder.ReadUInt32(_buffer, _offset + ResponderSpiOffset);

        /// <summary>The low 32 bits of the Responder's SPI.</summary>
        public uint ResponderSpiLow => NetworkOrder.ReadUInt32(_buffer, _offset + ResponderSpiOffset + 4);

        /// <summary>True when the Responder's SPI is zero: the first message of an exchange.</summary>
        public bool ResponderSpiIsZero => (ResponderSpiHigh | ResponderSpiLow) == 0;

        /// <summary>The Next Payload type.</summary>
        public byte NextPayload => _buffer[_offset + NextPayloadOffset];

        /// <summary>The Major Version: 2 for IKEv2, 1 for IKEv1/ISAKMP.</summary>
        public int MajorVersion => _buffer[_offset + VersionOffset] >> 4;

        /// <summary>The Minor Version.</summary>
        public int MinorVersion => _buffer[_offset + VersionOffset] & 0x0F;

        /// <summary>The Exchange Type (see the Exchange* constants).</summary>
        public byte ExchangeType => _buffer[_offset + ExchangeTypeOffset];

        /// <summary>The Flags byte.</summary>
        public byte Flags => _buffer[_offset + FlagsOffset];

        /// <summary>True when the IKEv2 Initiator flag is set.</summary>
        public bool IsInitiator => (_buffer[_offset + FlagsOffset] & FlagInitiator) != 0;

        /// <summary>True when the IKEv2 Response flag is set.</summary>
        public bool IsResponse => (_buffer[_offset + FlagsOffset] & FlagResponse) != 0;

        /// <summary>The Message ID.</summary>
        public uint MessageId => NetworkOrder.ReadUInt32(_buffer, _offset + MessageIdOffset);

        /// <summary>The Length of the whole message, header included.</summary>
        public uint Length => NetworkOrder.ReadUInt32(_buffer, _offset + LengthOffset);
    }
}
