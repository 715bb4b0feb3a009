using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;

namespace NanoRouter.Hal.Linux
{
    /// <summary>
    /// The admin server's sockets on the host board: one TCP listener bound to one IPv4 address
    /// (the LAN address, never the WAN's) and up to a fixed number of accepted connections in
    /// slots. <see cref="Wait"/> uses select(2); the listener is watched only while a slot is
    /// free, so connections beyond the limit wait in the kernel's backlog instead of spinning.
    /// </summary>
    public sealed class AdminSocketTransport : IAdminTransport, IDisposable
    {
        private const int SendTimeoutMs = 2000;

        private readonly Socket _listener;
        private readonly Socket[] _clients;
        private readonly List<Socket> _readable = new List<Socket>();

        /// <summary>Binds and listens on <paramref name="address"/>:<paramref name="port"/> (port 0 picks one).</summary>
        public AdminSocketTransport(IPAddress address, int port, int maxConnections)
        {
            if (address.AddressFamily != AddressFamily.InterNetwork)
            {
                throw new ArgumentException("the admin server binds to one IPv4 address", nameof(address));
            }

            _clients = new Socket[maxConnections];
            _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Bind(new IPEndPoint(address, port));
            _listener.Listen(16);
            _listener.Blocking = false;
        }

        /// <summary>The address and port listened on.</summary>
        public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint;

        /// <inheritdoc />
        public void Wait(int timeoutMs)
        {
            _readable.Clear();
            bool free = false;
            for (int i = 0; i < _clients.Length; i++)
            {
                if (_clients[i] == null)
                {
                    free = true;
                }
                else
                {
                    _readable.Add(_clients[i]);
                }
            }

            if (free)
            {
                _readable.Add(_listener);
            }

            try
            {
                Socket.Select(_readable, null, null, timeoutMs * 1000);
            }
            catch (SocketException)
            {
                System.Threading.Thread.Sleep(Math.Min(timeoutMs, 50));
            }
            catch (ObjectDisposedException)
            {
                System.Threading.Thread.Sleep(Math.Min(timeoutMs, 50));
            }
        }

        /// <inheritdoc />
        public bool HasPending()
        {
            try
            {
                // A listening socket is readable when accept(2) would not block.
                return _listener.Poll(0, SelectMode.SelectRead);
            }
            catch (SocketException)
            {
                return false;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }

        /// <inheritdoc />
        public bool TryAccept(int slot, out uint remoteAddress)
        {
            remoteAddress = 0;
            if (_clients[slot] != null)
            {
                return false;
            }

            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (SocketException)
            {
                return false;
            }

            client.Blocking = false;
            client.NoDelay = true;
            if (client.RemoteEndPoint is IPEndPoint remote)
            {
                byte[] bytes = remote.Address.MapToIPv4().GetAddressBytes();
                remoteAddress = ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
            }

            _clients[slot] = client;
            return true;
        }

        /// <inheritdoc />
        public int Receive(int slot, byte[] buffer, int offset, int count)
        {
            Socket client = _clients[slot];
            if (client == null)
            {
                return -1;
            }

            try
            {
                int received = client.Receive(buffer, offset, count, SocketFlags.None, out SocketError error);
                if (error == SocketError.WouldBlock)
                {
                    return 0;
                }

                if (error != SocketError.Success || received == 0)
                {
                    return -1;
                }

                return received;
            }
            catch (ObjectDisposedException)
            {
                return -1;
            }
        }

        /// <inheritdoc />
        public bool Send(int slot, byte[] buffer, int offset, int count)
        {
            Socket client = _clients[slot];
            if (client == null)
            {
                return false;
            }

            try
            {
                client.Blocking = true;
                client.SendTimeout = SendTimeoutMs;
                while (count > 0)
                {
                    int sent = client.Send(buffer, offset, count, SocketFlags.None);
                    if (sent <= 0)
                    {
                        return false;
                    }

                    offset += sent;
                    count -= sent;
                }

                return true;
            }
            catch (SocketException)
            {
                return false;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }

        /// <inheritdoc />
        public void Close(int slot)
        {
            Socket client = _clients[slot];
            _clients[slot] = null;
            if (client == null)
            {
                return;
            }

            try
            {
                // Half-close first so the response is delivered, then drop what the client
                // still sends, so the kernel does not answer unread data with a reset.
                client.Shutdown(SocketShutdown.Send);
                client.Blocking = false;
                byte[] sink = new byte[512];
                for (int i = 0; i < 8 && client.Poll(0, SelectMode.SelectRead); i++)
                {
                    if (client.Receive(sink, 0, sink.Length, SocketFlags.None, out SocketError error) <= 0 || error != SocketError.Success)
                    {
                        break;
                    }
                }
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }

            client.Close();
        }

        /// <summary>Closes every connection and the listener.</summary>
        public void Dispose()
        {
            for (int i = 0; i < _clients.Length; i++)
            {
                Socket client = _clients[i];
                _clients[i] = null;
                client?.Close();
            }

            _listener.Close();
        }
    }
}
