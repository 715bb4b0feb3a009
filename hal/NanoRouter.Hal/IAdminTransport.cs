namespace NanoRouter.Hal
{
    /// <summary>
    /// The admin web server's sockets, as seen by the portable server loop
    /// (NanoRouter.Core.Admin.AdminServer): a TCP listener bound to the LAN address only, and up
    /// to a fixed number of accepted connections, each named by a small slot number the core
    /// chooses. Nothing here blocks longer than the wait it is given. nanoFramework's
    /// System.Net.Sockets implements it on the device, .NET sockets on the host board. The core
    /// decides when a connection is idle too long or has been answered; the transport closes it.
    /// </summary>
    public interface IAdminTransport
    {
        /// <summary>Waits up to <paramref name="timeoutMs"/> until a connection is pending or an
        /// open connection has data (or has closed), then returns at once.</summary>
        void Wait(int timeoutMs);

        /// <summary>Whether a connection is waiting to be accepted (in the listen backlog), without
        /// accepting it or waiting. The core asks while every slot is taken, to decide whether a
        /// slow connection should give way.</summary>
        bool HasPending();

        /// <summary>Accepts one pending connection, if any, into <paramref name="slot"/>.</summary>
        /// <param name="slot">A free slot number chosen by the core.</param>
        /// <param name="remoteAddress">The client's IPv4 address, big-endian (192.168.4.2 = 0xC0A80402).</param>
        /// <returns>False when no connection is pending.</returns>
        bool TryAccept(int slot, out uint remoteAddress);

        /// <summary>Reads what has arrived on a connection without waiting.</summary>
        /// <returns>The number of bytes read; 0 when nothing is available yet; -1 when the peer
        /// closed the connection or it failed.</returns>
        int Receive(int slot, byte[] buffer, int offset, int count);

        /// <summary>Sends bytes on a connection (waits for the socket to take them, within the
        /// transport's own send timeout).</summary>
        /// <returns>False when the connection failed.</returns>
        bool Send(int slot, byte[] buffer, int offset, int count);

        /// <summary>Closes a connection and frees its slot.</summary>
        void Close(int slot);
    }
}
