using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using NanoRouter.Hal.Linux;

namespace NanoRouter.BrowserTests
{
    /// <summary>
    /// Listens on 127.0.0.1 (an ephemeral port) in the test's own namespace and pipes each
    /// connection to <c>target</c> inside network namespace <c>ns</c>: the upstream socket is made
    /// on a thread that entered that namespace, so it connects from there. Used to reach
    /// chromedriver, which runs inside the LAN client's namespace.
    /// </summary>
    internal sealed class NamespaceForwarder : IDisposable
    {
        private readonly Socket _listener;
        private readonly string _namespace;
        private readonly IPEndPoint _target;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        public NamespaceForwarder(string ns, IPEndPoint target)
        {
            _namespace = ns;
            _target = target;
            _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen(16);
            _ = Task.Run(AcceptLoop);
        }

        /// <summary>The local port to connect to.</summary>
        public int Port => ((IPEndPoint)_listener.LocalEndPoint).Port;

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Dispose();
        }

        /// <summary>A TCP socket created inside namespace <paramref name="ns"/>, connected to <paramref name="target"/>.</summary>
        public static Socket ConnectIn(string ns, IPEndPoint target, int timeoutMs = 10000)
        {
            Socket socket = NetworkNamespace.Invoke(ns, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
            try
            {
                if (!socket.ConnectAsync(target).Wait(timeoutMs))
                {
                    throw new TimeoutException("connecting to " + target + " in " + ns + " took over " + timeoutMs + " ms");
                }
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            socket.NoDelay = true;
            return socket;
        }

        private async Task AcceptLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await _listener.AcceptAsync(_stop.Token);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (SocketException)
                {
                    continue;
                }

                _ = Task.Run(() => Serve(client));
            }
        }

        private async Task Serve(Socket client)
        {
            Socket upstream;
            try
            {
                upstream = ConnectIn(_namespace, _target);
            }
            catch (Exception)
            {
                client.Dispose();
                return;
            }

            client.NoDelay = true;
            using (client)
            using (upstream)
            {
                await Task.WhenAll(Pipe(client, upstream), Pipe(upstream, client));
            }
        }

        /// <summary>Copies one direction until its end of stream, then half-closes the other socket.</summary>
        private async Task Pipe(Socket from, Socket to)
        {
            byte[] buffer = new byte[65536];
            try
            {
                while (true)
                {
                    int n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (n <= 0)
                    {
                        break;
                    }

                    int sent = 0;
                    while (sent < n)
                    {
                        sent += await to.SendAsync(new ArraySegment<byte>(buffer, sent, n - sent), SocketFlags.None, _stop.Token);
                    }
                }

                to.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException || e is OperationCanceledException)
            {
                // A reset or a stop ends both directions.
                from.Dispose();
                to.Dispose();
            }
        }
    }
}
