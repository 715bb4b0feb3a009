using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Infrastructure;
using NanoRouter.Hal.Linux;

namespace NanoRouter.E2E.Admin
{
    /// <summary>
    /// Port forwarding through the host board (issue 14, section 3), configured the way a user or a
    /// script does it: PUT /api/forwards from the LAN with a Bearer token. From the WAN, a TCP and a
    /// UDP service on the LAN host answer through the WAN address and the external ports (the
    /// upstream has no route to the LAN, so only the forward can get there); rules switched off
    /// refuse (nothing reaches the LAN host, no RST comes back); the counters say so; the rules
    /// survive a restart with the same --config. Everything in 198.18.0.0/15, in the lab's own
    /// namespaces, removed even when a test fails.
    /// </summary>
    [TestClass]
    public sealed class PortForwardE2ETests
    {
        private const string Password = "e2e forwards 42";
        private const string WanAddress = NamespaceLab.RouterWanAddress;

        private static readonly string Rules =
            "[{\"protocol\":\"tcp\",\"externalPort\":8022,\"host\":\"198.19.4.2\",\"port\":2222,\"enabled\":true},"
            + "{\"protocol\":\"udp\",\"externalPort\":5353,\"host\":\"198.19.4.2\",\"port\":5300,\"enabled\":true},"
            + "{\"protocol\":\"tcp\",\"externalPort\":8023,\"host\":\"198.19.4.2\",\"port\":2223,\"enabled\":false},"
            + "{\"protocol\":\"udp\",\"externalPort\":5354,\"host\":\"198.19.4.2\",\"port\":5301,\"enabled\":false}]";

        [TestMethod]
        public void Forwards_FromWanToLanTcpAndUdp_DisabledRefuse_CountedAndKept()
        {
            string directory = Directory.CreateTempSubdirectory("nre-forward-").FullName;
            try
            {
                string passwordFile = Path.Combine(directory, "password");
                string config = Path.Combine(directory, "settings.bin");
                File.WriteAllText(passwordFile, Password + "\n");
                using TestLab lab = TestLab.Create();
                string client = NamespaceLab.ClientAddress(0);
                using (RouterUnderTest router = RouterUnderTest.Start(lab, "--config", config, "--admin-password-file", passwordFile))
                {
                    string token = Login(lab);
                    var put = Curl(lab, lab.Lan(), "-X", "PUT", "-H", "Authorization: Bearer " + token,
                        "-H", "Content-Type: application/json", "--data", Rules, "http://198.19.4.1/api/forwards");
                    Assert.AreEqual("200", put.Code, put.Body);
                    var refused = Curl(lab, lab.Lan(), "-X", "PUT", "-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json",
                        "--data", "[{\"protocol\":\"tcp\",\"externalPort\":8022,\"host\":\"198.18.0.1\",\"port\":22}]", "http://198.19.4.1/api/forwards");
                    Assert.AreEqual("400", refused.Code, "a host outside the LAN: " + refused.Body);
                    StringAssert.Contains(refused.Body, "The host must be a LAN address");
                    Thread.Sleep(300); // the engine takes the rules at its next tick (every 100 ms)

                    // TCP: the LAN host's service answers a WAN client on WAN address:8022.
                    using Socket listener = NsSocket.TcpListener(lab.Lan(), client, 2222);
                    TcpEchoServer server = TcpEchoServer.Start(listener);
                    byte[] data = new byte[200000];
                    new Random(14).NextBytes(data);
                    using (Socket wanClient = NsSocket.TcpConnect(lab.Wan, WanAddress, 8022))
                    {
                        string local = wanClient.LocalEndPoint.ToString();
                        var sender = new Thread(() =>
                        {
                            wanClient.Send(data);
                            wanClient.Shutdown(SocketShutdown.Send);
                        })
                        { IsBackground = true };
                        sender.Start();
                        byte[] back = ReceiveAll(wanClient, data.Length);
                        CollectionAssert.AreEqual(data, back, "echoed through the forward");
                        Assert.IsTrue(server.Join(10000), "the LAN service finished");
                        Assert.AreEqual(local, server.Peer.ToString(), "the LAN host sees the WAN client's own address and port");
                    }

                    // UDP: a datagram to WAN address:5353 reaches the LAN host's 5300; the answer comes
                    // back from WAN address:5353.
                    using Socket lanUdp = NsSocket.Udp(lab.Lan(), client, 5300);
                    using Socket wanUdp = NsSocket.Udp(lab.Wan, NamespaceLab.UpstreamAddress, 0);
                    wanUdp.SendTo(Encoding.ASCII.GetBytes("query"), new IPEndPoint(IPAddress.Parse(WanAddress), 5353));
                    byte[] buffer = new byte[100];
                    EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                    int n = lanUdp.ReceiveFrom(buffer, ref from);
                    Assert.AreEqual("query", Encoding.ASCII.GetString(buffer, 0, n));
                    Assert.AreEqual(NamespaceLab.UpstreamAddress, ((IPEndPoint)from).Address.ToString());
                    lanUdp.SendTo(Encoding.ASCII.GetBytes("answer"), from);
                    EndPoint replyFrom = new IPEndPoint(IPAddress.Any, 0);
                    n = wanUdp.ReceiveFrom(buffer, ref replyFrom);
                    Assert.AreEqual("answer", Encoding.ASCII.GetString(buffer, 0, n));
                    Assert.AreEqual(WanAddress + ":5353", replyFrom.ToString(), "from the external port");

                    // Switched off: nothing reaches the LAN host's services, and TCP gets no answer at all.
                    using Socket offListener = NsSocket.TcpListener(lab.Lan(), client, 2223);
                    offListener.Blocking = false;
                    using Socket offUdp = NsSocket.Udp(lab.Lan(), client, 5301);
                    offUdp.ReceiveTimeout = 1500;
                    bool timedOut = false;
                    try
                    {
                        NsSocket.TcpConnect(lab.Wan, WanAddress, 8023, 2000).Dispose();
                    }
                    catch (TimeoutException)
                    {
                        timedOut = true;
                    }

                    Assert.IsTrue(timedOut, "a TCP connection to a rule that is off is neither accepted nor reset: dropped");
                    Assert.IsFalse(offListener.Poll(0, SelectMode.SelectRead), "no connection reached the LAN host's port 2223");
                    wanUdp.SendTo(Encoding.ASCII.GetBytes("refused"), new IPEndPoint(IPAddress.Parse(WanAddress), 5354));
                    Assert.ThrowsExactly<SocketException>(() => offUdp.Receive(buffer), "no datagram reached the LAN host's port 5301");

                    var list = Curl(lab, lab.Lan(), "-H", "Authorization: Bearer " + token, "http://198.19.4.1/api/forwards");
                    Assert.AreEqual("200", list.Code, list.Body);
                    MatchCollection flows = Regex.Matches(list.Body, "\"flows\":(\\d+),\"refused\":(\\d+)");
                    Assert.AreEqual(4, flows.Count, list.Body);
                    Assert.AreEqual("1", flows[0].Groups[1].Value, "one TCP connection opened: " + list.Body);
                    Assert.AreEqual("1", flows[1].Groups[1].Value, "one UDP flow opened: " + list.Body);
                    Assert.IsTrue(int.Parse(flows[2].Groups[2].Value) >= 1, "the TCP rule that is off refused the SYN (and its retries): " + list.Body);
                    Assert.AreEqual("1", flows[3].Groups[2].Value, "the UDP rule that is off refused the datagram: " + list.Body);
                    var status = Curl(lab, lab.Lan(), "-H", "Authorization: Bearer " + token, "http://198.19.4.1/api/status");
                    StringAssert.Contains(status.Body, "\"forwardOff\":");
                    StringAssert.Contains(status.Body, "\"forwards\":[{\"protocol\":\"tcp\",\"externalPort\":8022");
                    router.StopAndVerify();
                }

                // The rules were saved with the settings: a restart with the same file forwards again.
                using (RouterUnderTest again = RouterUnderTest.Start(lab, "--config", config))
                {
                    Thread.Sleep(300);
                    using Socket lanUdp = NsSocket.Udp(lab.Lan(), client, 5300);
                    using Socket wanUdp = NsSocket.Udp(lab.Wan, NamespaceLab.UpstreamAddress, 0);
                    wanUdp.SendTo(Encoding.ASCII.GetBytes("after restart"), new IPEndPoint(IPAddress.Parse(WanAddress), 5353));
                    byte[] buffer = new byte[100];
                    int n = lanUdp.Receive(buffer);
                    Assert.AreEqual("after restart", Encoding.ASCII.GetString(buffer, 0, n), again.Transcript);
                    again.StopAndVerify();
                }
            }
            finally
            {
                Directory.Delete(directory, true);
            }
        }

        /// <summary>Hairpinning: a second LAN host reaches the forwarded service through the WAN
        /// address; the service sees the router's WAN address (so its replies come back through the
        /// router) and the client sees the WAN address and the external port.</summary>
        [TestMethod]
        public void Forwards_HairpinFromAnotherLanHost_ReachesTheService()
        {
            string directory = Directory.CreateTempSubdirectory("nre-hairpin-").FullName;
            try
            {
                string passwordFile = Path.Combine(directory, "password");
                File.WriteAllText(passwordFile, Password + "\n");
                using TestLab lab = TestLab.Create(2);
                using RouterUnderTest router = RouterUnderTest.Start(lab, "--admin-password-file", passwordFile);
                string token = Login(lab);
                var put = Curl(lab, lab.Lan(), "-X", "PUT", "-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json",
                    "--data", "[{\"protocol\":\"tcp\",\"externalPort\":8022,\"host\":\"198.19.4.2\",\"port\":2222,\"enabled\":true}]",
                    "http://198.19.4.1/api/forwards");
                Assert.AreEqual("200", put.Code, put.Body);
                Thread.Sleep(300);
                using Socket listener = NsSocket.TcpListener(lab.Lan(0), NamespaceLab.ClientAddress(0), 2222);
                TcpEchoServer server = TcpEchoServer.Start(listener);
                using (Socket client = NsSocket.TcpConnect(lab.Lan(1), WanAddress, 8022))
                {
                    Assert.AreEqual(WanAddress + ":8022", client.RemoteEndPoint.ToString());
                    byte[] data = Encoding.ASCII.GetBytes("hairpinned through the router");
                    client.Send(data);
                    client.Shutdown(SocketShutdown.Send);
                    CollectionAssert.AreEqual(data, ReceiveAll(client, data.Length), router.Transcript);
                }

                Assert.IsTrue(server.Join(10000), "the service finished");
                Assert.AreEqual(WanAddress, server.Peer.Address.ToString(), "the service sees the router's WAN address, so its replies come back through it");
                router.StopAndVerify();
            }
            finally
            {
                Directory.Delete(directory, true);
            }
        }

        private static byte[] ReceiveAll(Socket socket, int expected)
        {
            socket.ReceiveTimeout = 15000;
            var received = new MemoryStream();
            byte[] chunk = new byte[65536];
            int r;
            while (received.Length < expected && (r = socket.Receive(chunk)) > 0)
            {
                received.Write(chunk, 0, r);
            }

            return received.ToArray();
        }

        private static string Login(TestLab lab)
        {
            var login = Curl(lab, lab.Lan(), "-X", "POST", "-H", "Content-Type: application/json",
                "--data", "{\"password\":\"" + Password + "\"}", "http://198.19.4.1/api/login");
            Match token = Regex.Match(login.Body, "\"token\"\\s*:\\s*\"([^\"]+)\"");
            Assert.IsTrue(token.Success, "login with the password from the file: " + login.Code + " " + login.Body);
            return token.Groups[1].Value;
        }

        /// <summary>curl in <paramref name="ns"/>: the body, and the status code ("000" when nothing answered).</summary>
        private static (string Body, string Code) Curl(TestLab lab, string ns, params string[] arguments)
        {
            var command = new List<string> { "curl", "-s", "-m", "3", "-w", "\n%{http_code}" };
            command.AddRange(arguments);
            CommandResult result = lab.Exec(ns, command.ToArray());
            string output = result.Output.TrimEnd('\n');
            int cut = output.LastIndexOf('\n');
            return cut < 0 ? (string.Empty, output.Trim()) : (output.Substring(0, cut), output.Substring(cut + 1).Trim());
        }
    }
}
