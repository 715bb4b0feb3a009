using System;
using System.Net;
using System.Threading;
using NanoRouter.Core.Admin;

namespace NanoRouter.Hal.Linux
{
    /// <summary>
    /// Runs the portable admin app (<see cref="AdminApp"/> behind <see cref="AdminServer"/>) on
    /// .NET sockets: one listener on one IPv4 address and port, at most
    /// <see cref="AdminServer.MaxConnections"/> connections, 5 s to deliver a request, one thread.
    /// <code>
    /// var server = new AdminSocketServer(app, IPAddress.Parse("198.19.4.1"), 80);
    /// server.Start();   // binds (throws SocketException if it cannot), starts the thread
    /// ...
    /// server.Stop();    // stops the thread, closes every socket
    /// </code>
    /// The app is used under <c>lock (server.SyncRoot)</c> (the app object itself), so two servers
    /// (say, the LAN address and 127.0.0.1) may share one app, and board code that touches the
    /// app or its settings from another thread can take the same lock.
    /// </summary>
    public sealed class AdminSocketServer : IDisposable
    {
        private const int PollMs = 200;

        private readonly AdminApp _app;
        private readonly IPAddress _address;
        private readonly int _port;
        private AdminSocketTransport _transport;
        private AdminServer _server;
        private Thread _thread;
        private volatile bool _stopping;

        /// <summary>Prepares a server for <paramref name="app"/> on <paramref name="address"/>:<paramref name="port"/>
        /// (port 0: the kernel picks one; see <see cref="LocalEndPoint"/> after Start).</summary>
        public AdminSocketServer(AdminApp app, IPAddress address, int port)
        {
            _app = app ?? throw new ArgumentNullException(nameof(app));
            _address = address ?? throw new ArgumentNullException(nameof(address));
            _port = port;
        }

        /// <summary>The lock the app is used under.</summary>
        public object SyncRoot => _app;

        /// <summary>The bound address and port (after <see cref="Start"/>).</summary>
        public IPEndPoint LocalEndPoint => _transport?.LocalEndPoint;

        /// <summary>The portable server loop (counters: requests, timeouts, rejected); null before Start.</summary>
        public AdminServer Server => _server;

        /// <summary>Binds the listener and starts the server thread.</summary>
        public void Start()
        {
            if (_thread != null)
            {
                throw new InvalidOperationException("already started");
            }

            _transport = new AdminSocketTransport(_address, _port, AdminServer.MaxConnections);
            _server = new AdminServer(_app, _transport, _app.Clock);
            _stopping = false;
            _thread = new Thread(Run) { IsBackground = true, Name = "admin-http" };
            _thread.Start();
        }

        /// <summary>Stops the thread and closes every socket. Safe to call twice.</summary>
        public void Stop()
        {
            _stopping = true;
            Thread thread = _thread;
            _thread = null;
            if (thread != null && thread != Thread.CurrentThread)
            {
                thread.Join(2000);
            }

            _transport?.Dispose();
        }

        /// <summary>Same as <see cref="Stop"/>.</summary>
        public void Dispose() => Stop();

        private void Run()
        {
            while (!_stopping)
            {
                try
                {
                    _transport.Wait(PollMs);
                    if (_stopping)
                    {
                        break;
                    }

                    lock (_app)
                    {
                        _server.Step();
                    }
                }
                catch (Exception e) when (!(e is OutOfMemoryException))
                {
                    // The core does not throw by design; if it ever does, keep serving and say so once.
                    Console.Error.WriteLine("admin: " + e.GetType().Name + ": " + e.Message);
                    Thread.Sleep(PollMs);
                }
            }

            lock (_app)
            {
                _server.CloseAll();
            }
        }
    }
}
