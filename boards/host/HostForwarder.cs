using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using NanoRouter.Hal.Linux;

namespace NanoRouter.Host
{
    /// <summary>
    /// Makes the admin page reachable from the host: listens on 127.0.0.1:PORT in the host's
    /// namespace and pipes each connection to the admin socket inside the router's namespace
    /// (the upstream socket is created on a thread that entered that namespace).
    /// </summary>
    internal sealed class HostForwarder : IDisposable
    {
        private readonly Socket _listener;
        private readonly string _namespace;
        private readonly IPEndPoint _target;
        private readonly Thread _acceptThread;
        private volatile bool _closed;

        private HostForwarder(Socket listener, string ns, IPEndPoint target)
        {
            _listener = listener;
            _namespace = ns;
            _target = target;
            _acceptThread = new Thread(AcceptLoop) { IsBackground = true, Name = "host-forwarder" };
        }

        /// <summary>Starts forwarding; false with a one-line error when the local port is taken.</summary>
        public static bool TryStart(int localPort, string ns, IPEndPoint target, out HostForwarder forwarder, out string error)
        {
            forwarder = null;
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                listener.Bind(new IPEndPoint(IPAddress.Loopback, localPort));
                listener.Listen(16);
            }
            catch (SocketException e)
            {
                listener.Dispose();
                error = e.SocketErrorCode == SocketError.AddressAlreadyInUse
                    ? "port 127.0.0.1:" + localPort + " is in use"
                    : "cannot listen on 127.0.0.1:" + localPort + ": " + e.Message;
                return false;
            }

            forwarder = new HostForwarder(listener, ns, target);
            forwarder._acceptThread.Start();
            error = null;
            return true;
        }

        public void Dispose()
        {
            _closed = true;
            _listener.Dispose();
        }

        private void AcceptLoop()
        {
            try
            {
                NetworkNamespace.Enter(_namespace);
            }
            catch (Exception e)
            {
                Log.Error("host forwarder: " + e.Message);
                return;
            }

            while (!_closed)
            {
                Socket client;
                try
                {
                    client = _listener.Accept();
                }
                catch (Exception) when (_closed)
                {
                    return;
                }
                catch (SocketException)
                {
                    continue;
                }

                // This thread is inside the router's namespace, so the upstream socket is too.
                var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    upstream.Connect(_target);
                }
                catch (SocketException)
                {
                    client.Dispose();
                    upstream.Dispose();
                    continue;
                }

                var finished = new CountdownEvent(2);
                Pipe(client, upstream, finished);
                Pipe(upstream, client, finished);
            }
        }

        /// <summary>Copies one direction; the second direction to finish closes both sockets.</summary>
        private static void Pipe(Socket from, Socket to, CountdownEvent finished)
        {
            var thread = new Thread(() =>
            {
                byte[] buffer = new byte[16384];
                try
                {
                    while (true)
                    {
                        int n = from.Receive(buffer);
                        if (n <= 0)
                        {
                            break;
                        }

                        to.Send(buffer, 0, n, SocketFlags.None);
                    }

                    to.Shutdown(SocketShutdown.Send);
                }
                catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
                {
                    // A reset on either side ends both directions.
                    from.Dispose();
                    to.Dispose();
                }
                finally
                {
                    if (finished.Signal())
                    {
                        from.Dispose();
                        to.Dispose();
                        finished.Dispose();
                    }
                }
            })
            { IsBackground = true };
            thread.Start();
        }
    }
}
