using NanoRouter.Core.Wire;

namespace NanoRouter.Core.Flow
{
    /// <summary>
    /// What <c>IFlowPath.Read</c> returns about one slot, byte for byte as nr_flow.h's nr_flow_state
    /// (20 bytes, little-endian): 0 state, 1 kind byte, 2 host, 3 consistent, 4 last_seen (16 bits),
    /// 6 zero, 8 value[0], 12 value[1] (TCP: the ack of each direction; every other kind: its packet
    /// counters), 16 window[0], 18 window[1] (TCP only). A view over <see cref="Bytes"/> bytes at
    /// index 0 of a caller-owned buffer; the constructor is its one bounds check.
    /// </summary>
    public struct FlowState
    {
        /// <summary>Bytes of a state record.</summary>
        public const int Bytes = 20;

        /// <summary>Never installed, or installed again since (NR_FLOW_STATE_FREE).</summary>
        public const int Free = 0;

        /// <summary>Installed: packets match it.</summary>
        public const int Live = 1;

        /// <summary>Removed; a packet already inside the data thread may still count on it.</summary>
        public const int Retiring = 2;

        /// <summary>Removed and quiescent: its values are final, the slot may be installed again.</summary>
        public const int Final = 3;

        private readonly byte[] _buffer;

        /// <summary>A view over the first <see cref="Bytes"/> bytes of <paramref name="buffer"/>.</summary>
        /// <exception cref="System.ArgumentException">The buffer is shorter.</exception>
        public FlowState(byte[] buffer)
        {
            if (buffer == null || buffer.Length < Bytes)
            {
                throw new System.ArgumentException("a flow state needs 20 bytes");
            }

            _buffer = buffer;
        }

        /// <summary>The bytes.</summary>
        public byte[] Buffer => _buffer;

        /// <summary>The slot's state (<see cref="Free"/> ... <see cref="Final"/>).</summary>
        public int State => _buffer[0];

        /// <summary>True when no packet was processed while the values were read (they belong together).</summary>
        public bool Consistent => _buffer[3] != 0;

        /// <summary>The 16-bit seconds of the last packet forwarded (the spec's value until then).</summary>
        public ushort LastSeen => NetworkOrder.ReadUInt16LittleEndian(_buffer, 4);

        /// <summary>Packets forwarded LAN to WAN (all kinds but TCP), since install.</summary>
        public uint PacketsOut => NetworkOrder.ReadUInt32LittleEndian(_buffer, 8);

        /// <summary>Packets forwarded WAN to LAN (all kinds but TCP), since install.</summary>
        public uint PacketsIn => NetworkOrder.ReadUInt32LittleEndian(_buffer, 12);

        /// <summary>TCP: the acknowledgment number of the last segment forwarded in a direction (0:
        /// from the LAN host, 1: from the remote), a number.</summary>
        public uint TcpAck(int direction) => NetworkOrder.ReadUInt32LittleEndian(_buffer, 8 + (4 * direction));

        /// <summary>TCP: the raw window field of that segment.</summary>
        public ushort TcpWindow(int direction) => NetworkOrder.ReadUInt16LittleEndian(_buffer, 16 + (2 * direction));
    }
}
