using NanoRouter.Hal;

namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// The admin web server's loop, independent of the socket API: up to
    /// <see cref="MaxConnections"/> connections, each with its own fixed request buffer
    /// (head ≤ 2 KB, body ≤ 1.5 KB, both ≤ 2.5 KB); one shared response buffer, since requests are answered one at
    /// a time on one thread. A connection that has not delivered a whole request within
    /// <see cref="IdleTimeoutMs"/> of being accepted is answered 408 and closed (slowloris); one
    /// that has waited <see cref="SlowAfterMs"/> gives way earlier (429) to a connection waiting to
    /// be accepted, when its address holds more than its share or every slot is taken; every
    /// connection is closed after its one response. Call <see cref="Poll"/> in a loop.
    /// Fixed memory: 4 × 2.5 KB request buffers + a 2.5 KB response buffer (pages larger than
    /// <see cref="HttpResponse.ChunkBytes"/> are streamed to their connection in chunks).
    /// </summary>
    public sealed class AdminServer
    {
        /// <summary>The most connections open at once; further ones wait in the listen backlog.</summary>
        public const int MaxConnections = 4;

        /// <summary>How long a connection may take to deliver its request.</summary>
        public const int IdleTimeoutMs = 5000;

        /// <summary>Connections one client address may hold at once (of <see cref="MaxConnections"/>):
        /// a slowloris from one address leaves a slot for everyone else. Beyond it, the address's
        /// oldest connection gives way if it has waited <see cref="SlowAfterMs"/> for its request
        /// (served requests close at once), else the new connection is answered 429.</summary>
        public const int MaxConnectionsPerAddress = 3;

        /// <summary>How long a connection may wait for its whole request before another connection
        /// from the same address may take its place, or, while every slot is taken, any connection
        /// waiting to be accepted.</summary>
        public const int SlowAfterMs = 1000;

        /// <summary>The request buffer size per connection.</summary>
        public const int RequestBufferBytes = HttpRequestParser.MaxRequestBytes;

        private readonly AdminApp _app;
        private readonly IAdminTransport _transport;
        private readonly IClock _clock;
        private readonly byte[][] _buffers = new byte[MaxConnections][];
        private readonly int[] _filled = new int[MaxConnections];
        private readonly int[] _acceptedMs = new int[MaxConnections];
        private readonly uint[] _remote = new uint[MaxConnections];
        private readonly bool[] _open = new bool[MaxConnections];
        private readonly HttpRequest _request = new HttpRequest();
        private readonly HttpResponse _response = new HttpResponse();
        private int _requests;
        private int _timeouts;
        private int _rejected;
        private int _refusals;

        /// <summary>Creates the server and all its buffers.</summary>
        public AdminServer(AdminApp app, IAdminTransport transport, IClock clock)
        {
            _app = app;
            _transport = transport;
            _clock = clock;
            for (int i = 0; i < MaxConnections; i++)
            {
                _buffers[i] = new byte[RequestBufferBytes];
            }
        }

        /// <summary>Connections open now.</summary>
        public int OpenConnections
        {
            get
            {
                int count = 0;
                for (int i = 0; i < MaxConnections; i++)
                {
                    if (_open[i])
                    {
                        count++;
                    }
                }

                return count;
            }
        }

        /// <summary>Requests answered (including error answers).</summary>
        public int Requests => _requests;

        /// <summary>Connections closed because they were too slow.</summary>
        public int Timeouts => _timeouts;

        /// <summary>Requests refused as malformed or too large, and connections refused or displaced
        /// with 429 (over an address's share, or slow while another connection waited).</summary>
        public int Rejected => _rejected;

        /// <summary>Waits up to <paramref name="waitMs"/> for activity, then does one <see cref="Step"/>.</summary>
        public void Poll(int waitMs)
        {
            _transport.Wait(waitMs);
            Step();
        }

        /// <summary>Accepts into free slots, reads what arrived, answers complete requests and
        /// closes slow connections. While every slot is taken and another connection waits to be
        /// accepted, the oldest connection that has waited <see cref="SlowAfterMs"/> for its
        /// request (from any address) gives way with 429, so connections from several addresses
        /// cannot hold every slot against the others either. Never blocks except in the
        /// transport's sends.</summary>
        public void Step()
        {
            int nowMs = _clock.NowMs;
            _refusals = 0;
            Accept(nowMs);
            for (int slot = 0; slot < MaxConnections; slot++)
            {
                if (_open[slot])
                {
                    Service(slot, nowMs);
                }
            }

            // Served requests have closed above, so every connection still open is waiting for
            // its request. Each round frees one slot that has waited long enough and fills it;
            // new connections are never old enough, so this ends within MaxConnections rounds.
            int displaced = 0;
            while (displaced < MaxConnections && OpenConnections == MaxConnections && _transport.HasPending())
            {
                int victim = OldestSlow(nowMs);
                if (victim < 0)
                {
                    break;
                }

                displaced++;
                _rejected++;
                _app.WriteError(_response, 429, "Too Many Requests", "the server is busy; try again");
                Send(victim);
                Close(victim);
                Accept(nowMs);
                if (_open[victim])
                {
                    // The newcomer's request is often there already (it waited in the backlog).
                    Service(victim, nowMs);
                }
            }
        }

        /// <summary>Accepts pending connections into free slots, one address holding at most its share.</summary>
        private void Accept(int nowMs)
        {
            for (int slot = 0; slot < MaxConnections; slot++)
            {
                if (!_open[slot])
                {
                    uint remote;
                    if (!_transport.TryAccept(slot, out remote))
                    {
                        break;
                    }

                    _open[slot] = true;
                    _filled[slot] = 0;
                    _acceptedMs[slot] = nowMs;
                    _remote[slot] = remote;
                    if (ConnectionsFrom(remote) > MaxConnectionsPerAddress && _refusals < MaxConnections * 8)
                    {
                        // One address never holds more than its share, so another client always
                        // finds a free slot. That address's oldest connection makes room if it has
                        // waited a while for its request (a browser's idle spare socket, or a
                        // slowloris); otherwise the new one is refused at once, which also drains
                        // the listen backlog instead of leaving other clients behind it.
                        _refusals++;
                        int oldest = OldestFrom(remote, slot);
                        int victim = nowMs - _acceptedMs[oldest] >= SlowAfterMs ? oldest : slot;
                        _rejected++;
                        _app.WriteError(_response, 429, "Too Many Requests", "too many connections from your address");
                        Send(victim);
                        Close(victim);
                        if (victim == slot)
                        {
                            slot--;
                        }
                    }
                }
            }
        }

        /// <summary>The open connection that has waited longest for its request, if that is at
        /// least <see cref="SlowAfterMs"/>; else -1.</summary>
        private int OldestSlow(int nowMs)
        {
            int oldest = -1;
            for (int i = 0; i < MaxConnections; i++)
            {
                if (_open[i] && (oldest < 0 || _acceptedMs[i] - _acceptedMs[oldest] < 0))
                {
                    oldest = i;
                }
            }

            return oldest >= 0 && nowMs - _acceptedMs[oldest] >= SlowAfterMs ? oldest : -1;
        }

        /// <summary>How many open connections come from <paramref name="remote"/>.</summary>
        private int ConnectionsFrom(uint remote)
        {
            int count = 0;
            for (int i = 0; i < MaxConnections; i++)
            {
                if (_open[i] && _remote[i] == remote)
                {
                    count++;
                }
            }

            return count;
        }

        private int OldestFrom(uint remote, int except)
        {
            int oldest = except;
            for (int i = 0; i < MaxConnections; i++)
            {
                if (i != except && _open[i] && _remote[i] == remote && (oldest == except || _acceptedMs[i] - _acceptedMs[oldest] < 0))
                {
                    oldest = i;
                }
            }

            return oldest;
        }

        /// <summary>Closes every open connection.</summary>
        public void CloseAll()
        {
            for (int slot = 0; slot < MaxConnections; slot++)
            {
                if (_open[slot])
                {
                    Close(slot);
                }
            }
        }

        private void Service(int slot, int nowMs)
        {
            byte[] buffer = _buffers[slot];
            int room = RequestBufferBytes - _filled[slot];
            if (room > 0)
            {
                int received = _transport.Receive(slot, buffer, _filled[slot], room);
                if (received < 0)
                {
                    Close(slot);
                    return;
                }

                _filled[slot] += received;
            }

            if (_filled[slot] == 0 && nowMs - _acceptedMs[slot] < IdleTimeoutMs)
            {
                return;
            }

            HttpParseStatus status = HttpRequestParser.Parse(buffer, _filled[slot], _request);
            if (status == HttpParseStatus.Incomplete)
            {
                if (nowMs - _acceptedMs[slot] >= IdleTimeoutMs)
                {
                    _timeouts++;
                    if (_filled[slot] > 0)
                    {
                        _app.WriteError(_response, 408, "Request Timeout", "request not received in time");
                        Send(slot);
                    }

                    Close(slot);
                }

                return;
            }

            _requests++;
            _response.StreamTo(_transport, slot);
            if (status == HttpParseStatus.Ok)
            {
                _app.Handle(_request, buffer, _remote[slot], _response);
            }
            else
            {
                _rejected++;
                _app.WriteParseError(_response, status, _request.Error);
            }

            Send(slot);
            Close(slot);
            _app.AfterResponse();
        }

        private void Send(int slot)
        {
            if (_response.Length > 0)
            {
                _transport.Send(slot, _response.Buffer, _response.Start, _response.Length);
            }

            _response.StreamTo(null, -1);
        }

        private void Close(int slot)
        {
            _transport.Close(slot);
            _open[slot] = false;
            _filled[slot] = 0;
        }
    }
}
