using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.Core.Admin;
using NanoRouter.Hal;

namespace NanoRouter.Tests.Admin
{
    /// <summary>The connection loop over a scripted transport: limits, slowloris, one response per connection.</summary>
    [TestClass]
    public class AdminServerTests
    {
        private sealed class Connection
        {
            public readonly Queue<byte[]> Incoming = new Queue<byte[]>();
            public readonly List<byte> Sent = new List<byte>();
            public bool PeerClosed;
            public bool Closed;
            public uint Remote;
            public string SentText => Encoding.ASCII.GetString(Sent.ToArray());
        }

        private sealed class ScriptedTransport : IAdminTransport
        {
            public readonly Queue<Connection> Pending = new Queue<Connection>();
            public readonly Connection[] Slots = new Connection[AdminServer.MaxConnections];
            public readonly List<string> Events = new List<string>();

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
                if (c.Incoming.Count == 0)
                {
                    return c.PeerClosed ? -1 : 0;
                }

                byte[] chunk = c.Incoming.Dequeue();
                Assert.IsTrue(chunk.Length <= count, "the test sends small chunks");
                Array.Copy(chunk, 0, buffer, offset, chunk.Length);
                return chunk.Length;
            }

            public bool Send(int slot, byte[] buffer, int offset, int count)
            {
                for (int i = 0; i < count; i++)
                {
                    Slots[slot].Sent.Add(buffer[offset + i]);
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

        private static (AdminServer Server, ScriptedTransport Transport, AdminHarness Harness) Make()
        {
            var harness = new AdminHarness();
            var transport = new ScriptedTransport();
            var server = new AdminServer(harness.App, transport, harness.Clock);
            return (server, transport, harness);
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
                c.Incoming.Enqueue(Encoding.ASCII.GetBytes(chunk));
            }

            t.Pending.Enqueue(c);
            return c;
        }

        [TestMethod]
        public void RequestInPieces_IsAnsweredOnce_ThenClosed()
        {
            var (server, t, _) = Make();
            Connection c = Connect(t, "GET /style", ".css HTTP/1.1\r\nHo", "st: 192.168.4.1\r", "\n\r\n");
            for (int i = 0; i < 3; i++)
            {
                server.Step();
                Assert.IsFalse(c.Closed);
                Assert.AreEqual(0, c.Sent.Count);
            }

            server.Step();
            Assert.IsTrue(c.Closed);
            StringAssert.StartsWith(c.SentText, "HTTP/1.1 200 OK\r\n");
            StringAssert.Contains(c.SentText, "Connection: close");
            Assert.AreEqual(1, server.Requests);
        }

        [TestMethod]
        public void Slowloris_IsCutAfterFiveSeconds_With408()
        {
            var (server, t, h) = Make();
            var chunks = new List<string> { "GET / HTTP/1.1\r\n" };
            for (int i = 0; i < 100; i++)
            {
                chunks.Add("X-" + i + ": a\r\n");
            }

            Connection c = Connect(t, chunks.ToArray());
            int start = h.Clock.NowMs;
            while (h.Clock.NowMs - start < AdminServer.IdleTimeoutMs)
            {
                server.Step();
                Assert.IsFalse(c.Closed, "still within 5 s at +" + (h.Clock.NowMs - start));
                h.Clock.NowMs += 500; // a byte every half second keeps "idle" timers happy, not this one
            }

            server.Step();
            Assert.IsTrue(c.Closed);
            StringAssert.StartsWith(c.SentText, "HTTP/1.1 408 ");
            Assert.AreEqual(1, server.Timeouts);
        }

        [TestMethod]
        public void SilentConnection_IsClosedWithoutAnswer()
        {
            var (server, t, h) = Make();
            Connection c = Connect(t);
            server.Step();
            h.Clock.NowMs += AdminServer.IdleTimeoutMs - 1;
            server.Step();
            Assert.IsFalse(c.Closed);
            h.Clock.NowMs += 1;
            server.Step();
            Assert.IsTrue(c.Closed);
            Assert.AreEqual(0, c.Sent.Count);
        }

        [TestMethod]
        public void AtMostFourConnections_OthersWaitTheirTurn()
        {
            var (server, t, h) = Make();
            var silent = new List<Connection>();
            for (int i = 0; i < 4; i++)
            {
                silent.Add(Connect(t));
            }

            Connection late = Connect(t, "GET /style.css HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n");
            server.Step();
            Assert.AreEqual(4, server.OpenConnections);
            Assert.AreEqual(1, t.Pending.Count, "the fifth waits in the backlog");
            Assert.AreEqual(0, late.Sent.Count);

            h.Clock.NowMs += AdminServer.IdleTimeoutMs;
            server.Step();
            server.Step();
            Assert.IsTrue(silent.TrueForAll(c => c.Closed));
            Assert.IsTrue(late.Closed);
            StringAssert.StartsWith(late.SentText, "HTTP/1.1 200 OK");
        }

        [TestMethod]
        public void OneAddressManyConnections_ExtraRefusedAtOnce_OtherClientServed()
        {
            var (server, t, h) = Make();
            var slow = new List<Connection>();
            for (int i = 0; i < 6; i++)
            {
                slow.Add(ConnectFrom(t, 0xC0A80466, "GET / HTTP/1.1\r\nHost: 192.168.4.1\r\n"));
            }

            Connection user = Connect(t, "GET /style.css HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n");
            server.Step();
            server.Step();
            Assert.AreEqual(AdminServer.MaxConnectionsPerAddress, slow.FindAll(c => !c.Closed).Count, "one address holds at most its share of the slots");
            foreach (Connection c in slow.FindAll(c => c.Closed))
            {
                StringAssert.StartsWith(c.SentText, "HTTP/1.1 429 ");
            }

            Assert.IsTrue(user.Closed, "the other client was served at once, not after the slow ones time out");
            StringAssert.StartsWith(user.SentText, "HTTP/1.1 200 OK");

            // A while later the same address opens another: its oldest slow connection gives way.
            h.Clock.NowMs += AdminServer.SlowAfterMs;
            Connection next = ConnectFrom(t, 0xC0A80466, "GET /style.css HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n");
            server.Step();
            StringAssert.StartsWith(next.SentText, "HTTP/1.1 200 OK", "the newest request from a busy address is served");
            Assert.AreEqual(AdminServer.MaxConnectionsPerAddress - 1, slow.FindAll(c => !c.Closed).Count, "the oldest slow one made room");
        }

        [TestMethod]
        public void SlotsFullFromFourAddresses_WaitingConnectionDisplacesTheOldestSlowOne()
        {
            var (server, t, h) = Make();
            var slow = new List<Connection>();
            for (int i = 0; i < AdminServer.MaxConnections; i++)
            {
                slow.Add(ConnectFrom(t, 0xC0A80478 + (uint)i, "GET / HTTP/1.1\r\nHost: 192.168.4.1\r\n"));
                server.Step();
                h.Clock.NowMs += 100; // accepted 100 ms apart: slow[0] is the oldest
            }

            Assert.AreEqual(AdminServer.MaxConnections, server.OpenConnections);
            h.Clock.NowMs = h.Clock.NowMs - 4 * 100 + AdminServer.SlowAfterMs; // slow[0] has waited exactly 1 s
            Connection user = Connect(t, "GET /style.css HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n");
            server.Step();
            Assert.IsTrue(slow[0].Closed, "the oldest slow connection gave way");
            StringAssert.StartsWith(slow[0].SentText, "HTTP/1.1 429 ");
            for (int i = 1; i < slow.Count; i++)
            {
                Assert.IsFalse(slow[i].Closed, "slow connection " + i + " (younger than 1 s) stays");
            }

            Assert.IsTrue(user.Closed, "the waiting connection was accepted and served in the same step");
            StringAssert.StartsWith(user.SentText, "HTTP/1.1 200 OK");
            Assert.AreEqual(AdminServer.MaxConnections - 1, server.OpenConnections);
        }

        [TestMethod]
        public void SlotsFull_NoConnectionOlderThanSlowAfterMs_TheWaitingOneWaits()
        {
            var (server, t, h) = Make();
            var slow = new List<Connection>();
            for (int i = 0; i < AdminServer.MaxConnections; i++)
            {
                slow.Add(ConnectFrom(t, 0xC0A80478 + (uint)i, "GET / HTTP/1.1\r\n"));
            }

            server.Step();
            Connection user = Connect(t, "GET /style.css HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n");
            for (int ms = 0; ms < AdminServer.SlowAfterMs; ms += 100)
            {
                server.Step();
                Assert.IsTrue(slow.TrueForAll(c => !c.Closed), "nobody is displaced at +" + ms + " ms");
                Assert.AreEqual(1, t.Pending.Count, "the newcomer waits at +" + ms + " ms");
                h.Clock.NowMs += 100;
            }

            server.Step();
            Assert.AreEqual(1, slow.FindAll(c => c.Closed).Count, "at 1 s exactly one gives way");
            StringAssert.StartsWith(user.SentText, "HTTP/1.1 200 OK");
        }

        [TestMethod]
        public void SlotsFull_SeveralWaiting_EachSlowSlotGivesWayOnce_NewcomersAreNotDisplaced()
        {
            var (server, t, h) = Make();
            var slow = new List<Connection>();
            for (int i = 0; i < AdminServer.MaxConnections; i++)
            {
                slow.Add(ConnectFrom(t, 0xC0A80478 + (uint)i, "GET / HTTP/1.1\r\n"));
            }

            server.Step();
            h.Clock.NowMs += AdminServer.SlowAfterMs;

            // Six more slow ones wait: four take the four old slots; the last two wait, since the
            // four newcomers have not waited 1 s yet.
            var more = new List<Connection>();
            for (int i = 0; i < 6; i++)
            {
                more.Add(ConnectFrom(t, 0xC0A80490 + (uint)i, "GET / HTTP/1.1\r\n"));
            }

            server.Step();
            Assert.IsTrue(slow.TrueForAll(c => c.Closed && c.SentText.StartsWith("HTTP/1.1 429 ")), "every old slow slot gave way with 429");
            Assert.AreEqual(4, more.FindAll(c => !c.Closed && t.Pending.Contains(c) == false).Count, "four newcomers hold the slots");
            Assert.AreEqual(2, t.Pending.Count, "two still wait");
            server.Step();
            Assert.AreEqual(2, t.Pending.Count, "newcomers are not displaced before their second");
        }

        [TestMethod]
        public void SlotsFull_FastRequestsAreServed_NobodyDisplaced()
        {
            var (server, t, h) = Make();
            var fast = new List<Connection>();
            for (int i = 0; i < 12; i++)
            {
                fast.Add(Connect(t, "GET /style.css HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n"));
            }

            for (int step = 0; step < 3; step++)
            {
                server.Step();
                h.Clock.NowMs += AdminServer.SlowAfterMs * 2;
            }

            foreach (Connection c in fast)
            {
                Assert.IsTrue(c.Closed);
                StringAssert.StartsWith(c.SentText, "HTTP/1.1 200 OK", "every fast request is answered, none displaced");
            }

            Assert.AreEqual(0, server.Rejected);
        }

        [TestMethod]
        public void SlotsFull_NothingWaiting_SlowConnectionsKeepTheirFiveSeconds()
        {
            var (server, t, h) = Make();
            var slow = new List<Connection>();
            for (int i = 0; i < AdminServer.MaxConnections; i++)
            {
                slow.Add(ConnectFrom(t, 0xC0A80478 + (uint)i, "GET / HTTP/1.1\r\n"));
            }

            server.Step();
            h.Clock.NowMs += AdminServer.IdleTimeoutMs - 1;
            server.Step();
            Assert.IsTrue(slow.TrueForAll(c => !c.Closed), "no one waits, so no one gives way");
            h.Clock.NowMs += 1;
            server.Step();
            Assert.IsTrue(slow.TrueForAll(c => c.SentText.StartsWith("HTTP/1.1 408 ")));
        }

        [TestMethod]
        public void Oversized_IsRefusedAtOnce_NotBuffered()
        {
            var (server, t, _) = Make();
            Connection big = Connect(t, "POST / HTTP/1.1\r\nHost: 192.168.4.1\r\nContent-Length: 100000\r\n\r\n", "xxxx");
            Connection longHead = Connect(t, "GET / HTTP/1.1\r\nX: " + new string('a', HttpRequestParser.MaxHeaderBytes), new string('b', 1000));
            Connection bad = Connect(t, "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n");
            server.Step();
            server.Step();
            StringAssert.StartsWith(big.SentText, "HTTP/1.1 413 ");
            StringAssert.StartsWith(longHead.SentText, "HTTP/1.1 431 ");
            StringAssert.StartsWith(bad.SentText, "HTTP/1.1 400 ");
            Assert.IsTrue(big.Closed && longHead.Closed && bad.Closed);
            Assert.AreEqual(3, server.Rejected);
        }

        [TestMethod]
        public void PeerClosing_FreesTheSlot()
        {
            var (server, t, _) = Make();
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
            var (server, t, h) = Make();
            h.SetUp();
            string csrf = AdminHarness.Csrf(h.Get("/system"));
            string body = "csrf=" + csrf + "&confirm=yes";
            Connection c = Connect(t, "POST /reboot HTTP/1.1\r\nHost: 192.168.4.1\r\n" + h.CookieHeader() + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.Length + "\r\n\r\n" + body);
            int before = h.Host.Reboots;
            server.Step();
            Assert.AreEqual(before + 1, h.Host.Reboots);
            StringAssert.StartsWith(c.SentText, "HTTP/1.1 200 OK");
            CollectionAssert.AreEqual(new[] { "send", "close" }, t.Events);
        }
    }
}
