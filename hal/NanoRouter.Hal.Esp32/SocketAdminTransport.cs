using System.Net;
using System.Net.Sockets;
using System.Threading;
using NanoRouter.Core.Radio;

namespace NanoRouter.Hal.Esp32
{
    /// <summary>The admin server's sockets on nanoFramework's System.Net: a listener on the AP
    /// address and one accepted socket per slot, polled without blocking (there is no select over
    /// several sockets, so <see cref="Wait"/> looks every 20 ms).</summary>
    public sealed class SocketAdminTransport : IAdminTransport
    {
        private readonly Socket _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly Socket[] _slots;

        /// <summary>Listens on <paramref name="address"/>:<paramref name="port"/>.</summary>
        public SocketAdminTransport(string address, int port, int slots)
        {
            _slots = new Socket[slots];
            _listener.Bind(new IPEndPoint(IPAddress.Parse(address), port));
            _listener.Listen(slots);
        }

        /// <inheritdoc />
        public void Wait(int timeoutMs)
        {
            for (int waited = 0; waited <= timeoutMs && !Ready(); waited += 20)
            {
                Thread.Sleep(20);
            }
        }

        /// <inheritdoc />
        public bool HasPending() => Readable(_listener);

        /// <inheritdoc />
        public bool TryAccept(int slot, out uint remoteAddress)
        {
            remoteAddress = 0;
            if (!HasPending())
            {
                return false;
            }

            Socket socket = _slots[slot] = _listener.Accept();
            remoteAddress = Naming.ParseAddress(((IPEndPoint)socket.RemoteEndPoint).Address.ToString());
            return true;
        }

        /// <inheritdoc />
        public int Receive(int slot, byte[] buffer, int offset, int count)
        {
            Socket socket = _slots[slot];
            try
            {
                // Readable with nothing to read: the peer closed.
                int available = socket.Available;
                return available > 0 ? socket.Receive(buffer, offset, available < count ? available : count, SocketFlags.None)
                    : Readable(socket) ? -1 : 0;
            }
            catch (SocketException)
            {
                return -1;
            }
        }

        /// <inheritdoc />
        public bool Send(int slot, byte[] buffer, int offset, int count)
        {
            try
            {
                _slots[slot].Send(buffer, offset, count, SocketFlags.None);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }

        /// <inheritdoc />
        public void Close(int slot)
        {
            _slots[slot]?.Close();
            _slots[slot] = null;
        }

        /// <summary>A connection has data or closed, or (only while a slot is free) one is waiting to be
        /// accepted: with every slot taken a pending connection would wake this again and again, so the
        /// core asks <see cref="HasPending"/> after each wait instead.</summary>
        private bool Ready()
        {
            bool free = false;
            foreach (Socket socket in _slots)
            {
                free |= socket == null;
                if (socket != null && Readable(socket))
                {
                    return true;
                }
            }

            return free && HasPending();
        }

        private static bool Readable(Socket socket)
        {
            try
            {
                return socket.Poll(0, SelectMode.SelectRead);
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }
}
