namespace NanoRouter.Hal
{
    /// <summary>
    /// Where packets come from and go to: lwIP hooks on the ESP32, NFQUEUE on the host board.
    /// The caller owns the buffer; packets always start at index 0 and are whole IPv4 packets.
    /// </summary>
    public interface IPacketPort
    {
        /// <summary>Waits up to <paramref name="timeoutMs"/> for the next packet and copies it into
        /// <paramref name="buffer"/> at index 0. When the buffer has room, the 6 bytes right after the
        /// packet receive its link-layer (Ethernet) source address, all zero when the port does not
        /// know it (the ESP32 shim: the frame's source; the host board: NFQUEUE's NFQA_HWADDR). The
        /// NAT charges new sessions to that sender.</summary>
        /// <returns>The packet length, or 0 when nothing arrived in time.</returns>
        int Receive(byte[] buffer, int timeoutMs, out Side ingress);

        /// <summary>Completes the packet last received. For <see cref="Verdict.Forward"/> the buffer
        /// holds the rewritten packet, sent out of <paramref name="egress"/>.</summary>
        void Complete(Verdict verdict, byte[] buffer, int length, Side egress);

        /// <summary>Sends a packet the router made or released on its own (not a reply to
        /// <see cref="Receive"/>): a later IP fragment that waited for its first one. The packet is a
        /// whole IPv4 packet at index 0, already translated, and leaves through <paramref name="egress"/>.</summary>
        void Send(byte[] buffer, int length, Side egress);
    }
}
