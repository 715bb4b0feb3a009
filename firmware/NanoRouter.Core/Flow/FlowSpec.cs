using NanoRouter.Core.Wire;

namespace NanoRouter.Core.Flow
{
    /// <summary>
    /// The native flow spec, byte for byte as dataplane/include/nr_flow.h lays it out (nr_flow_spec,
    /// 24 bytes): what one offloaded flow matches and what the data thread writes. A view over
    /// <see cref="Bytes"/> bytes at index 0 of a caller-owned buffer, written field by field before
    /// <c>IFlowPath.Install</c>; never boxed. The buffer must hold at least <see cref="Bytes"/>
    /// bytes: the constructor is the one bounds check, after which no setter writes outside them.
    /// <para>
    /// Byte order: "wire" fields are the packet's bytes as they are, which is the managed side's wire
    /// form (the number BitConverter reads on a little-endian CPU) written little-endian; "le" fields
    /// are little-endian integers. Both boards are little-endian (the C header refuses anything else).
    /// </para>
    /// <code>
    /// off len order  field
    ///   0   4 wire   remote     the remote address (out: destination, in: source)
    ///   4   2 le     last_seen  the engine's 16-bit seconds of the last packet forwarded
    ///   6   1        host       the LAN host: the last byte of its address
    ///   7   1        kind       bits 0-2 the kind, bit 4 match out (LAN to WAN), bit 5 match in
    ///   TCP (1):  8 port[0] LAN port (wire), 10 port[1] external port (wire),
    ///             12 ack[0], 16 ack[1] (le: the LAN host's and the remote's RCV.NXT),
    ///             20 window[0], 22 window[1] (le, unscaled)
    ///   UDP (2), ICMP echo (3): 8 id[0] LAN port / identifier, 10 id[1] external one (wire),
    ///             12 0, 16 packets[0] out, 20 packets[1] in (le)
    ///   ESP (4), GRE v0 keyed (5), keyless (6): 8 id[0] outbound SPI / key, 12 id[1] inbound
    ///             SPI / key (wire; 0 for keyless), 16 packets[0], 20 packets[1]
    ///   PPTP GRE v1 (7): 8 id[0] the server's call ID, 10 id[1] the external call ID, 12 the
    ///             client's own call ID (wire), 14 0, 16 packets[0], 20 packets[1]
    /// </code>
    /// </summary>
    public struct FlowSpec
    {
        /// <summary>Bytes of a spec (NR_FLOW_SPEC_BYTES).</summary>
        public const int Bytes = 24;

        /// <summary>Bytes one flow costs in the native table, its hash buckets included (NR_FLOW_BYTES_PER_FLOW).</summary>
        public const int NativeBytesPerFlow = 32;

        /// <summary>Kind: TCP (NR_FLOW_KIND_TCP).</summary>
        public const byte KindTcp = 1;

        /// <summary>Kind: UDP.</summary>
        public const byte KindUdp = 2;

        /// <summary>Kind: ICMP echo (request out, reply in).</summary>
        public const byte KindIcmp = 3;

        /// <summary>Kind: IPsec ESP by SPI.</summary>
        public const byte KindEsp = 4;

        /// <summary>Kind: GRE version 0 with a key.</summary>
        public const byte KindGre = 5;

        /// <summary>Kind: GRE version 0 without a key.</summary>
        public const byte KindGreKeyless = 6;

        /// <summary>Kind: PPTP's enhanced GRE (version 1) by call ID.</summary>
        public const byte KindPptp = 7;

        /// <summary>Match LAN-to-WAN packets (NR_FLOW_MATCH_OUT).</summary>
        public const byte MatchOut = 0x10;

        /// <summary>Match WAN-to-LAN packets (NR_FLOW_MATCH_IN).</summary>
        public const byte MatchIn = 0x20;

        /// <summary>Offset of the remote address (wire).</summary>
        public const int RemoteOffset = 0;

        /// <summary>Offset of the last-seen stamp (le).</summary>
        public const int LastSeenOffset = 4;

        /// <summary>Offset of the LAN host byte.</summary>
        public const int HostOffset = 6;

        /// <summary>Offset of the kind byte.</summary>
        public const int KindOffset = 7;

        /// <summary>Offset of the out identifier (port, echo identifier, SPI, key, the server's call ID).</summary>
        public const int OutIdOffset = 8;

        /// <summary>Offset of a 16-bit in identifier (external port or echo identifier, external call ID).</summary>
        public const int InPortOffset = 10;

        /// <summary>Offset of a 32-bit in identifier (the inbound SPI or key).</summary>
        public const int InTunnelIdOffset = 12;

        /// <summary>Offset of PPTP's rewrite: the client's own call ID.</summary>
        public const int RewriteOffset = 12;

        /// <summary>Offset of UDP's remote port (0: any), where PPTP keeps its rewrite.</summary>
        public const int RemotePortOffset = 12;

        /// <summary>Offset of TCP's ack[0] (ack[1] follows at 16).</summary>
        public const int TcpAckOffset = 12;

        /// <summary>Offset of TCP's window[0] (window[1] follows at 22).</summary>
        public const int TcpWindowOffset = 20;

        /// <summary>Offset of packets[0] (packets[1] follows at 20), all kinds but TCP.</summary>
        public const int PacketsOffset = 16;

        private readonly byte[] _buffer;

        /// <summary>A view over the first <see cref="Bytes"/> bytes of <paramref name="buffer"/>.</summary>
        /// <exception cref="System.ArgumentException">The buffer is shorter (never on the packet path:
        /// the installer makes its buffer once).</exception>
        public FlowSpec(byte[] buffer)
        {
            if (buffer == null || buffer.Length < Bytes)
            {
                throw new System.ArgumentException("a flow spec needs 24 bytes");
            }

            _buffer = buffer;
        }

        /// <summary>The bytes.</summary>
        public byte[] Buffer => _buffer;

        /// <summary>The kind byte: kind and match bits.</summary>
        public byte KindByte => _buffer[KindOffset];

        /// <summary>The remote address, wire form.</summary>
        public uint Remote => NetworkOrder.ReadUInt32LittleEndian(_buffer, RemoteOffset);

        /// <summary>The LAN host byte.</summary>
        public int Host => _buffer[HostOffset];

        /// <summary>Zeroes every byte (reserved fields must be zero).</summary>
        public void Clear()
        {
            for (int i = 0; i < Bytes; i++)
            {
                _buffer[i] = 0;
            }
        }

        /// <summary>The common header: kind and match bits, LAN host, remote (wire form), last-seen stamp.</summary>
        public void SetHeader(byte kind, byte match, int host, uint remoteWire, ushort lastSeen)
        {
            NetworkOrder.WriteUInt32LittleEndian(_buffer, RemoteOffset, remoteWire);
            NetworkOrder.WriteUInt16LittleEndian(_buffer, LastSeenOffset, lastSeen);
            _buffer[HostOffset] = (byte)host;
            _buffer[KindOffset] = (byte)(kind | match);
        }

        /// <summary>TCP, UDP, ICMP echo: the LAN port (or identifier) and the external one, wire form.</summary>
        public void SetPorts(ushort lanWire, ushort externalWire)
        {
            NetworkOrder.WriteUInt16LittleEndian(_buffer, OutIdOffset, lanWire);
            NetworkOrder.WriteUInt16LittleEndian(_buffer, InPortOffset, externalWire);
        }

        /// <summary>UDP: the one remote port the entry matches (wire form; 0, the default, any): NAT-T
        /// sessions, whose datagrams the engine counts by both ports.</summary>
        public void SetRemotePort(ushort remoteWire)
        {
            NetworkOrder.WriteUInt16LittleEndian(_buffer, RemotePortOffset, remoteWire);
        }

        /// <summary>TCP: one direction's tracking values, as the data thread keeps them: the
        /// acknowledgment number of the last segment forwarded that way (a number, not wire form) and
        /// its raw window field.</summary>
        /// <param name="direction">0: segments from the LAN host (its RCV.NXT); 1: from the remote.</param>
        /// <param name="acknowledgment">The acknowledgment number.</param>
        /// <param name="window">The window field.</param>
        public void SetTcpTracking(int direction, uint acknowledgment, ushort window)
        {
            NetworkOrder.WriteUInt32LittleEndian(_buffer, TcpAckOffset + (4 * direction), acknowledgment);
            NetworkOrder.WriteUInt16LittleEndian(_buffer, TcpWindowOffset + (2 * direction), window);
        }

        /// <summary>ESP, GRE v0: the out and in identifiers (SPIs or keys), wire form.</summary>
        public void SetTunnelIds(uint outWire, uint inWire)
        {
            NetworkOrder.WriteUInt32LittleEndian(_buffer, OutIdOffset, outWire);
            NetworkOrder.WriteUInt32LittleEndian(_buffer, InTunnelIdOffset, inWire);
        }

        /// <summary>PPTP: the server's call ID (out packets carry it), the external call ID (in packets
        /// carry it) and the client's own (written into in packets), wire form.</summary>
        public void SetCallIds(ushort serverWire, ushort externalWire, ushort clientWire)
        {
            NetworkOrder.WriteUInt16LittleEndian(_buffer, OutIdOffset, serverWire);
            NetworkOrder.WriteUInt16LittleEndian(_buffer, InPortOffset, externalWire);
            NetworkOrder.WriteUInt16LittleEndian(_buffer, RewriteOffset, clientWire);
        }
    }
}
