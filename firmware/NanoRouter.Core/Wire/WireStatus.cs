namespace NanoRouter.Core.Wire
{
    /// <summary>
    /// The result of a packet view's one validation step. Only <see cref="Ok"/> makes a view usable;
    /// every other value names the first rule the bytes broke. No view throws on any input.
    /// </summary>
    public enum WireStatus : byte
    {
        /// <summary>The bytes form a well-formed header; every accessor is now in bounds.</summary>
        Ok,

        /// <summary>The buffer is null, or offset and length do not lie inside it.</summary>
        BadRange,

        /// <summary>Fewer bytes than the fixed header, or than a length field says are present.</summary>
        Truncated,

        /// <summary>A version field holds a value this view does not implement.</summary>
        BadVersion,

        /// <summary>A header-length field (IPv4 IHL, TCP data offset) is too small or runs past the bytes.</summary>
        BadHeaderLength,

        /// <summary>The IPv4 total length is smaller than the header or larger than the bytes given.</summary>
        BadTotalLength,

        /// <summary>A length field (UDP length, PPTP length, IKE length, GRE payload length) is inconsistent.</summary>
        BadLength,

        /// <summary>A checksum does not verify.</summary>
        BadChecksum,

        /// <summary>Bits or fields the RFC requires a receiver to reject are set.</summary>
        ReservedBitsSet,

        /// <summary>A protocol-type field holds a value the format forbids (GRE v1 must carry PPP, 0x880B).</summary>
        BadProtocolType,

        /// <summary>The PPTP magic cookie is not 0x1A2B3C4D.</summary>
        BadMagicCookie,

        /// <summary>A message-type field names no known message.</summary>
        UnknownMessageType,

        /// <summary>A stream holds only the start of a message (PPTP over TCP): wait for more bytes.</summary>
        Incomplete,

        /// <summary>An ESP Security Parameters Index of zero, which RFC 4303 reserves and never sends.</summary>
        ZeroSecurityParametersIndex,
    }

    /// <summary>The single range check every view starts with (Kestrel's unsigned-compare idiom).</summary>
    internal static class WireRange
    {
        /// <summary>True when buffer is non-null and [offset, offset + length) lies inside it.</summary>
        internal static bool IsValid(byte[] buffer, int offset, int length)
        {
            return buffer != null && (uint)offset <= (uint)buffer.Length && (uint)length <= (uint)(buffer.Length - offset);
        }
    }
}
