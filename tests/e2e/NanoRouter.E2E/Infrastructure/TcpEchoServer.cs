using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace NanoRouter.E2E.Infrastructure
{
    /// <summary>Accepts one connection on a listener, echoes everything back until the peer half-closes,
    /// then half-closes itself; <see cref="Peer"/> is who connected, as the service saw it.</summary>
    public sealed class TcpEchoServer
    {
        private readonly Thread _thread;

        private TcpEchoServer(Socket listener)
        {
            _thread = new Thread(() =>
            {
                using Socket connection = listener.Accept();
                Peer = (IPEndPoint)connection.RemoteEndPoint;
                byte[] chunk = new byte[65536];
                int r;
                while ((r = connection.Receive(chunk)) > 0)
                {
                    connection.Send(chunk, 0, r, SocketFlags.None);
                }

                connection.Shutdown(SocketShutdown.Send);
            })
            { IsBackground = true };
        }

        /// <summary>The connecting end, once accepted (null before).</summary>
        public IPEndPoint Peer { get; private set; }

        /// <summary>Starts serving one connection on <paramref name="listener"/>.</summary>
        public static TcpEchoServer Start(Socket listener)
        {
            var server = new TcpEchoServer(listener);
            server._thread.Start();
            return server;
        }

        /// <summary>Waits for the connection to end.</summary>
        public bool Join(int timeoutMs) => _thread.Join(timeoutMs);
    }
}
