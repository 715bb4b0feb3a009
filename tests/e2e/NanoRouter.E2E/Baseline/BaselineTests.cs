using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Infrastructure;
using NanoRouter.Hal.Linux;

namespace NanoRouter.E2E.Baseline
{
    /// <summary>
    /// Traffic through the host board running the real NAT engine: each test builds its own lab
    /// (nr-style: LAN 198.19.4.0/24 behind 198.19.4.1, WAN 198.18.0.2, upstream 198.18.0.1 with no
    /// route back to the LAN, so only NAT makes replies work), starts the board, and at the end
    /// stops it with SIGTERM, expecting exit code 0 and no rule left.
    /// </summary>
    [TestClass]
    public sealed class BaselineTests
    {
        private const string Upstream = NamespaceLab.UpstreamAddress;
        private const string WanAddress = NamespaceLab.RouterWanAddress;

        [TestMethod]
        public void Ping_LanClientReachesUpstream()
        {
            using TestLab lab = TestLab.Create();
            using RouterUnderTest router = RouterUnderTest.Start(lab);
            CommandResult ping = lab.Exec(lab.Lan(), "ping", "-c", "3", "-i", "0.2", "-W", "2", Upstream);
            Assert.IsTrue(ping.Ok, "ping through the router:\n" + ping.Output + ping.Error + "\n" + router.Transcript);
            StringAssert.Contains(ping.Output, "3 received");
            router.StopAndVerify();
        }

        [TestMethod]
        [DataRow(true)]
        [DataRow(false)]
        public void Tcp_EchoThroughRouter_ServerSeesWanAddress(bool gso)
        {
            using TestLab lab = TestLab.Create();
            using RouterUnderTest router = gso ? RouterUnderTest.Start(lab) : RouterUnderTest.Start(lab, "--no-gso");
            TcpEcho(lab, router, 2 * 1024 * 1024);
            router.StopAndVerify();
        }

        /// <summary>
        /// The native flow path is the default: a 2 MB TCP echo's established packets are forwarded by
        /// libnrflow.so, and only the handshake, the teardown and what the engine must see reach managed
        /// code (the board's stop line counts both). --no-native sends every packet through the engine.
        /// </summary>
        [TestMethod]
        [DataRow(new string[0])]
        [DataRow(new[] { "--no-gso" })]
        [DataRow(new[] { "--no-native" })]
        public void Tcp_EstablishedFlow_ForwardedInC_UnlessNoNative(string[] options)
        {
            using TestLab lab = TestLab.Create();
            using RouterUnderTest router = RouterUnderTest.Start(lab, options);
            bool native = Array.IndexOf(options, "--no-native") < 0;
            Assert.IsTrue(router.WaitForOutput(l => l.StartsWith("nanorouter: native flow path " + (native ? "on" : "off")), 5000),
                "the board must say whether the native flow path is on:\n" + router.Transcript);
            TcpEcho(lab, router, 2 * 1024 * 1024, closeAfterEcho: true);
            router.StopAndVerify();
            string stop = Array.Find(router.Output, l => l.StartsWith("nanorouter: stopping"));
            Assert.IsNotNull(stop, "stop line:\n" + router.Transcript);
            var counts = System.Text.RegularExpressions.Regex.Match(stop, @": (\d+) packets, .* (\d+) forwarded by the native flow path");
            Assert.IsTrue(counts.Success, "stop line format: " + stop);
            long managed = long.Parse(counts.Groups[1].Value);
            long offloaded = long.Parse(counts.Groups[2].Value);
            if (!native)
            {
                Assert.AreEqual(0, offloaded, "--no-native forwards nothing in C: " + stop);
                Assert.IsTrue(managed > 100, "every packet through the engine: " + stop);
                return;
            }

            // 2 MB each way is ~1,400 MSS-sized segments per direction without GSO, fewer larger ones
            // with it. The engine sees the handshake, the FIN/ACK teardown (a FIN takes the flow out, as
            // in Linux's flowtable, so the client half-closes only after the whole echo is back) and little else.
            Assert.IsTrue(managed <= 40 && offloaded >= 100, "established packets forwarded in C (" + offloaded + ", expected >= 100) and managed ("
                + managed + ", expected <= 40: handshake, teardown): " + stop);
        }

        /// <summary>A TCP echo of <paramref name="bytes"/> random bytes from a LAN client to an upstream server,
        /// checked whole. The client half-closes when it has sent everything, or with
        /// <paramref name="closeAfterEcho"/> only once the whole echo is back.</summary>
        private static void TcpEcho(TestLab lab, RouterUnderTest router, int bytes, bool closeAfterEcho = false)
        {
            using Socket listener = NsSocket.TcpListener(lab.Wan, Upstream, 7000);
            byte[] data = new byte[bytes];
            new Random(7).NextBytes(data);
            TcpEchoServer server = TcpEchoServer.Start(listener);

            using Socket client = NsSocket.TcpConnect(lab.Lan(), Upstream, 7000);
            client.ReceiveTimeout = 15000;
            var sender = new Thread(() =>
            {
                client.Send(data);
                if (!closeAfterEcho)
                {
                    client.Shutdown(SocketShutdown.Send);
                }
            })
            { IsBackground = true };
            sender.Start();
            byte[] back = ReceiveAll(client, data.Length);
            if (closeAfterEcho)
            {
                Assert.IsTrue(sender.Join(15000), "sender finished");
                client.Shutdown(SocketShutdown.Send);
            }

            Assert.IsTrue(server.Join(15000), "server finished");
            Assert.AreEqual(WanAddress, server.Peer.Address.ToString(), "the server must see the router's WAN address");
            Assert.AreEqual(data.Length, back.Length, "bytes echoed");
            CollectionAssert.AreEqual(SHA256.HashData(data), SHA256.HashData(back));
        }

        [TestMethod]
        public void Udp_RequestReply_ServerSeesWanAddress()
        {
            using TestLab lab = TestLab.Create();
            using RouterUnderTest router = RouterUnderTest.Start(lab);
            using Socket server = NsSocket.Udp(lab.Wan, Upstream, 7001);
            using Socket client = NsSocket.Udp(lab.Lan(), NamespaceLab.ClientAddress(0), 40001);
            for (int i = 0; i < 3; i++)
            {
                client.SendTo(Encoding.ASCII.GetBytes("ping " + i), new IPEndPoint(IPAddress.Parse(Upstream), 7001));
                byte[] buffer = new byte[100];
                EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                int n = server.ReceiveFrom(buffer, ref from);
                Assert.AreEqual("ping " + i, Encoding.ASCII.GetString(buffer, 0, n));
                var source = (IPEndPoint)from;
                Assert.AreEqual(WanAddress, source.Address.ToString(), "the server must see the router's WAN address");
                Assert.AreEqual(40001, source.Port, "the source port is preserved when free");
                server.SendTo(Encoding.ASCII.GetBytes("pong " + i), source);
                EndPoint replyFrom = new IPEndPoint(IPAddress.Any, 0);
                n = client.ReceiveFrom(buffer, ref replyFrom);
                Assert.AreEqual("pong " + i, Encoding.ASCII.GetString(buffer, 0, n));
                Assert.AreEqual(Upstream + ":7001", replyFrom.ToString());
            }

            router.StopAndVerify();
        }

        /// <summary>
        /// The uplink's address goes away and comes back as another one while the board runs (as
        /// when the upstream DHCP server hands out a new lease): the board notices within its
        /// one-second check, says so, and new sessions leave from the new address.
        /// </summary>
        [TestMethod]
        public void UplinkAddressChange_LoggedAndNewSessionsUseTheNewAddress()
        {
            const string NewWanAddress = "198.18.0.3";
            using TestLab lab = TestLab.Create();
            using RouterUnderTest router = RouterUnderTest.Start(lab);
            using Socket server = NsSocket.Udp(lab.Wan, Upstream, 7004);
            server.ReceiveTimeout = 5000;
            using Socket client = NsSocket.Udp(lab.Lan(), NamespaceLab.ClientAddress(0), 40004);
            client.ReceiveTimeout = 5000;
            Assert.AreEqual(WanAddress, UdpRoundTrip(client, server, "before"), "before the change");

            Assert.IsTrue(lab.Exec(lab.Router, "ip", "addr", "del", WanAddress + "/24", "dev", NamespaceLab.WanInterface).Ok);
            Assert.IsTrue(router.WaitForOutput(l => l.Contains("uplink address lost on " + NamespaceLab.WanInterface, StringComparison.Ordinal), 5000), "no 'address lost' line:\n" + router.Transcript);
            Assert.IsTrue(lab.Exec(lab.Router, "ip", "addr", "add", NewWanAddress + "/24", "dev", NamespaceLab.WanInterface).Ok);
            Assert.IsTrue(router.WaitForOutput(l => l.Contains("uplink address " + NewWanAddress + "/24 on " + NamespaceLab.WanInterface + " (NAT sessions reset)", StringComparison.Ordinal), 5000), "no new-address line:\n" + router.Transcript);

            Assert.AreEqual(NewWanAddress, UdpRoundTrip(client, server, "after"), "after the change the server must see the new WAN address");
            router.StopAndVerify();
        }

        /// <summary>Sends one datagram from the client to the server, answers it, and returns the address the server saw.</summary>
        private static string UdpRoundTrip(Socket client, Socket server, string text)
        {
            client.SendTo(Encoding.ASCII.GetBytes(text), new IPEndPoint(IPAddress.Parse(Upstream), ((IPEndPoint)server.LocalEndPoint).Port));
            byte[] buffer = new byte[100];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            int n = server.ReceiveFrom(buffer, ref from);
            Assert.AreEqual(text, Encoding.ASCII.GetString(buffer, 0, n));
            server.SendTo(Encoding.ASCII.GetBytes("re " + text), from);
            EndPoint replyFrom = new IPEndPoint(IPAddress.Any, 0);
            n = client.ReceiveFrom(buffer, ref replyFrom);
            Assert.AreEqual("re " + text, Encoding.ASCII.GetString(buffer, 0, n), "the reply through the router");
            return ((IPEndPoint)from).Address.ToString();
        }

        [TestMethod]
        public void IcmpPortUnreachable_ComesBackToTheRightLanHost()
        {
            using TestLab lab = TestLab.Create(clients: 2);
            using RouterUnderTest router = RouterUnderTest.Start(lab);
            using Socket openServer = NsSocket.Udp(lab.Wan, Upstream, 7002);
            using Socket bystanderIcmp = NsSocket.RawListener(lab.Lan(1), ProtocolType.Icmp);

            // The bystander (second LAN host) has a live session to the same server.
            using Socket bystander = NsSocket.Udp(lab.Lan(1), NamespaceLab.ClientAddress(1), 40003);
            bystander.Connect(new IPEndPoint(IPAddress.Parse(Upstream), 7002));
            bystander.Send(Encoding.ASCII.GetBytes("hello"));
            byte[] buffer = new byte[2048];
            Assert.AreEqual(5, openServer.Receive(buffer));

            // The first host sends to a closed port: the upstream answers Port Unreachable.
            using Socket prober = NsSocket.Udp(lab.Lan(0), NamespaceLab.ClientAddress(0), 40002);
            prober.Connect(new IPEndPoint(IPAddress.Parse(Upstream), 7999));
            prober.Send(Encoding.ASCII.GetBytes("anyone?"));
            var refused = Assert.ThrowsExactly<SocketException>(() => prober.Receive(buffer));
            Assert.AreEqual(SocketError.ConnectionRefused, refused.SocketErrorCode, "the prober's socket must see the ICMP error");

            List<byte[]> strays = Drain(bystanderIcmp, 1000);
            Assert.AreEqual(0, strays.Count, "ICMP reached the wrong LAN host: " + Describe(strays));
            router.StopAndVerify();
        }

        [TestMethod]
        public void TtlExpiry_RouterAnswersTimeExceeded_NextHopAnswersThroughNat()
        {
            using TestLab lab = TestLab.Create();
            using RouterUnderTest router = RouterUnderTest.Start(lab);
            using Socket icmp = NsSocket.RawListener(lab.Lan(), ProtocolType.Icmp);
            using Socket probe = NsSocket.Udp(lab.Lan(), NamespaceLab.ClientAddress(0), 40010);

            // Hop 1: the router itself.
            probe.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.IpTimeToLive, 1);
            probe.SendTo(new byte[8], new IPEndPoint(IPAddress.Parse(Upstream), 33434));
            byte[] reply = WaitForIcmp(icmp, 11, 3000);
            Assert.IsNotNull(reply, "no Time Exceeded from the router");
            Assert.AreEqual(NamespaceLab.RouterLanAddress, Packets.Source(reply), "Time Exceeded comes from the router's LAN address");

            // Hop 2: the upstream host, whose Port Unreachable the router translates back.
            probe.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.IpTimeToLive, 2);
            probe.SendTo(new byte[8], new IPEndPoint(IPAddress.Parse(Upstream), 33435));
            reply = WaitForIcmp(icmp, 3, 3000);
            Assert.IsNotNull(reply, "no Port Unreachable from the upstream");
            Assert.AreEqual(Upstream, Packets.Source(reply));
            int inner = Packets.HeaderLength(reply) + 8;
            string innerSource = reply[inner + 12] + "." + reply[inner + 13] + "." + reply[inner + 14] + "." + reply[inner + 15];
            Assert.AreEqual(NamespaceLab.ClientAddress(0), innerSource, "the embedded header is translated back to the LAN host");
            router.StopAndVerify();
        }

        [TestMethod]
        public void UnsolicitedWanTraffic_ReachesNoLanHost()
        {
            using TestLab lab = TestLab.Create();
            // The worst upstream: it routes the LAN prefix to the router.
            Assert.IsTrue(lab.Exec(lab.Wan, "ip", "route", "add", "198.19.4.0/24", "via", WanAddress).Ok);
            using RouterUnderTest router = RouterUnderTest.Start(lab);
            using Socket tcpSeen = NsSocket.RawListener(lab.Lan(), ProtocolType.Tcp);
            using Socket udpSeen = NsSocket.RawListener(lab.Lan(), ProtocolType.Udp);
            using Socket icmpSeen = NsSocket.RawListener(lab.Lan(), ProtocolType.Icmp);
            using Socket lanListener = NsSocket.TcpListener(lab.Lan(), NamespaceLab.ClientAddress(0), 8000);

            string[] targets = { WanAddress, NamespaceLab.ClientAddress(0), NamespaceLab.RouterLanAddress };
            foreach (string target in targets)
            {
                foreach (int port in new[] { 22, 80, 8000, 40020 })
                {
                    Socket syn = NsSocket.Create(lab.Wan, SocketType.Stream, ProtocolType.Tcp);
                    syn.Blocking = false;
                    try
                    {
                        syn.Connect(new IPEndPoint(IPAddress.Parse(target), port));
                    }
                    catch (SocketException)
                    {
                        // In progress (or refused): the SYN has left.
                    }

                    Thread.Sleep(20);
                    syn.Dispose();
                }

                using Socket udp = NsSocket.Udp(lab.Wan, Upstream);
                foreach (int port in new[] { 53, 500, 4500, 40020 })
                {
                    udp.SendTo(Encoding.ASCII.GetBytes("unsolicited"), new IPEndPoint(IPAddress.Parse(target), port));
                }
            }

            lab.Exec(lab.Wan, "ping", "-c", "2", "-i", "0.2", "-W", "1", NamespaceLab.ClientAddress(0));

            var seen = new List<byte[]>();
            seen.AddRange(Drain(tcpSeen, 1500));
            seen.AddRange(Drain(udpSeen, 200));
            seen.AddRange(Drain(icmpSeen, 200));
            seen.RemoveAll(p => !Packets.Source(p).StartsWith("198.18."));
            Assert.AreEqual(0, seen.Count, "unsolicited WAN traffic reached the LAN host: " + Describe(seen));

            // Control: the same listener does see solicited traffic, so silence above means something.
            using Socket server = NsSocket.Udp(lab.Wan, Upstream, 7003);
            using Socket client = NsSocket.Udp(lab.Lan(), NamespaceLab.ClientAddress(0), 40021);
            client.SendTo(Encoding.ASCII.GetBytes("hi"), new IPEndPoint(IPAddress.Parse(Upstream), 7003));
            byte[] buffer = new byte[100];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            server.ReceiveFrom(buffer, ref from);
            server.SendTo(Encoding.ASCII.GetBytes("reply"), from);
            List<byte[]> control = Drain(udpSeen, 1000);
            Assert.IsTrue(control.Exists(p => Packets.Source(p) == Upstream), "the raw listener saw the solicited reply");
            router.StopAndVerify();
        }

        private static byte[] ReceiveAll(Socket socket, int expected)
        {
            byte[] buffer = new byte[expected];
            int total = 0;
            while (total < expected)
            {
                int r = socket.Receive(buffer, total, expected - total, SocketFlags.None);
                if (r <= 0)
                {
                    break;
                }

                total += r;
            }

            Array.Resize(ref buffer, total);
            return buffer;
        }

        private static byte[] WaitForIcmp(Socket raw, int type, int timeoutMs)
        {
            long deadline = Environment.TickCount64 + timeoutMs;
            byte[] buffer = new byte[2048];
            while (Environment.TickCount64 < deadline)
            {
                int n;
                try
                {
                    n = raw.Receive(buffer);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut || e.SocketErrorCode == SocketError.WouldBlock)
                {
                    continue;
                }

                if (n > 20 && buffer[Packets.HeaderLength(buffer)] == type)
                {
                    byte[] packet = new byte[n];
                    Array.Copy(buffer, packet, n);
                    return packet;
                }
            }

            return null;
        }

        private static List<byte[]> Drain(Socket raw, int forMs)
        {
            var packets = new List<byte[]>();
            long deadline = Environment.TickCount64 + forMs;
            byte[] buffer = new byte[65536];
            while (Environment.TickCount64 < deadline)
            {
                try
                {
                    int n = raw.Receive(buffer);
                    byte[] packet = new byte[n];
                    Array.Copy(buffer, packet, n);
                    packets.Add(packet);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut || e.SocketErrorCode == SocketError.WouldBlock)
                {
                }
            }

            return packets;
        }

        private static string Describe(List<byte[]> packets)
        {
            var text = new StringBuilder();
            foreach (byte[] p in packets)
            {
                text.Append(" [proto ").Append(Packets.Protocol(p)).Append(" from ").Append(Packets.Source(p)).Append(']');
            }

            return text.ToString();
        }
    }
}
