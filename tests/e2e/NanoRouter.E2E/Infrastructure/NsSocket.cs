using System;
using System.Net;
using System.Net.Sockets;
using NanoRouter.Hal.Linux;

namespace NanoRouter.E2E.Infrastructure
{
    /// <summary>Sockets made inside a lab namespace (they stay there when used from the test thread).</summary>
    public static class NsSocket
    {
        /// <summary>A socket created in namespace <paramref name="ns"/>.</summary>
        public static Socket Create(string ns, SocketType type, ProtocolType protocol)
        {
            return NetworkNamespace.Invoke(ns, () => new Socket(AddressFamily.InterNetwork, type, protocol));
        }

        /// <summary>A UDP socket in <paramref name="ns"/> bound to <paramref name="address"/>:<paramref name="port"/> (0: any).</summary>
        public static Socket Udp(string ns, string address, int port = 0)
        {
            Socket socket = Create(ns, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Parse(address), port));
            socket.ReceiveTimeout = 3000;
            return socket;
        }

        /// <summary>A listening TCP socket in <paramref name="ns"/>.</summary>
        public static Socket TcpListener(string ns, string address, int port)
        {
            Socket socket = Create(ns, SocketType.Stream, ProtocolType.Tcp);
            // No ReuseAddress: on Linux .NET sets SO_REUSEPORT with it, and a port-in-use test needs a plain owner.
            socket.Bind(new IPEndPoint(IPAddress.Parse(address), port));
            socket.Listen(16);
            return socket;
        }

        /// <summary>A TCP connection from <paramref name="ns"/> to <paramref name="address"/>:<paramref name="port"/>, within <paramref name="timeoutMs"/>.</summary>
        public static Socket TcpConnect(string ns, string address, int port, int timeoutMs = 5000)
        {
            Socket socket = Create(ns, SocketType.Stream, ProtocolType.Tcp);
            socket.ReceiveTimeout = timeoutMs;
            socket.SendTimeout = timeoutMs;
            IAsyncResult pending = socket.BeginConnect(new IPEndPoint(IPAddress.Parse(address), port), null, null);
            if (!pending.AsyncWaitHandle.WaitOne(timeoutMs))
            {
                socket.Dispose();
                throw new TimeoutException("TCP connect from " + ns + " to " + address + ":" + port + " timed out");
            }

            socket.EndConnect(pending);
            return socket;
        }

        /// <summary>A raw IPv4 socket in <paramref name="ns"/> that sees every packet of <paramref name="protocol"/> delivered to that namespace.</summary>
        public static Socket RawListener(string ns, ProtocolType protocol)
        {
            Socket socket = Create(ns, SocketType.Raw, protocol);
            socket.ReceiveTimeout = 200;
            return socket;
        }
    }
}
