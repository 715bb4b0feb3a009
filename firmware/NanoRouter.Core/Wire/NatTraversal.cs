namespace NanoRouter.Core.Wire
{
    /// <summary>What a UDP 4500 payload carries (RFC 3948 section 2, RFC 3947).</summary>
    public enum NatTraversalKind : byte
    {
        /// <summary>None of the forms below: empty, too short, or a bad IKE header after the marker.</summary>
        Malformed,

        /// <summary>A NAT-keepalive: exactly one byte, 0xFF (RFC 3948 section 2.3).</summary>
        Keepalive,

        /// <summary>An IKE message after the four-byte Non-ESP Marker of zeros (RFC 3948 section 2.2).</summary>
        Ike,

        /// <summary>An ESP packet: the first four bytes are its non-zero SPI (RFC 3948 section 2.1).</summary>
        Esp,
    }

    /// <summary>
    /// Classifies UDP-encapsulated IPsec traffic on port 4500 (RFC 3948, negotiated by RFC 3947).
    /// Reads only inside [offset, offset + length) after a range check; never throws.
    /// </summary>
    public static class NatTraversal
    {
        /// <summary>The UDP port of NAT traversal.</summary>
        public const ushort Port = 4500;

        /// <summary>The length of the Non-ESP Marker: four zero bytes where an ESP SPI would be.</summary>
        public const int NonEspMarkerLength = 4;

        /// <summary>The only byte of a NAT-keepalive.</summary>
        public const byte KeepaliveByte = 0xFF;

        /// <summary>Classifies a UDP 4500 payload. For <see cref="NatTraversalKind.Ike"/>, the IKE header starts
        /// <see cref="NonEspMarkerLength"/> bytes in and has passed <see cref="IkeHeader.TryParse"/>; for
        /// <see cref="NatTraversalKind.Esp"/>, the payload has passed <see cref="EspPacket.TryParse"/>.</summary>
        public static NatTraversalKind Classify(byte[] buffer, int offset, int length)
        {
            if (!WireRange.IsValid(buffer, offset, length))
            {
                return NatTraversalKind.Malformed;
            }

            if (length == 1)
            {
                return buffer[offset] == KeepaliveByte ? NatTraversalKind.Keepalive : NatTraversalKind.Malformed;
            }

            if (length < NonEspMarkerLength)
            {
                return NatTraversalKind.Malformed;
            }

            if (NetworkOrder.ReadUInt32(buffer, offset) == 0)
            {
                IkeHeader ike;
                return IkeHeader.TryParse(buffer, offset + NonEspMarkerLength, length - NonEspMarkerLength, out ike) == WireStatus.Ok
                    ? NatTraversalKind.Ike
                    : NatTraversalKind.Malformed;
            }

            EspPacket esp;
            return EspPacket.TryParse(buffer, offset, length, out esp) == WireStatus.Ok ? NatTraversalKind.Esp : NatTraversalKind.Malformed;
        }
    }
}
