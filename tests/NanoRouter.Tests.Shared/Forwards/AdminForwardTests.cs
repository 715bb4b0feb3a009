using NanoRouter.Core.Admin;
using NanoRouter.Core.Config;
using NanoRouter.Core.Nat;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Admin
{
    /// <summary>
    /// Port forwarding in the admin app (issue 14, section 3): GET and PUT /api/forwards behind the
    /// Bearer token, validated whole (400 with a JSON error, nothing changed), saved with the
    /// settings and handed to the engine; the settings page's section with its CSRF-checked forms
    /// and a visible error. The harness's LAN is 192.168.4.0/24.
    /// </summary>
    [TestClass]
    public class AdminForwardTests
    {
        private const string TwoRules = "[{\"protocol\":\"tcp\",\"externalPort\":8022,\"host\":\"192.168.4.2\",\"port\":22,\"enabled\":true},"
            + " {\"protocol\":\"udp\",\"externalPort\":5353,\"host\":\"192.168.4.3\",\"port\":53,\"enabled\":false}]";

        [TestMethod]
        public void Api_Forwards_NeedsBearer()
        {
            var h = new AdminHarness();
            h.SetUp();
            Assert.AreEqual(401, h.Api("GET", "/api/forwards").Status);
            Assert.AreEqual(401, h.Api("PUT", "/api/forwards", TwoRules).Status);
            Assert.AreEqual(0, h.Settings.Forwards.Count);
        }

        [TestMethod]
        public void Api_PutForwards_Applies_Persists_AndGetShowsThem()
        {
            var h = new AdminHarness();
            h.SetUp();
            string token = h.ApiLogin();
            Reply r = h.Api("PUT", "/api/forwards", TwoRules, token);
            Assert.AreEqual(200, r.Status, r.ToString());
            JsonNode list = TestJson.Parse(r.Body);
            Assert.AreEqual(2, list.Count);
            Assert.AreEqual("tcp", list.At(0).Get("protocol").String);
            Assert.AreEqual(8022, list.At(0).Get("externalPort").Int);
            Assert.AreEqual("192.168.4.2", list.At(0).Get("host").String);
            Assert.AreEqual(22, list.At(0).Get("port").Int);
            Assert.IsTrue(list.At(0).Get("enabled").Bool);
            Assert.AreEqual(0, list.At(0).Get("flows").Int);
            Assert.AreEqual(0, list.At(0).Get("refused").Int);
            Assert.AreEqual("udp", list.At(1).Get("protocol").String);
            Assert.IsFalse(list.At(1).Get("enabled").Bool);

            h.Engine.Tick();
            Assert.AreEqual(2, h.Engine.Forwards.Count, "the engine took them at its tick");
            var reloaded = new RouterSettings();
            new SettingsStore(h.RawStore).Load(reloaded);
            Assert.AreEqual(2, reloaded.Forwards.Count, "saved");
            Assert.AreEqual(0xC0A80403u, reloaded.Forwards.Host[1]);

            JsonNode again = TestJson.Parse(h.Api("GET", "/api/forwards", null, token).Body);
            Assert.AreEqual(2, again.Count);
            Assert.AreEqual(5353, again.At(1).Get("externalPort").Int);
            JsonNode status = TestJson.Parse(h.Api("GET", "/api/status", null, token).Body);
            Assert.AreEqual(2, status.Get("forwards").Count, "the status carries the rules and their counters");

            // GET's answer, counters and all, can be sent back; an empty list removes every rule.
            Assert.AreEqual(200, h.Api("PUT", "/api/forwards", h.Api("GET", "/api/forwards", null, token).Body, token).Status);
            Assert.AreEqual(200, h.Api("PUT", "/api/forwards", "[]", token).Status);
            Assert.AreEqual(0, h.Settings.Forwards.Count);
        }

        [TestMethod]
        [DataRow("{\"protocol\":\"tcp\"}", "expected a JSON array")]
        [DataRow("[{\"protocol\":\"icmp\",\"externalPort\":1,\"host\":\"192.168.4.2\",\"port\":1}]", "\"protocol\" must be \"tcp\" or \"udp\"")]
        [DataRow("[{\"protocol\":\"tcp\",\"externalPort\":70000,\"host\":\"192.168.4.2\",\"port\":1}]", "ports must be whole numbers from 1 to 65535")]
        [DataRow("[{\"protocol\":\"tcp\",\"externalPort\":80.5,\"host\":\"192.168.4.2\",\"port\":1}]", "ports must be whole numbers from 1 to 65535")]
        [DataRow("[{\"protocol\":\"tcp\",\"externalPort\":\"80\",\"host\":\"192.168.4.2\",\"port\":1}]", "ports must be whole numbers from 1 to 65535")]
        [DataRow("[{\"protocol\":\"tcp\",\"externalPort\":80,\"host\":\"192.168.4\",\"port\":1}]", "\"host\" must be an IPv4 address such as 198.19.4.2")]
        [DataRow("[{\"protocol\":\"tcp\",\"externalPort\":80,\"host\":\"192.168.4.2\"}]", "each rule needs \"protocol\", \"externalPort\", \"host\" and \"port\"")]
        [DataRow("[{\"protocol\":\"tcp\",\"externalPort\":80,\"host\":\"192.168.4.2\",\"port\":1,\"enabled\":1}]", "\"enabled\" must be true or false")]
        [DataRow("[{\"protocol\":\"tcp\",\"externalPort\":80,\"host\":\"192.168.4.2\",\"port\":1,\"bogus\":1}]", "unknown key")]
        [DataRow("[{\"protocol\":\"tcp\",\"externalPort\":80,\"host\":\"192.168.4.2\",\"port\":1}", "expected ',' or ']'")]
        [DataRow("[{\"protocol\":\"tcp\",\"externalPort\":80,\"host\":\"192.168.4.2\",\"port\":1}] x", "unexpected text after the array")]
        [DataRow("[7]", "expected a JSON object in the array")]
        [DataRow("[{\"protocol\":\"tcp\",\"externalPort\":80,\"host\":\"10.0.0.2\",\"port\":1}]", "The host must be a LAN address (192.168.4.0/24, not the router's).")]
        [DataRow("[{\"protocol\":\"tcp\",\"externalPort\":80,\"host\":\"192.168.4.1\",\"port\":1}]", "The host must be a LAN address (192.168.4.0/24, not the router's).")]
        [DataRow("[{\"protocol\":\"udp\",\"externalPort\":68,\"host\":\"192.168.4.2\",\"port\":68}]", "UDP ports 67 and 68 belong to the router (DHCP).")]
        [DataRow("[{\"protocol\":\"udp\",\"externalPort\":4500,\"host\":\"192.168.4.2\",\"port\":4500}]", "UDP ports 500, 4500 and 1701 are kept for VPN passthrough.")]
        [DataRow("[{\"protocol\":\"tcp\",\"externalPort\":80,\"host\":\"192.168.4.2\",\"port\":1},{\"protocol\":\"tcp\",\"externalPort\":80,\"host\":\"192.168.4.3\",\"port\":2}]", "Two rules use tcp port 80.")]
        public void Api_PutForwards_Invalid_Is400_AndChangesNothing(string body, string message)
        {
            var h = new AdminHarness();
            h.SetUp();
            string token = h.ApiLogin();
            Assert.AreEqual(200, h.Api("PUT", "/api/forwards", TwoRules, token).Status);
            Reply r = h.Api("PUT", "/api/forwards", body, token);
            Assert.AreEqual(400, r.Status, r.ToString());
            Assert.AreEqual(message, TestJson.Parse(r.Body).Get("error").String);
            Assert.AreEqual(2, h.Settings.Forwards.Count, "validated before anything is applied");
            Assert.AreEqual(8022, (int)h.Settings.Forwards.ExternalPort[0]);
        }

        [TestMethod]
        public void Api_PutForwards_MoreThanTheTable_Is400()
        {
            var h = new AdminHarness();
            h.SetUp();
            string token = h.ApiLogin();
            string body = "[";
            for (int i = 0; i <= PortForwards.Capacity; i++)
            {
                body += (i > 0 ? "," : "") + "{\"protocol\":\"tcp\",\"externalPort\":" + (8000 + i).ToString() + ",\"host\":\"192.168.4.2\",\"port\":22}";
            }

            Reply r = h.Api("PUT", "/api/forwards", body + "]", token);
            Assert.AreEqual(400, r.Status);
            Assert.AreEqual("at most 8 port-forwarding rules", TestJson.Parse(r.Body).Get("error").String);
            Assert.AreEqual(0, h.Settings.Forwards.Count);
        }

        [TestMethod]
        public void Api_PutForwards_RangeConflict_NamesTheRule()
        {
            var h = new AdminHarness();
            h.Engine.Options.PortRangeEnd = 49151; // the ESP32's lwIP takes 49152 and up
            h.SetUp();
            string token = h.ApiLogin();
            string body = "[{\"protocol\":\"tcp\",\"externalPort\":8022,\"host\":\"192.168.4.2\",\"port\":22},"
                + "{\"protocol\":\"tcp\",\"externalPort\":50000,\"host\":\"192.168.4.2\",\"port\":22}]";
            Reply r = h.Api("PUT", "/api/forwards", body, token);
            Assert.AreEqual(400, r.Status);
            JsonNode error = TestJson.Parse(r.Body);
            Assert.AreEqual("Port 50000 belongs to the router itself: use a port below 1024 or within the NAT range 1024-49151.", error.Get("error").String);
            Assert.AreEqual(1, error.Get("rule").Int);
        }

        [TestMethod]
        public void SettingsPage_AddToggleDelete_WithCsrf()
        {
            var h = new AdminHarness();
            h.SetUp();
            Reply page = h.Get("/settings");
            Expect.Contains(page.Body, "<section class=card id=forwards>");
            Expect.Contains(page.Body, "No rules yet.");
            string csrf = AdminHarness.Csrf(page);
            string add = "op=add&fprotocol=udp&fexternal=5353&fhost=192.168.4.3&fport=53&fenabled=1";
            Assert.AreEqual(403, h.Post("/forwards", add).Status, "no CSRF token");
            Assert.AreEqual(0, h.Settings.Forwards.Count);

            Reply added = h.Post("/forwards", "csrf=" + csrf + "&" + add);
            Assert.AreEqual(303, added.Status, added.ToString());
            Assert.AreEqual(1, h.Settings.Forwards.Count);
            Assert.AreEqual(PortForwards.ProtocolUdp, h.Settings.Forwards.Protocol[0]);
            Assert.IsTrue(h.Settings.Forwards.Enabled[0]);
            page = h.Get("/settings");
            Expect.Contains(page.Body, "<tr id=\"forward-0\"><td>UDP</td><td class=n>5353</td><td>192.168.4.3</td><td class=n>53</td>");
            Expect.Contains(page.Body, "id=\"toggle-forward-0\" class=secondary>Switch off");

            Assert.AreEqual(303, h.Post("/forwards", "csrf=" + csrf + "&index=0&op=toggle").Status);
            Assert.IsFalse(h.Settings.Forwards.Enabled[0], "switched off");
            Expect.Contains(h.Get("/settings").Body, "id=\"toggle-forward-0\" class=secondary>Switch on");
            var reloaded = new RouterSettings();
            new SettingsStore(h.RawStore).Load(reloaded);
            Assert.IsFalse(reloaded.Forwards.Enabled[0], "saved");

            Assert.AreEqual(303, h.Post("/forwards", "csrf=" + csrf + "&index=0&op=delete").Status);
            Assert.AreEqual(0, h.Settings.Forwards.Count);
        }

        [TestMethod]
        [DataRow("op=add&fprotocol=tcp&fexternal=8022&fhost=10.1.1.1&fport=22", "The host must be a LAN address")]
        [DataRow("op=add&fprotocol=tcp&fexternal=0&fhost=192.168.4.2&fport=22", "Ports must be whole numbers from 1 to 65535.")]
        [DataRow("op=add&fprotocol=tcp&fexternal=8022&fhost=nas&fport=22", "Enter the LAN host&#39;s IPv4 address")]
        [DataRow("op=add&fprotocol=gre&fexternal=8022&fhost=192.168.4.2&fport=22", "Choose TCP or UDP.")]
        [DataRow("op=add&fprotocol=tcp&fexternal=8022&fhost=192.168.4.5&fport=23", "Two rules use tcp port 8022.")]
        [DataRow("op=delete&index=3", "There is no such rule")]
        public void SettingsPage_BadRule_400WithVisibleError_TypedValuesKept(string form, string message)
        {
            var h = new AdminHarness();
            h.SetUp();
            string csrf = AdminHarness.Csrf(h.Get("/settings"));
            Assert.AreEqual(303, h.Post("/forwards", "csrf=" + csrf + "&op=add&fprotocol=tcp&fexternal=8022&fhost=192.168.4.2&fport=22&fenabled=1").Status);
            Reply r = h.Post("/forwards", "csrf=" + csrf + "&" + form);
            Assert.AreEqual(400, r.Status);
            Expect.Contains(r.Body, "<p class=error role=alert id=forward-error>");
            Expect.Contains(r.Body, message);
            Assert.AreEqual(1, h.Settings.Forwards.Count, "nothing changed");
            if (form.IndexOf("fexternal=8022") >= 0)
            {
                Expect.Contains(r.Body, "value=\"8022\"");
            }
        }
    }
}
