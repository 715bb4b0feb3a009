using NanoRouter.Core.Nat;
using NanoRouter.Hal;
using NanoRouter.Tests.Nat;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Admin
{
    /// <summary>
    /// What the status API and page tell about drops, evictions and each client's share of the table
    /// (the API read with <see cref="TestJson"/>; HostOnly/AdminApiJsonTests reads it with System.Text.Json too).
    /// </summary>
    [TestClass]
    public class AdminStatusCountersTests
    {
        private const uint Client = 0xC0A80402; // 192.168.4.2, the harness's first AP client
        private const uint Wan = 0xC6120002;    // 198.18.0.2
        private const uint Server = 0xC6120001; // 198.18.0.1

        private static AdminHarness WithTraffic()
        {
            var h = new AdminHarness();
            h.Host.AddClient(Client, "02:00:00:00:00:02");
            h.SetUp();
            h.Engine.SetWanAddress(Wan);
            h.Engine.Tick();
            byte[] udp = Packets.Udp(Client, 40000, Server, 7000);
            Assert.AreEqual(Verdict.Forward, h.Engine.Process(udp, udp.Length, Side.Lan), "the client's UDP flow");
            byte[] tcp = Packets.Tcp(Client, 40001, Server, 80, 0x02);
            Assert.AreEqual(Verdict.Forward, h.Engine.Process(tcp, tcp.Length, Side.Lan), "the client's TCP SYN");
            byte[] garbage = new byte[12];
            Assert.AreEqual(Verdict.Drop, h.Engine.Process(garbage, garbage.Length, Side.Lan));
            byte[] unsolicited = Packets.Udp(Server, 7000, Wan, 5555);
            Assert.AreEqual(Verdict.Drop, h.Engine.Process(unsolicited, unsolicited.Length, Side.Wan));
            byte[] unsolicited2 = Packets.Udp(Server, 7000, Wan, 5556);
            Assert.AreEqual(Verdict.Drop, h.Engine.Process(unsolicited2, unsolicited2.Length, Side.Wan));
            return h;
        }

        [TestMethod]
        public void Api_Status_HasEveryDropReasonEvictionsQuotaAndClientEntries()
        {
            AdminHarness h = WithTraffic();
            string token = h.ApiLogin();
            Reply r = h.Api("GET", "/api/status", null, token);
            Assert.AreEqual(200, r.Status, r.ToString());
            JsonNode nat = TestJson.Parse(r.Body).Get("nat");
            Assert.AreEqual(h.Engine.HostQuota, nat.Get("hostQuota").Int);
            Assert.AreEqual(128, nat.Get("hostQuota").Int, "a quarter of 512");
            JsonNode reasons = nat.Get("dropReasons");
            Assert.AreEqual(DropReasons.Count - 1, reasons.Count);
            Assert.AreEqual(1, reasons.Get("malformed").Int);
            Assert.AreEqual(2, reasons.Get("noMapping").Int);
            Assert.AreEqual(0, reasons.Get("tableFull").Int);
            int sum = 0;
            for (int i = 0; i < reasons.Count; i++)
            {
                sum += reasons.At(i).Int;
            }

            Assert.AreEqual(nat.Get("drops").Int, sum, "the reasons add up to the total");
            JsonNode evictions = nat.Get("evictions");
            foreach (string key in new[] { "expired", "quota", "idle" })
            {
                Assert.AreEqual(0, evictions.Get(key).Int, key);
            }

            JsonNode client = TestJson.Parse(r.Body).Get("clients").At(0);
            Assert.AreEqual("192.168.4.2", client.Get("address").String);
            Assert.AreEqual(2, client.Get("entries").Int, "one UDP and one TCP session");
        }

        [TestMethod]
        public void Api_Status_CountsQuotaEvictions()
        {
            var h = new AdminHarness();
            h.SetUp();
            h.Engine.SetWanAddress(Wan);
            h.Engine.Tick();
            int quota = h.Engine.HostQuota;
            for (int i = 0; i < quota + 3; i++)
            {
                byte[] udp = Packets.Udp(Client, (ushort)(20000 + i), Server, 7000);
                h.Engine.Process(udp, udp.Length, Side.Lan);
                if (i == quota - 1)
                {
                    // The host's own oldest entries become idle long enough to be reused.
                    for (int t = 0; t < 40; t++)
                    {
                        h.Clock.NowMs += 1000;
                        h.Engine.Tick();
                    }
                }
            }

            Assert.IsTrue(h.Engine.EvictedQuota > 0, "the host at its quota reused its own idle entries");
            string token = h.ApiLogin();
            JsonNode nat = TestJson.Parse(h.Api("GET", "/api/status", null, token).Body).Get("nat");
            Assert.AreEqual(h.Engine.EvictedQuota, nat.Get("evictions").Get("quota").Int);
            Assert.AreEqual(quota, nat.Get("active").Int);
        }

        [TestMethod]
        public void StatusPage_ListsOnlyTheReasonsThatHappened_AndEachClientsEntries()
        {
            AdminHarness h = WithTraffic();
            Reply page = h.Get("/");
            Assert.AreEqual(200, page.Status);
            Expect.Contains(page.Body, "id=drop-reasons");
            Expect.Contains(page.Body, "<tr><td>Malformed IPv4</td><td class=n>1</td></tr>");
            Expect.Contains(page.Body, "<tr><td>Unsolicited from the uplink</td><td class=n>2</td></tr>");
            Assert.IsFalse(Text.Contains(page.Body, "NAT table full"), "reasons with no drops are left out");
            Expect.Contains(page.Body, "<td class=mono>02:00:00:00:00:02</td><td class=n>2</td>");
        }

        [TestMethod]
        public void StatusPage_NoDrops_NoBreakdown()
        {
            var h = new AdminHarness();
            h.SetUp();
            Reply page = h.Get("/");
            Assert.AreEqual(200, page.Status);
            Assert.IsFalse(Text.Contains(page.Body, "drop-reasons"), "nothing to break down");
        }
    }
}
