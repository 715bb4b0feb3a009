using NanoRouter.Core.Nat;
using NanoRouter.Core.Passthrough;
using NanoRouter.Hal;
using NanoRouter.Tests.Nat;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Admin
{
    /// <summary>The VPN page and GET /api/vpn (issue 14 §2): the contract's shape, Bearer auth like
    /// /api/status, a problem with its plain hint, and a page without scripts linked from Status.</summary>
    [TestClass]
    public class AdminVpnTests
    {
        private const uint Client = 0xC0A80402; // the harness's LAN is the device default 192.168.4.0/24
        private const uint Other = 0xC0A80403;

        private static AdminHarness Harness()
        {
            var h = new AdminHarness();
            h.Engine.SetWanAddress(Net.Wan);
            h.Engine.Tick();
            h.SetUp();
            return h;
        }

        private static void Forward(AdminHarness h, byte[] packet, Side ingress)
        {
            byte[] copy = (byte[])packet.Clone();
            Assert.AreEqual(Verdict.Forward, h.Engine.Process(copy, copy.Length, ingress), "forwarded (last drop " + h.Engine.LastDrop + ")");
        }

        [TestMethod]
        public void ApiVpn_WithoutToken_401()
        {
            AdminHarness h = Harness();
            Reply r = h.Api("GET", "/api/vpn");
            Assert.AreEqual(401, r.Status);
            Assert.AreEqual("Bearer", r.Header("WWW-Authenticate"));
        }

        [TestMethod]
        public void ApiVpn_Empty_SessionsIsAnEmptyArray()
        {
            AdminHarness h = Harness();
            Reply r = h.Api("GET", "/api/vpn", null, h.ApiLogin());
            Assert.AreEqual(200, r.Status);
            Assert.AreEqual("application/json", r.Header("Content-Type"));
            JsonNode sessions = TestJson.Parse(r.Body).Get("sessions");
            Assert.AreEqual(JsonNodeKind.Array, sessions.Kind);
            Assert.AreEqual(0, sessions.Count);
            Assert.AreEqual(405, h.Api("PUT", "/api/vpn", "{}", h.ApiLogin()).Status);
        }

        [TestMethod]
        public void ApiVpn_NatTSessionAndBlockedEsp_ContractShape()
        {
            AdminHarness h = Harness();
            string token = h.ApiLogin();
            byte[] espInUdp = { 0xC1, 0, 0, 1, 0, 0, 0, 1, 9, 9, 9, 9, 9, 9, 9, 9 };
            for (int i = 0; i < 12; i++)
            {
                Forward(h, Packets.Udp(Client, 4500, Net.Server, 4500, espInUdp), Side.Lan);
            }

            for (int i = 0; i < 11; i++)
            {
                Forward(h, Packets.Udp(Net.Server, 4500, Net.Wan, 4500, espInUdp), Side.Wan);
            }

            h.Engine.Passthrough.SetEnabled(PassthroughProtocol.Esp, false);
            byte[] esp = (byte[])Packets.Esp(Other, Net.Server, 0x0A0B0C0D).Clone();
            Assert.AreEqual(Verdict.Drop, h.Engine.Process(esp, esp.Length, Side.Lan));
            h.Clock.NowMs += 3000;
            h.Engine.Tick();

            Reply r = h.Api("GET", "/api/vpn", null, token);
            Assert.AreEqual(200, r.Status);
            JsonNode sessions = TestJson.Parse(r.Body).Get("sessions");
            Assert.AreEqual(2, sessions.Count);
            JsonNode natt = Session(sessions, "natt");
            Assert.AreEqual("192.168.4.2", natt.Get("client").String);
            Assert.AreEqual("198.18.7.1", natt.Get("server").String);
            Assert.AreEqual("espInUdp", natt.Get("state").String);
            Assert.AreEqual(12, natt.Get("packetsOut").Int);
            Assert.AreEqual(11, natt.Get("packetsIn").Int);
            Assert.AreEqual(3, natt.Get("lastSeenSec").Int);
            Assert.AreEqual(4500, natt.Get("externalPort").Int);
            Assert.AreEqual(JsonNodeKind.Null, natt.Get("problem").Kind);
            Assert.AreEqual(JsonNodeKind.Null, natt.Get("hint").Kind);

            JsonNode blocked = Session(sessions, "esp");
            Assert.AreEqual("192.168.4.3", blocked.Get("client").String);
            Assert.AreEqual("blocked", blocked.Get("state").String);
            Assert.AreEqual(JsonNodeKind.Null, blocked.Get("externalPort").Kind, "ESP has no port");
            Assert.AreEqual("passthroughOff", blocked.Get("problem").String);
            string hint = blocked.Get("hint").String;
            Assert.IsTrue(Text.Contains(hint, "IPsec ESP switch is off"), hint);
            Assert.IsTrue(Text.Contains(hint, "Passthrough page"), hint);
        }

        [TestMethod]
        public void ApiVpn_AmbiguousEsp_HintNamesTheOtherClientAndNatT()
        {
            AdminHarness h = Harness();
            Forward(h, Packets.Esp(Client, Net.Server, 0xA0000001), Side.Lan);
            Forward(h, Packets.Esp(Other, Net.Server, 0xB0000001), Side.Lan);
            Forward(h, Packets.Esp(Net.Server, Net.Wan, 0xC0000001), Side.Wan);
            JsonNode sessions = TestJson.Parse(h.Api("GET", "/api/vpn", null, h.ApiLogin()).Body).Get("sessions");
            Assert.AreEqual(2, sessions.Count);
            for (int i = 0; i < 2; i++)
            {
                JsonNode s = sessions.At(i);
                Assert.AreEqual("espAmbiguous", s.Get("problem").String);
                string other = s.Get("client").String == "192.168.4.2" ? "192.168.4.3" : "192.168.4.2";
                Assert.AreEqual(other, s.Get("otherClient").String);
                Assert.IsTrue(Text.Contains(s.Get("hint").String, other), s.Get("hint").String);
                Assert.IsTrue(Text.Contains(s.Get("hint").String, "NAT-T"), s.Get("hint").String);
            }

            JsonNode bound = Session(sessions, "esp");
            Assert.IsTrue(Text.Contains(bound.Get("detail").String, "SPI out 0x"), bound.Get("detail").String);
        }

        [TestMethod]
        public void VpnPage_ListsRowsAndProblemWithoutScript_LinkedFromStatus()
        {
            AdminHarness h = Harness();
            Reply empty = h.Get("/vpn");
            Assert.AreEqual(200, empty.Status);
            Assert.IsTrue(Text.Contains(empty.Body, "No VPN traffic seen yet."), empty.Body);

            Forward(h, Packets.Gre(Client, Net.Server), Side.Lan);
            byte[] second = (byte[])Packets.Gre(Other, Net.Server).Clone();
            Assert.AreEqual(Verdict.Drop, h.Engine.Process(second, second.Length, Side.Lan));
            Reply page = h.Get("/vpn");
            Assert.AreEqual(200, page.Status);
            Assert.AreEqual("text/html; charset=utf-8", page.Header("Content-Type"));
            Assert.IsFalse(Text.Contains(page.Body, "<script"), "no JavaScript");
            Assert.IsTrue(Text.Contains(page.Body, "<table id=vpn>"));
            Assert.IsTrue(Text.Contains(page.Body, "<meta http-equiv=refresh content=10>"), "reloads itself");
            Assert.IsTrue(Text.Contains(page.Body, ">greOwned</span>"), page.Body);
            Assert.IsTrue(Text.Contains(page.Body, "Another device (192.168.4.2) already has a GRE tunnel to this server without a key"), page.Body);
            Assert.IsTrue(Text.Contains(page.Body, ">keyless<"), page.Body);
            Assert.IsFalse(Text.Contains(page.Body, "?</"), "every slot filled");

            Reply status = h.Get("/");
            Assert.IsTrue(Text.Contains(status.Body, "<a href=/vpn id=vpn-link>"), "Status links to the VPN page");
            Assert.IsTrue(Text.Contains(status.Body, "<a href=\"/vpn\">VPN</a>"), "and so does the navigation");
            Assert.AreEqual(405, h.Post("/vpn", "csrf=" + AdminHarness.Csrf(status)).Status);
        }

        private static JsonNode Session(JsonNode sessions, string protocol)
        {
            for (int i = 0; i < sessions.Count; i++)
            {
                if (sessions.At(i).Get("protocol").String == protocol)
                {
                    return sessions.At(i);
                }
            }

            Assert.IsTrue(false, "no " + protocol + " session");
            return null;
        }
    }
}
