using System.Linq;
using System.Text.Json;
using NanoRouter.Core.Config;
using NanoRouter.Core.Nat;
using NanoRouter.Core.Passthrough;
using NanoRouter.Hal;
using NanoRouter.Tests.Admin;
using NanoRouter.Tests.Config;
using NanoRouter.Tests.Nat;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.HostOnly
{
    /// <summary>
    /// The admin API's contract shape read with System.Text.Json, the second oracle: the JSON
    /// assertions of the shared AdminAppTests and AdminStatusCountersTests that check the shape of
    /// /api/status and /api/passthrough, as they were before those tests read the answers with the
    /// tests' own <see cref="TestJson"/> (which on the host also hands every text to JsonDocument).
    /// </summary>
    [TestClass]
    public class AdminApiJsonTests
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
        public void Api_Status_HasTheContractShape()
        {
            var h = new AdminHarness();
            h.Host.AddClient(0xC0A80402, "02:00:00:00:00:02");
            h.Host.UplinkSsid = TestText.Of("Caf\u00e9 \"<b>\"");
            h.SetUp();
            string token = h.ApiLogin();
            Reply r = h.Api("GET", "/api/status", null, token);
            Assert.AreEqual(200, r.Status);
            Assert.AreEqual("application/json", r.Header("Content-Type"));
            JsonElement root = JsonDocument.Parse(r.Body).RootElement;
            JsonElement pass = root.GetProperty("passthrough");
            foreach (string key in new[] { "esp", "ike", "natt", "l2tp", "pptp", "gre" })
            {
                JsonElement rule = pass.GetProperty(key);
                Assert.IsTrue(rule.GetProperty("enabled").GetBoolean());
                foreach (string counter in new[] { "packetsOut", "packetsIn", "drops", "mappings" })
                {
                    Assert.AreEqual(0, rule.GetProperty(counter).GetInt32(), key + "." + counter);
                }
            }

            Assert.AreEqual(6, pass.EnumerateObject().Count(_ => true));
            JsonElement nat = root.GetProperty("nat");
            Assert.AreEqual(h.Engine.Capacity, nat.GetProperty("capacity").GetInt32());
            Assert.AreEqual(h.Engine.ActiveEntries, nat.GetProperty("active").GetInt32());
            Assert.AreEqual(h.Engine.TotalDrops, nat.GetProperty("drops").GetInt32());
            Assert.AreEqual("Caf\u00e9 \"<b>\"", root.GetProperty("uplink").GetProperty("ssid").GetString());
            Assert.AreEqual("198.18.0.2", root.GetProperty("uplink").GetProperty("address").GetString());
            Assert.AreEqual(-58, root.GetProperty("uplink").GetProperty("rssi").GetInt32());
            Assert.AreEqual("192.168.4.2", root.GetProperty("clients")[0].GetProperty("address").GetString());
            Assert.AreEqual("empty", root.GetProperty("settings").GetProperty("status").GetString());
        }

        [TestMethod]
        public void Api_PutPassthrough_Subset_ReturnsFullState_AndPersists()
        {
            var h = new AdminHarness();
            h.SetUp();
            string token = h.ApiLogin();
            Reply r = h.Api("PUT", "/api/passthrough", "{\"esp\":false,\"pptp\":false}", token);
            Assert.AreEqual(200, r.Status, r.ToString());
            JsonElement root = JsonDocument.Parse(r.Body).RootElement;
            Assert.IsFalse(root.GetProperty("esp").GetProperty("enabled").GetBoolean());
            Assert.IsFalse(root.GetProperty("pptp").GetProperty("enabled").GetBoolean());
            Assert.IsTrue(root.GetProperty("ike").GetProperty("enabled").GetBoolean());
            Assert.AreEqual(6, root.EnumerateObject().Count(_ => true));
            Assert.IsFalse(h.Engine.Passthrough.IsEnabled(PassthroughProtocol.Esp));
            var reloaded = new RouterSettings();
            new SettingsStore(h.RawStore).Load(reloaded);
            Assert.IsFalse(reloaded.IsPassthroughEnabled(PassthroughProtocol.Esp));
            Assert.IsFalse(JsonDocument.Parse(h.Api("GET", "/api/passthrough", null, token).Body).RootElement.GetProperty("esp").GetProperty("enabled").GetBoolean());

            Reply on = h.Api("PUT", "/api/passthrough", "{\"esp\":true}", token);
            Assert.IsTrue(JsonDocument.Parse(on.Body).RootElement.GetProperty("esp").GetProperty("enabled").GetBoolean());
            Assert.IsFalse(JsonDocument.Parse(on.Body).RootElement.GetProperty("pptp").GetProperty("enabled").GetBoolean());
        }

        [TestMethod]
        [DataRow("{\"esp\":false,\"bogus\":true}", "unknown key")]
        [DataRow("{\"esp\":\"off\"}", "value of esp must be true or false")]
        [DataRow("{\"esp\":0}", "value of esp must be true or false")]
        [DataRow("{\"esp\":null}", "value of esp must be true or false")]
        [DataRow("{\"esp\":{\"enabled\":false}}", "nested objects and arrays are not accepted")]
        [DataRow("[false]", "expected a JSON object")]
        [DataRow("{\"esp\":false", "expected ',' or '}'")]
        public void Api_PutPassthrough_Invalid_Is400_AndChangesNothing(string body, string message)
        {
            var h = new AdminHarness();
            h.SetUp();
            string token = h.ApiLogin();
            Reply r = h.Api("PUT", "/api/passthrough", body, token);
            Assert.AreEqual(400, r.Status);
            Assert.AreEqual(message, JsonDocument.Parse(r.Body).RootElement.GetProperty("error").GetString());
            Assert.IsTrue(h.Engine.Passthrough.IsEnabled(PassthroughProtocol.Esp), "validated before anything is applied");
        }

        [TestMethod]
        public void Status_WifiNotice_OnThePageAndInTheApi()
        {
            var h = new AdminHarness();
            h.SetUp();
            Assert.IsFalse(h.Get("/").Body.Contains("wifi-notice"));
            string token = h.ApiLogin();
            JsonElement uplink = JsonDocument.Parse(h.Api("GET", "/api/status", null, token).Body).RootElement.GetProperty("uplink");
            Assert.AreEqual(System.Text.Json.JsonValueKind.Null, uplink.GetProperty("wifiNotice").ValueKind);
            h.Host.WifiNotice = "The device refused the saved access-point settings <now>.";
            Expect.Contains(h.Get("/").Body, "<p class=warn id=wifi-notice>The device refused the saved access-point settings &lt;now&gt;.</p>");
            uplink = JsonDocument.Parse(h.Api("GET", "/api/status", null, token).Body).RootElement.GetProperty("uplink");
            Assert.AreEqual("The device refused the saved access-point settings <now>.", uplink.GetProperty("wifiNotice").GetString());
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
    }
}
