namespace NanoRouter.Core.Wire
{
    /// <summary>
    /// A view of an IPsec Encapsulating Security Payload packet (RFC 4303 section 2) over
    /// <c>byte[] buffer, int offset, int length</c>: the clear Security Parameters Index and
    /// Sequence Number; the rest is encrypted. <see cref="TryParse"/> is the one validation step: it
    /// requires those 8 bytes and a non-zero SPI. After it returned <see cref="WireStatus.Ok"/> no
    /// accessor can read out of bounds.
    /// </summary>
    public struct EspPacket
    {
        /// <summary>Offset of the 32-bit Security Parameters Index.</summary>
        public const int SecurityParametersIndexOffset = 0;

        /// <summary>Offset of the 32-bit Sequence Number.</summary>
        public const int SequenceNumberOffset = 4;

        /// <summary>The clear header: SPI and Sequence Number.</summary>
        public const int HeaderLength = 8;

        private readonly byte[] _buffer;
        private readonly int _offset;
        private readonly int _length;

        private EspPacket(byte[] buffer, int offset, int length)
        {
            _buffer = buffer;
            _offset = offset;
            _length = length;
        }

        /// <summary>Validates an ESP packet: at least 8 bytes and an SPI other than 0 (reserved, never sent).</summary>
        public static WireStatus TryParse(byte[] buffer, int offset, int length, out EspPacket packet)
        {
            packet = default(EspPacket);
            if (!WireRange.IsValid(buffer, offset, length))
            {
                return WireStatus.BadRange;
            }

            if (length < HeaderLength)
            {
                return WireStatus.Truncated;
            }

            if (NetworkOrder.ReadUInt32(buffer, offset + SecurityParametersIndexOffset) == 0)
            {
                return WireStatus.ZeroSecurityParametersIndex;
            }

            packet = new EspPacket(buffer, offset, length);
            return WireStatus.Ok;
        }

        /// <summary>The buffer the view reads.</summary>
        public byte[] Buffer => _buffer;

        /// <summary>Where the packet starts in <see cref="Buffer"/>.</summary>
        public int Offset => _offset;

        /// <summary>The length of the whole packet.</summary>
        public int Length => _length;

        /// <summary>The Security Parameters Index: chosen by the receiver, it names the security association.</summary>
        public uint SecurityParametersIndex => NetworkOrder.ReadUInt32(_buffer, _offset + SecurityParametersIndexOffset);

        /// <summary>The Sequence Number (low 32 bits when extended sequence numbers are used).</summary>
        public uint SequenceNumber => NetworkOrder.ReadUInt32(_buffer, _offset + SequenceNumberOffset);

        /// <summary>Where the encrypted payload starts in <see cref="Buffer"/>.</summary>
        public int PayloadOffset => _offset + HeaderLength;

        /// <summary>The length of the encrypted payload, trailer and integrity check value.</summary>
        public int PayloadLength => _length - HeaderLength;
    }
}
