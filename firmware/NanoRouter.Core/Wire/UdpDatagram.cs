namespace NanoRouter.Core.Wire
{
    /// <summary>
    /// A view of a UDP datagram (RFC 768) over <c>byte[] buffer, int offset, int length</c>, where
    /// length is the bytes available (the IPv4 payload). <see cref="TryParse"/> is the one validation
    /// step: it requires the 8-byte header and 8 &lt;= Length &lt;= the bytes available; the view then
    /// covers Length bytes. After it returned <see cref="WireStatus.Ok"/> no accessor can read or
    /// write out of bounds. A Checksum of 0 means "none" (RFC 768): the setters keep it 0, and a
    /// computed 0 is sent as 0xFFFF.
    /// </summary>
    public struct UdpDatagram
    {
        /// <summary>Offset of the 16-bit Source Port.</summary>
        public const int SourcePortOffset = 0;

        /// <summary>Offset of the 16-bit Destination Port.</summary>
        public const int DestinationPortOffset = 2;

        /// <summary>Offset of the 16-bit Length (header and data).</summary>
        public const int LengthOffset = 4;

        /// <summary>Offset of the 16-bit Checksum.</summary>
        public const int ChecksumOffset = 6;

        /// <summary>The header length.</summary>
        public const int HeaderLength = 8;

        private readonly byte[] _buffer;
        private readonly int _offset;
        private readonly int _length;

        private UdpDatagram(byte[] buffer, int offset, int length)
        {
            _buffer = buffer;
            _offset = offset;
            _length = length;
        }

        /// <summary>Validates a UDP datagram: at least 8 bytes, and 8 &lt;= Length &lt;= <paramref name="length"/>.</summary>
        public static WireStatus TryParse(byte[] buffer, int offset, int length, out UdpDatagram datagram)
        {
            datagram = default(UdpDatagram);
            if (!WireRange.IsValid(buffer, offset, length))
            {
                return WireStatus.BadRange;
            }

            if (length < HeaderLength)
            {
                return WireStatus.Truncated;
            }

            int udpLength = NetworkOrder.ReadUInt16(buffer, offset + LengthOffset);
            if (udpLength < HeaderLength || udpLength > length)
            {
                return WireStatus.BadLength;
            }

            datagram = new UdpDatagram(buffer, offset, udpLength);
            return WireStatus.Ok;
        }

        /// <summary>The buffer the view reads.</summary>
        public byte[] Buffer => _buffer;

        /// <summary>Where the datagram starts in <see cref="Buffer"/>.</summary>
        public int Offset => _offset;

        /// <summary>The Source Port.</summary>
        public ushort SourcePort => NetworkOrder.ReadUInt16(_buffer, _offset + SourcePortOffset);

        /// <summary>The Destination Port.</summary>
        public ushort DestinationPort => NetworkOrder.ReadUInt16(_buffer, _offset + DestinationPortOffset);

        /// <summary>The Length field: header and data, in bytes (the view's extent).</summary>
        public ushort Length => NetworkOrder.ReadUInt16(_buffer, _offset + LengthOffset);

        /// <summary>The Checksum field as stored; 0 means the sender computed none.</summary>
        public ushort Checksum => NetworkOrder.ReadUInt16(_buffer, _offset + ChecksumOffset);

        /// <summary>True when the sender computed a checksum (the field is not 0).</summary>
        public bool HasChecksum => Checksum != 0;

        /// <summary>Where the data starts in <see cref="Buffer"/>.</summary>
        public int PayloadOffset => _offset + HeaderLength;

        /// <summary>The data length.</summary>
        public int PayloadLength => _length - HeaderLength;

        /// <summary>True when there is no checksum (0), or the datagram with the IPv4 pseudo-header sums to all ones.</summary>
        public bool IsChecksumValid(uint sourceAddress, uint destinationAddress) => Checksum == 0 || InternetChecksum.Fold(InternetChecksum.Add(InternetChecksum.PseudoHeaderSum(sourceAddress, destinationAddress, IPv4Packet.ProtocolUdp, _length), _buffer, _offset, _length)) == 0;

        /// <summary>The checksum the datagram should carry, computed as if the field were zero; a computed 0 is returned as 0xFFFF.</summary>
        public ushort ComputeChecksum(uint sourceAddress, uint destinationAddress) => NonZero(InternetChecksum.Fold(InternetChecksum.Add(InternetChecksum.PseudoHeaderSum(sourceAddress, destinationAddress, IPv4Packet.ProtocolUdp, _length) + (uint)(~Checksum & 0xFFFF), _buffer, _offset, _length)));

        /// <summary>Recomputes and stores the checksum (never 0 afterwards).</summary>
        public void UpdateChecksum(uint sourceAddress, uint destinationAddress) => SetChecksum(ComputeChecksum(sourceAddress, destinationAddress));

        /// <summary>Writes the Source Port and updates the checksum, unless there is none (RFC 1624, RFC 768).</summary>
        public void SetSourcePortWithChecksumUpdate(ushort port) => SetWord(SourcePortOffset, port);

        /// <summary>Writes the Destination Port and updates the checksum, unless there is none (RFC 1624, RFC 768).</summary>
        public void SetDestinationPortWithChecksumUpdate(ushort port) => SetWord(DestinationPortOffset, port);

        /// <summary>Updates the checksum, unless there is none, for an address change in the IPv4 pseudo-header.</summary>
        public void UpdateChecksumForAddressChange(uint oldAddress, uint newAddress) => SetChecksum(InternetChecksum.UpdateUdp(Checksum, oldAddress, newAddress));

        private void SetChecksum(ushort checksum) => NetworkOrder.WriteUInt16(_buffer, _offset + ChecksumOffset, checksum);

        private void SetWord(int fieldOffset, ushort value)
        {
            ushort old = NetworkOrder.ReadUInt16(_buffer, _offset + fieldOffset);
            NetworkOrder.WriteUInt16(_buffer, _offset + fieldOffset, value);
            SetChecksum(InternetChecksum.UpdateUdp(Checksum, old, value));
        }

        private static ushort NonZero(ushort checksum) => checksum == 0 ? (ushort)0xFFFF : checksum;
    }
}
