namespace NanoRouter.Core.Wire
{
    /// <summary>
    /// Every raw multi-byte access to packet bytes, big-endian (network order), and to the native
    /// flow path's records (little-endian: the byte order of both boards' CPUs, see
    /// NanoRouter.Core.Flow.FlowSpec). Callers check bounds before calling; these helpers do not.
    /// Keeping them in one place means a later move to Span&lt;T&gt; touches one file.
    /// </summary>
    public static class NetworkOrder
    {
        /// <summary>Reads a big-endian 16-bit value.</summary>
        public static ushort ReadUInt16(byte[] buffer, int offset)
        {
            return (ushort)((buffer[offset] << 8) | buffer[offset + 1]);
        }

        /// <summary>Reads a big-endian 32-bit value.</summary>
        public static uint ReadUInt32(byte[] buffer, int offset)
        {
            return ((uint)buffer[offset] << 24) | ((uint)buffer[offset + 1] << 16) | ((uint)buffer[offset + 2] << 8) | buffer[offset + 3];
        }

        /// <summary>Writes a big-endian 16-bit value.</summary>
        public static void WriteUInt16(byte[] buffer, int offset, ushort value)
        {
            buffer[offset] = (byte)(value >> 8);
            buffer[offset + 1] = (byte)value;
        }

        /// <summary>Writes a big-endian 32-bit value.</summary>
        public static void WriteUInt32(byte[] buffer, int offset, uint value)
        {
            buffer[offset] = (byte)(value >> 24);
            buffer[offset + 1] = (byte)(value >> 16);
            buffer[offset + 2] = (byte)(value >> 8);
            buffer[offset + 3] = (byte)value;
        }
    
        /// <summary>Reads a little-endian 16-bit value. A wire-form value (the packet's bytes as
        /// BitConverter reads them on a little-endian CPU) is stored this way too.</summary>
        public static ushort ReadUInt16LittleEndian(byte[] buffer, int offset)
        {
            return (ushort)(buffer[offset] | (buffer[offset + 1] << 8));
        }

        /// <summary>Reads a little-endian 32-bit value.</summary>
        public static uint ReadUInt32LittleEndian(byte[] buffer, int offset)
        {
            return buffer[offset] | ((uint)buffer[offset + 1] << 8) | ((uint)buffer[offset + 2] << 16) | ((uint)buffer[offset + 3] << 24);
        }

        /// <summary>Writes a little-endian 16-bit value.</summary>
        public static void WriteUInt16LittleEndian(byte[] buffer, int offset, ushort value)
        {
            buffer[offset] = (byte)value;
            buffer[offset + 1] = (byte)(value >> 8);
        }

        /// <summary>Writes a little-endian 32-bit value.</summary>
        public static void WriteUInt32LittleEndian(byte[] buffer, int offset, uint value)
        {
            buffer[offset] = (byte)value;
            buffer[offset + 1] = (byte)(value >> 8);
            buffer[offset + 2] = (byte)(value >> 16);
            buffer[offset + 3] = (byte)(value >> 24);
        }
    }
}
