using System;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Infrastructure;
using NanoRouter.Hal;
using NanoRouter.Hal.Linux;

namespace NanoRouter.E2E.Port
{
    /// <summary>
    /// The NFQUEUE port by itself, with a test verdict function in place of the NAT engine, in a
    /// lab of its own: Local lets the kernel deliver to the router itself but never route,
    /// Forward carries a (rewritten) packet that the kernel routes, Drop drops, and bulk TCP
    /// survives the round trip through user space.
    /// </summary>
    [TestClass]
    public sealed class NfQueuePortTests
    {
        private const string Upstream = NamespaceLab.UpstreamAddress;

        [TestMethod]
        public void Local_KernelDeliversToTheRouterButNeverRoutes()
        {
            using TestLab lab = TestLab.Create();
            using QueueHarness harness = QueueHarness.Start(lab, (p, n, side) => Verdict.Local);

            CommandResult ping = lab.Exec(lab.Lan(), "ping", "-c", "2", "-W", "2", NamespaceLab.RouterLanAddress);
            Assert.IsTrue(ping.Ok, "ping to the router's LAN address: " + ping.Output);

            using Socket local = NsSocket.Udp(lab.Router, NamespaceLab.RouterLanAddress, 9002);
            using Socket beyond = NsSocket.Udp(lab.Wan, Upstream, 9000);
            beyond.ReceiveTimeout = 1000;
            using Socket client = NsSocket.Udp(lab.Lan(), NamespaceLab.ClientAddress(0));
            client.SendTo(Encoding.ASCII.GetBytes("hello"), new IPEndPoint(IPAddress.Parse(NamespaceLab.RouterLanAddress), 9002));
            client.SendTo(Encoding.ASCII.GetBytes("route me"), new IPEndPoint(IPAddress.Parse(Upstream), 9000));
            byte[] buffer = new byte[100];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            int n = local.ReceiveFrom(buffer, ref from);
            Assert.AreEqual("hello", Encoding.ASCII.GetString(buffer, 0, n));
            Assert.AreEqual(NamespaceLab.ClientAddress(0), ((IPEndPoint)from).Address.ToString(), "Local must not change the packet");
            var error = Assert.ThrowsExactly<SocketException>(() => beyond.Receive(buffer));
            Assert.AreEqual(SocketError.TimedOut, error.SocketErrorCode, "a Local packet must not be routed through the router");
            Assert.IsTrue(harness.LanPackets >= 4, "two echo requests and two datagrams from the LAN; seen: " + harness.LanPackets);
        }

        [TestMethod]
        public void Forward_CarriesTheRewrittenPacket()
        {
            using TestLab lab = TestLab.Create();
            using QueueHarness harness = QueueHarness.Start(lab, (p, n, side) =>
            {
                if (side == Side.Lan && Packets.Protocol(p) == 17 && Packets.DestinationPort(p) == 9000)
                {
                    // First two payload bytes "he" become "je"; the UDP checksum is updated to match.
                    int udp = Packets.HeaderLength(p);
                    Packets.ReplaceWord(p, udp + 8, (ushort)(('j' << 8) | 'e'), udp + 6);
                    return Verdict.Forward;
                }

                return Verdict.Local;
            });

            using Socket server = NsSocket.Udp(lab.Wan, Upstream, 9000);
            using Socket client = NsSocket.Udp(lab.Lan(), NamespaceLab.ClientAddress(0));
            client.SendTo(Encoding.ASCII.GetBytes("hello"), new IPEndPoint(IPAddress.Parse(Upstream), 9000));
            byte[] buffer = new byte[100];
            int n = server.Receive(buffer);
            Assert.AreEqual("jello", Encoding.ASCII.GetString(buffer, 0, n), "the kernel must send what the verdict carried");
        }

        [TestMethod]
        public void Drop_DropsOnlyWhatItIsTold()
        {
            using TestLab lab = TestLab.Create();
            using QueueHarness harness = QueueHarness.Start(lab, (p, n, side) =>
                Packets.Protocol(p) == 17 && Packets.DestinationPort(p) == 9001 ? Verdict.Drop : Verdict.Forward);

            using Socket kept = NsSocket.Udp(lab.Wan, Upstream, 9000);
            using Socket dropped = NsSocket.Udp(lab.Wan, Upstream, 9001);
            dropped.ReceiveTimeout = 1000;
            using Socket client = NsSocket.Udp(lab.Lan(), NamespaceLab.ClientAddress(0));
            client.SendTo(Encoding.ASCII.GetBytes("drop me"), new IPEndPoint(IPAddress.Parse(Upstream), 9001));
            client.SendTo(Encoding.ASCII.GetBytes("keep me"), new IPEndPoint(IPAddress.Parse(Upstream), 9000));
            byte[] buffer = new byte[100];
            int n = kept.Receive(buffer);
            Assert.AreEqual("keep me", Encoding.ASCII.GetString(buffer, 0, n));
            var error = Assert.ThrowsExactly<SocketException>(() => dropped.Receive(buffer));
            Assert.AreEqual(SocketError.TimedOut, error.SocketErrorCode);
            harness.Dispose();
            Assert.IsTrue(harness.Port.PacketsDropped >= 1, "drops counted: " + harness.Port.PacketsDropped);
        }

        [TestMethod]
        [DataRow(false)]
        [DataRow(true)]
        public void Forward_BulkTcpBothWaysArrivesIntact(bool gso)
        {
            using TestLab lab = TestLab.Create();
            // Plain routing for this test only: the upstream gets a route back to the LAN.
            Assert.IsTrue(lab.Exec(lab.Wan, "ip", "route", "add", "198.19.4.0/24", "via", NamespaceLab.RouterWanAddress).Ok);
            int largest = 0;
            using QueueHarness harness = QueueHarness.Start(lab, (p, n, side) =>
            {
                largest = Math.Max(largest, n);
                return Verdict.Forward;
            }, gso: gso);

            byte[] data = new byte[8 * 1024 * 1024];
            new Random(4).NextBytes(data);
            using Socket listener = NsSocket.TcpListener(lab.Wan, Upstream, 9100);
            byte[] echoedHash = null;
            var server = new Thread(() =>
            {
                using Socket connection = listener.Accept();
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                byte[] chunk = new byte[65536];
                int total = 0;
                while (total < data.Length)
                {
                    int r = connection.Receive(chunk);
                    if (r <= 0)
                    {
                        break;
                    }

                    hash.AppendData(chunk, 0, r);
                    connection.Send(chunk, 0, r, SocketFlags.None);
                    total += r;
                }

                echoedHash = hash.GetHashAndReset();
                connection.Shutdown(SocketShutdown.Send);
            });
            server.IsBackground = true;
            server.Start();

            using Socket client = NsSocket.TcpConnect(lab.Lan(), Upstream, 9100);
            client.ReceiveTimeout = 20000;
            var sender = new Thread(() => client.Send(data));
            sender.IsBackground = true;
            sender.Start();
            byte[] back = new byte[data.Length];
            int received = 0;
            while (received < back.Length)
            {
                int r = client.Receive(back, received, back.Length - received, SocketFlags.None);
                if (r <= 0)
                {
                    break;
                }

                received += r;
            }

            Assert.IsTrue(server.Join(20000), "the server did not finish");
            Assert.AreEqual(data.Length, received, "bytes echoed back");
            CollectionAssert.AreEqual(SHA256.HashData(data), echoedHash, "what the server received");
            CollectionAssert.AreEqual(SHA256.HashData(data), SHA256.HashData(back), "what the client got back");
            Assert.IsTrue(harness.LanPackets > 100 && harness.WanPackets > 100, "ingress sides: lan " + harness.LanPackets + ", wan " + harness.WanPackets);
            if (gso)
            {
                Assert.IsTrue(largest > 1500, "with GSO the port sees super-packets; largest " + largest);
            }
            else
            {
                Assert.IsTrue(largest <= 1500, "without GSO the kernel segments to the MTU; largest " + largest);
            }
        }

        [TestMethod]
        public void Open_QueueTakenByAnotherProcess_BoardSaysSoInOneLine()
        {
            using TestLab lab = TestLab.Create();
            using QueueHarness harness = QueueHarness.Start(lab, (p, n, side) => Verdict.Local, queue: 7);
            var result = RouterUnderTest.RunToExit(lab.Router, new[] { "run", "--lan", NamespaceLab.LanInterface, "--wan", NamespaceLab.WanInterface, "--queue", "7", "--admin-port", "8081" });
            Assert.AreNotEqual(0, result.ExitCode);
            Assert.AreEqual(1, result.Errors.Length, string.Join("\n", result.Errors));
            StringAssert.Contains(result.Errors[0], "NFQUEUE");
            StringAssert.Contains(result.Errors[0], "queue 7");
        }
    }
}
