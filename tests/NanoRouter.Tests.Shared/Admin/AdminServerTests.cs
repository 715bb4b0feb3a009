using System;
using NanoRouter.Core.Admin;
using NanoRouter.Hal;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Admin
{
    /// <summary>The connection loop over a scripted transport: limits, slowloris, one response per connection.</summary>
    [TestClass]
    public class AdminServerTests
    {
        private sealed class Connection
        {
            /// <summary>The chunks the peer sends, in order; the next one to hand out is at <see cref="NextChunk"/>.</summary>
            public readonly PacketList Incoming = new PacketList();
            public int NextChunk;
            public bool PeerClosed;
            public bool Closed;
            public uint Remote;
            private byte[] _sent = new byte[256];

            /// <summary>How many bytes the server sent.</summary>
            public int SentCount { get; private set; }

            public string SentText => Text.FromAscii(_sent, 0, SentCount);

            public void AddSent(byte value)
            {
                if (SentCount == _sent.Length)
                {
                    var larger = new byte[_sent.Length * 2];
                    Array.Copy(_sent, larger, SentCount);
                    _sent = larger;
                }

                _sent[SentCount++] = value;
            }
        }

        /// <summary>Connections waiting to be accepted, first come first served (a Queue without generics).</summary>
        private sealed class Backlog
        {
            private Connection[] _items = new Connection[32];
            private int _first;
            private int _end;

            public int Count => _end - _first;

            public void Enqueue(Connection c)
            {
                if (_end == _items.Length)
                {
                    var larger = new Connection[_items.Length * 2];
                    Array.Copy(_items, _first, larger, 0, Count);
                    _end = Count;
                    _first = 0;
                    _items = larger;
                }

                _items[_end++] = c;
            }

            public Connection Dequeue()
            {
                Assert.IsTrue(Count > 0, "a connection is waiting");
                Connection c = _items[_first];
                _items[_first++] = null;
                return c;
            }

            public bool Contains(Connection c)
            {
                for (int i = _first; i < _end; i++)
                {
                    if (_items[i] == c)
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        private sealed class ScriptedTransport : IAdminTransport
        {
            public readonly Backlog Pending = new Backlog();
            public readonly Connection[] Slots = new Connection[AdminServer.MaxConnections];
            public readonly StringList Events = new StringList();

            public void Wait(int timeoutMs)
            {
            }

            public bool HasPending() => Pending.Count > 0;

            public bool TryAccept(int slot, out uint remoteAddress)
            {
                remoteAddress = 0;
                Assert.IsNull(Slots[slot], "the core only offers free slots");
                if (Pending.Count == 0)
                {
                    return false;
                }

                Slots[slot] = Pending.Dequeue();
                remoteAddress = Slots[slot].Remote;
                return true;
            }

            public int Receive(int slot, byte[] buffer, int offset, int count)
            {
                Connection c = Slots[slot];
                if (c.NextChunk == c.Incoming.Count)
                {
                    return c.PeerClosed ? -1 : 0;
                }

                byte[] chunk = c.Incoming[c.NextChunk++];
                Assert.IsTrue(chunk.Length <= count, "the test sends small chunks");
                Array.Copy(chunk, 0, buffer, offset, chunk.Length);
                return chunk.Length;
            }

            public bool Send(int slot, byte[] buffer, int offset, int count)
            {
                for (int i = 0; i < count; i++)
                {
                    Slots[slot].AddSent(buffer[offset + i]);
                }

                Events.Add("send");
                return true;
            }

            public void Close(int slot)
            {
                Slots[slot].Closed = true;
                Slots[slot] = null;
                Events.Add("close");
            }
        }

        /// <summary>A server over a scripted transport, in front of the admin app of a harness.</summary>
        private sealed class Rig
        {
            public readonly AdminHarness Harness = new AdminHarness();
            public readonly ScriptedTransport Transport = new ScriptedTransport();
            public readonly AdminServer Server;

            public Rig()
            {
                Server = new AdminServer(Harness.App, Transport, Harness.Clock);
            }
        }

        private static int CountClosed(Connection[] connections, bool closed)
        {
            int count = 0;
            foreach (Connection c in connections)
            {
                count += c.Closed == closed ? 1 : 0;
            }

            return count;
        }

        private static uint s_nextRemote = 0xC0A80402;

        /// <summary>A connection from a client address of its own (192.168.x.y, a new one each time).</summary>
        private static Connection Connect(ScriptedTransport t, params string[] chunks)
        {
            return ConnectFrom(t, s_nextRemote++, chunks);
        }

        private static Connection ConnectFrom(ScriptedTransport t, uint remote, params string[] chunks)
        {
            var c = new Connection { Remote = remote };
            foreach (string chunk in chunks)
            {
                c.Incoming.Add(Text.Ascii(chunk));
            }

            t.Pending.Enqueue(c);
            return c;
        }

        [TestMethod]
        public void RequestInPieces_IsAnsweredOnce_ThenClosed()
        {
            var rig = new Rig();
            AdminServer server = rig.Server;
            ScriptedTransport t = rig.Transport;
            Connection c = Connect(t, "GET /style", ".css HTTP/1.1\r\nHo", "st: 192.168.4.1\r", "\n\r\n");
            for (int i = 0; i < 3; i++)
            {
                server.Step();
                Assert.IsFalse(c.Closed);
                Assert.AreEqual(0, c.SentCount);
            }

            server.Step();
            Assert.IsTrue(c.Closed);
            Expect.StartsWith(c.SentText, "HTTP/1.1 200 OK\r\n");
            Expect.Contains(c.SentText, "Connection: close");
            Assert.AreEqual(1, server.Requests);
        }

        [TestMethod]
        public void Slowloris_IsCutAfterFiveSeconds_With408()
        {
            var rig = new Rig();
            AdminServer server = rig.Server;
            ScriptedTransport t = rig.Transport;
            AdminHarness h = rig.Harness;
            var chunks = new string[101];
            chunks[0] = "GET / HTTP/1.1\r\n";
            for (int i = 0; i < 100; i++)
            {
                chunks[i + 1] = "X-" + i + ": a\r\n";
            }

            Connection c = Connect(t, chunks);
            int start = h.Clock.NowMs;
            while (h.Clock.NowMs - start < AdminServer.IdleTimeoutMs)
            {
                server.Step();
                Assert.IsFalse(c.Closed, "still within 5 s at +" + (h.Clock.NowMs - start));
                h.Clock.NowMs += 500; // a byte every half second keeps "idle" timers happy, not this one
            }

            server.Step();
            Assert.IsTrue(c.Closed);
            Expect.StartsWith(c.SentText, "HTTP/1.1 408 ");
            Assert.AreEqual(1, server.Timeouts);
        }

        [TestMethod]
        public void SilentConnection_IsClosedWithoutAnswer()
        {
            var rig = new Rig();
            AdminServer server = rig.Server;
            ScriptedTransport t = rig.Transport;
            AdminHarness h = rig.Harness;
            Connection c = Connect(t);
            server.Step();
            h.Clock.NowMs += AdminServer.IdleTimeoutMs - 1;
            server.Step();
            Assert.IsFalse(c.Closed);
            h.Clock.NowMs += 1;
            server.Step();
            Assert.IsTrue(c.Closed);
            Assert.AreEqual(0, c.SentCount);
        }

        [TestMethod]
        public void AtMostFourConnections_OthersWaitTheirTurn()
        {
            var rig = new Rig();
            AdminServer server = rig.Server;
            ScriptedTransport t = rig.Transport;
            AdminHarness h = rig.Harness;
            var silent = new Connection[4];
            for (int i = 0; i < 4; i++)
            {
                silent[i] = Connect(t);
            }

            Connection late = Connect(t, "GET /style.css HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n");
            server.Step();
            Assert.AreEqual(4, server.OpenConnections);
            Assert.AreEqual(1, t.Pending.Count, "the fifth waits in the backlog");
            Assert.AreEqual(0, late.SentCount);

            h.Clock.NowMs += AdminServer.IdleTimeoutMs;
            server.Step();
            server.Step();
            Assert.AreEqual(silent.Length, CountClosed(silent, true));
            Assert.IsTrue(late.Closed);
            Expect.StartsWith(late.SentText, "HTTP/1.1 200 OK");
        }

        [TestMethod]
        public void OneAddressManyConnections_ExtraRefusedAtOnce_OtherClientServed()
        {
            var rig = new Rig();
            AdminServer server = rig.Server;
            ScriptedTransport t = rig.Transport;
            AdminHarness h = rig.Harness;
            var slow = new Connection[6];
            for (int i = 0; i < 6; i++)
            {
                slow[i] = ConnectFrom(t, 0xC0A80466, "GET / HTTP/1.1\r\nHost: 192.168.4.1\r\n");
            }

            Connection user = Connect(t, "GET /style.css HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n");
            server.Step();
            server.Step();
            Assert.AreEqual(AdminServer.MaxConnectionsPerAddress, CountClosed(slow, false), "one address holds at most its share of the slots");
            foreach (Connection c in slow)
            {
                if (c.Closed)
                {
                    Expect.StartsWith(c.SentText, "HTTP/1.1 429 ");
                }
            }

            Assert.IsTrue(user.Closed, "the other client was served at once, not after the slow ones time out");
            Expect.StartsWith(user.SentText, "HTTP/1.1 200 OK");

            // A while later the same address opens another: its oldest slow connection gives way.
            h.Clock.NowMs += AdminServer.SlowAfterMs;
            Connection next = ConnectFrom(t, 0xC0A80466, "GET /style.css HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n");
            server.Step();
            Expect.StartsWith(next.SentText, "HTTP/1.1 200 OK", "the newest request from a busy address is served");
            Assert.AreEqual(AdminServer.MaxConnectionsPerAddress - 1, CountClosed(slow, false), "the oldest slow one made room");
        }

        [TestMethod]
        public void SlotsFullFromFourAddresses_WaitingConnectionDisplacesTheOldestSlowOne()
        {
            var rig = new Rig();
            AdminServer server = rig.Server;
            ScriptedTransport t = rig.Transport;
            AdminHarness h = rig.Harness;
            var slow = new Connection[AdminServer.MaxConnections];
            for (int i = 0; i < AdminServer.MaxConnections; i++)
            {
                slow[i] = ConnectFrom(t, 0xC0A80478 + (uint)i, "GET / HTTP/1.1\r\nHost: 192.168.4.1\r\n");
                server.Step();
                h.Clock.NowMs += 100; // accepted 100 ms apart: slow[0] is the oldest
            }

            Assert.AreEqual(AdminServer.MaxConnections, server.OpenConnections);
            h.Clock.NowMs = h.Clock.NowMs - 4 * 100 + AdminServer.SlowAfterMs; // slow[0] has waited exactly 1 s
            Connection user = Connect(t, "GET /style.css HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n");
            server.Step();
            Assert.IsTrue(slow[0].Closed, "the oldest slow connection gave way");
            Expect.StartsWith(slow[0].SentText, "HTTP/1.1 429 ");
            for (int i = 1; i < slow.Length; i++)
            {
                Assert.IsFalse(slow[i].Closed, "slow connection " + i + " (younger than 1 s) stays");
            }

            Assert.IsTrue(user.Closed, "the waiting connection was accepted and served in the same step");
            Expect.StartsWith(user.SentText, "HTTP/1.1 200 OK");
            Assert.AreEqual(AdminServer.MaxConnections - 1, server.OpenConnections);
        }

        [TestMethod]
        public void SlotsFull_NoConnectionOlderThanSlowAfterMs_TheWaitingOneWaits()
        {
            var rig = new Rig();
            AdminServer server = rig.Server;
            ScriptedTransport t = rig.Transport;
            AdminHarness h = rig.Harness;
            var slow = new Connection[AdminServer.MaxConnections];
            for (int i = 0; i < AdminServer.MaxConnections; i++)
            {
                slow[i] = ConnectFrom(t, 0xC0A80478 + (uint)i, "GET / HTTP/1.1\r\n");
            }

            server.Step();
            Connection user = Connect(t, "GET /style.css HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n");
            for (int ms = 0; ms < AdminServer.SlowAfterMs; ms += 100)
            {
                server.Step();
                Assert.AreEqual(0, CountClosed(slow, true), "nobody is displaced at +" + ms + " ms");
                Assert.AreEqual(1, t.Pending.Count, "the newcomer waits at +" + ms + " ms");
                h.Clock.NowMs += 100;
            }

            server.Step();
            Assert.AreEqual(1, CountClosed(slow, true), "at 1 s exactly one gives way");
            Expect.StartsWith(user.SentText, "HTTP/1.1 200 OK");
        }

        [TestMethod]
        public void SlotsFull_SeveralWaiting_EachSlowSlotGivesWayOnce_NewcomersAreNotDisplaced()
        {
            var rig = new Rig();
            AdminServer server = rig.Server;
            ScriptedTransport t = rig.Transport;
            AdminHarness h = rig.Harness;
            var slow = new Connection[AdminServer.MaxConnections];
            for (int i = 0; i < AdminServer.MaxConnections; i++)
            {
                slow[i] = ConnectFrom(t, 0xC0A80478 + (uint)i, "GET / HTTP/1.1\r\n");
            }

            server.Step();
            h.Clock.NowMs += AdminServer.SlowAfterMs;

            // Six more slow ones wait: four take the four old slots; the last two wait, since the
            // four newcomers have not waited 1 s yet.
            var more = new Connection[6];
            for (int i = 0; i < 6; i++)
            {
                more[i] = ConnectFrom(t, 0xC0A80490 + (uint)i, "GET / HTTP/1.1\r\n");
            }

            server.Step();
            foreach (Connection c in slow)
            {
                Assert.IsTrue(c.Closed && Text.StartsWith(c.SentText, "HTTP/1.1 429 "), "every old slow slot gave way with 429");
            }

            int holding = 0;
            foreach (Connection c in more)
            {
                holding += !c.Closed && t.Pending.Contains(c) == false ? 1 : 0;
            }

            Assert.AreEqual(4, holding, "four newcomers hold the slots");
            Assert.AreEqual(2, t.Pending.Count, "two still wait");
            server.Step();
            Assert.AreEqual(2, t.Pending.Count, "newcomers are not displaced before their second");
        }

        [TestMethod]
        public void SlotsFull_FastRequestsAreServed_NobodyDisplaced()
        {
            var rig = new Rig();
            AdminServer server = rig.Server;
            ScriptedTransport t = rig.Transport;
            AdminHarness h = rig.Harness;
            var fast = new Connection[12];
            for (int i = 0; i < 12; i++)
            {
                fast[i] = Connect(t, "GET /style.css HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n");
            }

            for (int step = 0; step < 3; step++)
            {
                server.Step();
                h.Clock.NowMs += AdminServer.SlowAfterMs * 2;
            }

            foreach (Connection c in fast)
            {
                Assert.IsTrue(c.Closed);
                Expect.StartsWith(c.SentText, "HTTP/1.1 200 OK", "every fast request is answered, none displaced");
            }

            Assert.AreEqual(0, server.Rejected);
        }

        [TestMethod]
        public void SlotsFull_NothingWaiting_SlowConnectionsKeepTheirFiveSeconds()
        {
            var rig = new Rig();
            AdminServer server = rig.Server;
            ScriptedTransport t = rig.Transport;
            AdminHarness h = rig.Harness;
            var slow = new Connection[AdminServer.MaxConnections];
            for (int i = 0; i < AdminServer.MaxConnections; i++)
            {
                slow[i] = ConnectFrom(t, 0xC0A80478 + (uint)i, "GET / HTTP/1.1\r\n");
            }

            server.Step();
            h.Clock.NowMs += AdminServer.IdleTimeoutMs - 1;
            server.Step();
            Assert.AreEqual(0, CountClosed(slow, true), "no one waits, so no one gives way");
            h.Clock.NowMs += 1;
            server.Step();
            foreach (Connection c in slow)
            {
                Assert.IsTrue(Text.StartsWith(c.SentText, "HTTP/1.1 408 "), c.SentText);
            }

        }

        [TestMethod]
        public void Oversized_IsRefusedAtOnce_NotBuffered()
        {
            var rig = new Rig();
            AdminServer server = rig.Server;
            ScriptedTransport t = rig.Transport;
            Connection big = Connect(t, "POST / HTTP/1.1\r\nHost: 192.168.4.1\r\nContent-Length: 100000\r\n\r\n", "xxxx");
            Connection longHead = Connect(t, "GET / HTTP/1.1\r\nX: " + new string('a', HttpRequestParser.MaxHeaderBytes), new string('b', 1000));
            Connection bad = Connect(t, "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n");
            server.Step();
            server.Step();
            Expect.StartsWith(big.SentText, "HTTP/1.1 413 ");
            Expect.StartsWith(longHead.SentText, "HTTP/1.1 431 ");
            Expect.StartsWith(bad.SentText, "HTTP/1.1 400 ");
            Assert.IsTrue(big.Closed && longHead.Closed && bad.Closed);
            Assert.AreEqual(3, server.Rejected);
        }

        [TestMethod]
        public void PeerClosing_FreesTheSlot()
        {
            var rig = new Rig();
            AdminServer server = rig.Server;
            ScriptedTransport t = rig.Transport;
            Connection c = Connect(t, "GET / HT");
            c.PeerClosed = true;
            server.Step();
            server.Step();
            Assert.IsTrue(c.Closed);
            Assert.AreEqual(0, server.OpenConnections);
        }

        [TestMethod]
        public void Reboot_HappensAfterTheResponseIsSent()
        {
            var rig = new Rig();
            AdminServer server = rig.Server;
            ScriptedTransport t = rig.Transport;
            AdminHarness h = rig.Harness;
            h.SetUp();
            string csrf = AdminHarness.Csrf(h.Get("/system"));
            string body = "csrf=" + csrf + "&confirm=yes";
            Connection c = Connect(t, "POST /reboot HTTP/1.1\r\nHost: 192.168.4.1\r\n" + h.CookieHeader() + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.Length + "\r\n\r\n" + body);
            int before = h.Host.Reboots;
            server.Step();
            Assert.AreEqual(before + 1, h.Host.Reboots);
            Expect.StartsWith(c.SentText, "HTTP/1.1 200 OK");
            CollectionAssert.AreEqual(new[] { "send", "close" }, t.Events.ToArray());
        }
    }
}
