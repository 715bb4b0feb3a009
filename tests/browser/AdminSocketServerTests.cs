using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.Core.Admin;

namespace NanoRouter.BrowserTests
{
    /// <summary>The host-board admin adapter on real sockets: bounds, slowloris, binding.</summary>
    [TestClass]
    public class AdminSocketServerTests
    {
        private static Socket Open(InProcessRouter router)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Connect(router.Server.LocalEndPoint);
            s.ReceiveTimeout = 10000;
            return s;
        }

        private static string ReadAll(Socket s)
        {
            var text = new StringBuilder();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = s.Receive(buffer)) > 0)
            {
                text.Append(Encoding.UTF8.GetString(buffer, 0, n));
            }

            return text.ToString();
        }

        private static string Request(InProcessRouter router, string raw)
        {
            using Socket s = Open(router);
            s.Send(Encoding.ASCII.GetBytes(raw));
            return ReadAll(s);
        }

        [TestMethod]
        public void ServesRequests_AndClosesEachConnection()
        {
            using var router = new InProcessRouter();
            string reply = Request(router, "GET /style.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            StringAssert.StartsWith(reply, "HTTP/1.1 200 OK\r\n");
            StringAssert.Contains(reply, "Content-Type: text/css");
            StringAssert.StartsWith(Request(router, "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n"), "HTTP/1.1 421 ");
            StringAssert.StartsWith(Request(router, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), "HTTP/1.1 400 ");
        }

        [TestMethod]
        public void Slowloris_OneAddressHoldsAtMostItsShare_OthersServedAtOnce_HeldCutAtFiveSeconds()
        {
            using var router = new InProcessRouter();
            var held = new Socket[4];
            for (int i = 0; i < held.Length; i++)
            {
                held[i] = Open(router);
                held[i].Send(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nX-Slow: "));
            }

            Thread.Sleep(300);
            Assert.AreEqual(AdminServer.MaxConnectionsPerAddress, router.Server.Server.OpenConnections, "one address holds at most its share of the slots");

            // Another request (from the same loopback address here) a second later is answered at
            // once: the address's oldest slow connection makes room instead of the request waiting 5 s.
            Thread.Sleep(AdminServer.SlowAfterMs);
            var watch = Stopwatch.StartNew();
            string reply = Request(router, "GET /style.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            watch.Stop();
            StringAssert.StartsWith(reply, "HTTP/1.1 200 OK");
            Console.WriteLine("request answered after " + watch.ElapsedMilliseconds + " ms beside four slow connections");
            Assert.IsTrue(watch.ElapsedMilliseconds < 2000, watch.ElapsedMilliseconds + " ms");

            // One slow connection was refused at once (the address had its share), one made room
            // for the request; the two still held are cut at 5 s with 408.
            int refused = 0;
            int timedOut = 0;
            foreach (Socket s in held)
            {
                string answer = ReadAll(s);
                refused += answer.StartsWith("HTTP/1.1 429 ", StringComparison.Ordinal) ? 1 : 0;
                timedOut += answer.StartsWith("HTTP/1.1 408 ", StringComparison.Ordinal) ? 1 : 0;
                s.Dispose();
            }

            Assert.AreEqual(2, refused, "slow connections refused or made room");
            Assert.AreEqual(2, timedOut, "slow connections cut at 5 s");
            Assert.IsTrue(router.Server.Server.Timeouts >= 1);
        }

        [TestMethod]
        public void Oversized_Headers_Get431()
        {
            using var router = new InProcessRouter();
            using Socket s = Open(router);
            s.Send(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX: " + new string('a', 5000) + "\r\n\r\n"));
            StringAssert.StartsWith(ReadAll(s), "HTTP/1.1 431 ");
        }

        [TestMethod]
        public void ListensOnlyOnItsAddress()
        {
            using var router = new InProcessRouter();
            using var other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var elsewhere = new IPEndPoint(IPAddress.Parse("127.0.0.2"), router.Server.LocalEndPoint.Port);
            var e = Assert.ThrowsException<SocketException>(() => other.Connect(elsewhere));
            Assert.AreEqual(SocketError.ConnectionRefused, e.SocketErrorCode);
        }

        [TestMethod]
        public void StopClosesEverything_AndThePortIsFree()
        {
            var router = new InProcessRouter();
            int port = router.Server.LocalEndPoint.Port;
            using (Socket s = Open(router))
            {
                s.Send(Encoding.ASCII.GetBytes("GET / HT"));
                Thread.Sleep(300);
                router.Dispose();
                Assert.AreEqual(0, s.Receive(new byte[10]), "closed by Stop");
            }

            using var again = new InProcessRouter(port);
            StringAssert.StartsWith(Request(again, "GET /style.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), "HTTP/1.1 200");
        }
    }
}
