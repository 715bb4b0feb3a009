using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace NanoRouter.Hal.Esp32
{
    /// <summary>The admin server's sockets on nanoFramework's System.Net: a listener on the AP
    /// address and one accepted socket per slot, polled without blocking.</summary>
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
            for (int waited = 0; waited <= timeoutMs; waited += 20)
            {
                // The listener counts only while a slot is free: with every slot taken, a pending
                // connection would wake this at once, again and again, until one closes. The core
                // asks HasPending after each wait instead.
                bool free = false;
                for (int i = 0; i < _slots.Length; i++)
                {
                    if (_slots[i] == null)
                    {
                        free = true;
                    }
                    else if (_slots[i].Poll(0, SelectMode.SelectRead))
                    {
                        return;
                    }
                }

                if (free && HasPending())
                {
                    return;
                }

                Thread.Sleep(20);
            }
        }

        /// <inheritdoc />
        public bool HasPending()
        {
            try
            {
                return _listener.Poll(0, SelectMode.SelectRead);
            }
            catch (SocketException)
            {
                return false;
            }
        }

        /// <inheritdoc />
        public bool TryAccept(int slot, out uint remoteAddress)
        {
            remoteAddress = 0;
            if (!_listener.Poll(0, SelectMode.SelectRead))
            {
                return false;
            }

            Socket socket = _listener.Accept();
            _slots[slot] = socket;
            remoteAddress = WifiRouterHost.ToUInt(((IPEndPoint)socket.RemoteEndPoint).Address.ToString());
            return true;
        }

        /// <inheritdoc />
        public int Receive(int slot, byte[] buffer, int offset, int count)
        {
            Socket socket = _slots[slot];
            try
            {
                int available = socket.Available;
                if (available == 0)
                {
                    // Readable with nothing to read: the peer closed.
                    return socket.Poll(0, SelectMode.SelectRead) ? -1 : 0;
                }

                return socket.Receive(buffer, offset, available < count ? available : count, SocketFlags.None);
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
            if (_slots[slot] != null)
            {
                _slots[slot].Close();
                _slots[slot] = null;
            }
        }
    }
}
