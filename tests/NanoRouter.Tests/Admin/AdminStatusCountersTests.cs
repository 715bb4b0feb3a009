using System.Linq;
using System.Text.Json;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.Core.Nat;
using NanoRouter.Hal;
using NanoRouter.Tests.Nat;

namespace NanoRouter.Tests.Admin
{
    /// <summary>What the status API and page tell about drops, evictions and each client's share of the table.</summary>
    [TestClass]
    public class AdminStatusCountersTests
    {
        private const uint Client = 0xC0A80402; // 192.168.4.2, the harness's first AP client
        private const uint Wan = 0xC6120002;    // 198.18.0.2
        private const uint Server = 0xC6120001; // 198.18.0.1

        private static AdminHarness WithTraffic()
        {
            var h = new AdminHarness();
            h.Host.Clients.Add((Client, "02:00:00:00:00:02"));
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
            JsonElement nat = JsonDocument.Parse(r.Body).RootElement.GetProperty("nat");
            Assert.AreEqual(h.Engine.HostQuota, nat.GetProperty("hostQuota").GetInt32());
            Assert.AreEqual(128, nat.GetProperty("hostQuota").GetInt32(), "a quarter of 512");
            JsonElement reasons = nat.GetProperty("dropReasons");
            Assert.AreEqual(DropReasons.Count - 1, reasons.EnumerateObject().Count());
            Assert.AreEqual(1, reasons.GetProperty("malformed").GetInt32());
            Assert.AreEqual(2, reasons.GetProperty("noMapping").GetInt32());
            Assert.AreEqual(0, reasons.GetProperty("tableFull").GetInt32());
            Assert.AreEqual(nat.GetProperty("drops").GetInt32(), reasons.EnumerateObject().Sum(p => p.Value.GetInt32()), "the reasons add up to the total");
            JsonElement evictions = nat.GetProperty("evictions");
            foreach (string key in new[] { "expired", "quota", "idle" })
            {
                Assert.AreEqual(0, evictions.GetProperty(key).GetInt32(), key);
            }

            JsonElement client = JsonDocument.Parse(r.Body).RootElement.GetProperty("clients")[0];
            Assert.AreEqual("192.168.4.2", client.GetProperty("address").GetString());
            Assert.AreEqual(2, client.GetProperty("entries").GetInt32(), "one UDP and one TCP session");
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
            JsonElement nat = JsonDocument.Parse(h.Api("GET", "/api/status", null, token).Body).RootElement.GetProperty("nat");
            Assert.AreEqual(h.Engine.EvictedQuota, nat.GetProperty("evictions").GetProperty("quota").GetInt32());
            Assert.AreEqual(quota, nat.GetProperty("active").GetInt32());
        }

        [TestMethod]
        public void StatusPage_ListsOnlyTheReasonsThatHappened_AndEachClientsEntries()
        {
            AdminHarness h = WithTraffic();
            Reply page = h.Get("/");
            Assert.AreEqual(200, page.Status);
            StringAssert.Contains(page.Body, "id=drop-reasons");
            StringAssert.Contains(page.Body, "<tr><td>Malformed IPv4</td><td class=n>1</td></tr>");
            StringAssert.Contains(page.Body, "<tr><td>Unsolicited from the uplink</td><td class=n>2</td></tr>");
            Assert.IsFalse(page.Body.Contains("NAT table full"), "reasons with no drops are left out");
            StringAssert.Contains(page.Body, "<td class=mono>02:00:00:00:00:02</td><td class=n>2</td>");
        }

        [TestMethod]
        public void StatusPage_NoDrops_NoBreakdown()
        {
            var h = new AdminHarness();
            h.SetUp();
            Reply page = h.Get("/");
            Assert.AreEqual(200, page.Status);
            Assert.IsFalse(page.Body.Contains("drop-reasons"), "nothing to break down");
        }
    }
}
