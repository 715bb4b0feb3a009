using System;
using NanoRouter.Core.Admin;
using NanoRouter.Core.Common;
using NanoRouter.Core.Config;
using NanoRouter.Core.Passthrough;
using NanoRouter.Core.Router;
using NanoRouter.Tests.Config;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Admin
{
    /// <summary>
    /// The admin app's contract: first boot, login, CSRF, Host allow-list, JSON API, pages. The API's
    /// answers are read with the tests' own strict JSON reader (<see cref="TestJson"/>);
    /// HostOnly/AdminApiJsonTests reads the contract's shape with System.Text.Json as well.
    /// </summary>
    [TestClass]
    public class AdminAppTests
    {
        [TestMethod]
        public void FirstBoot_EveryPageRedirectsToSetup_AndApiRefusesLogin()
        {
            var h = new AdminHarness();
            foreach (string path in new[] { "/", "/passthrough", "/settings", "/system", "/login", "/nope" })
            {
                Reply r = h.Get(path);
                Assert.AreEqual(303, r.Status, path);
                Assert.AreEqual("/setup", r.Header("Location"));
            }

            Reply post = h.Post("/passthrough", "esp=off");
            Assert.AreEqual(303, post.Status);
            Assert.IsTrue(h.Engine.Passthrough.IsEnabled(PassthroughProtocol.Esp));
            Assert.AreEqual(403, h.Api("POST", "/api/login", "{\"password\":\"anything\"}").Status);
            Assert.AreEqual(401, h.Api("GET", "/api/status").Status);
            Assert.AreEqual(200, h.Get("/style.css").Status);
        }

        [TestMethod]
        public void Setup_NeedsCsrf_MinimumLength_MatchingConfirmation()
        {
            var h = new AdminHarness();
            Reply page = h.Get("/setup");
            Assert.AreEqual(200, page.Status);
            string csrf = AdminHarness.Csrf(page);
            Assert.AreEqual(403, h.Post("/setup", "password=longenough&confirm=longenough").Status);
            Assert.AreEqual(403, h.Post("/setup", "csrf=" + new string('0', 32) + "&password=longenough&confirm=longenough").Status);

            Reply shortOne = h.Post("/setup", "csrf=" + csrf + "&password=short&confirm=short");
            Assert.AreEqual(400, shortOne.Status);
            Expect.Contains(shortOne.Body, "Use at least 8 characters.");
            csrf = AdminHarness.Csrf(shortOne);
            Reply differ = h.Post("/setup", "csrf=" + csrf + "&password=longenough&confirm=longenougx");
            Assert.AreEqual(400, differ.Status);
            Expect.Contains(differ.Body, "The two passwords differ.");
            Assert.IsFalse(Text.Contains(differ.Body, "longenough"), "passwords are never echoed");
            Assert.IsFalse(h.Settings.HasAdminPassword);

            csrf = AdminHarness.Csrf(differ);
            Reply ok = h.Post("/setup", "csrf=" + csrf + "&password=longenough&confirm=longenough");
            Assert.AreEqual(303, ok.Status);
            Assert.AreEqual("/setup", ok.Header("Location"), "a claim: the password waits for the button");
            Assert.IsFalse(h.Settings.HasAdminPassword);
            h.PressButton();
            Reply confirmed = h.Get("/setup");
            Assert.AreEqual(303, confirmed.Status, confirmed.ToString());
            Assert.AreEqual("/", confirmed.Header("Location"));
            Assert.IsTrue(h.Settings.HasAdminPassword);
            Assert.AreEqual(200, h.Get("/").Status, "setup logs the browser in");

            // The hash was saved, salted: a reboot (new store) still knows the password.
            var reloaded = new RouterSettings();
            Assert.AreEqual(SettingsLoadStatus.Loaded, new SettingsStore(h.RawStore).Load(reloaded));
            Assert.IsTrue(reloaded.HasAdminPassword);
            Assert.AreEqual(303, h.Get("/setup").Status, "setup is closed once a password exists");
        }

        [TestMethod]
        public void SessionCookie_IsHttpOnlySameSiteStrict_AndSecurityHeadersOnEveryResponse()
        {
            var h = new AdminHarness();
            h.Claim("longenough");
            h.PressButton();
            Reply done = h.Get("/setup");
            string cookie = null;
            foreach (string setCookie in done.Headers("Set-Cookie"))
            {
                if (cookie == null && Text.StartsWith(setCookie, "nr_sid="))
                {
                    cookie = setCookie;
                }
            }

            Assert.IsNotNull(cookie);
            Expect.Contains(cookie, "HttpOnly");
            Expect.Contains(cookie, "SameSite=Strict");
            foreach (Reply r in new[] { h.Get("/"), h.Get("/style.css"), h.Get("/x", "evil.example"), h.Api("GET", "/api/status") })
            {
                Assert.AreEqual("DENY", r.Header("X-Frame-Options"));
                Expect.Contains(r.Header("Content-Security-Policy"), "frame-ancestors 'none'");
                Expect.Contains(r.Header("Content-Security-Policy"), "default-src 'none'");
                Assert.AreEqual("nosniff", r.Header("X-Content-Type-Options"));
            }
        }

        [TestMethod]
        [DataRow("evil.example")]
        [DataRow("192.168.4.1.evil.example")]
        [DataRow("192.168.4.10")]
        [DataRow("192.168.4.1:")]
        [DataRow("192.168.4.1:80x")]
        [DataRow("[::1]")]
        [DataRow("")]
        public void WrongHost_Is421_EvenForApi(string host)
        {
            var h = new AdminHarness();
            h.SetUp();
            Assert.AreEqual(421, h.Get("/", host).Status);
            Reply api = h.Send("POST /api/login HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 28\r\n\r\n{\"password\":\"correct horse\"}");
            Assert.AreEqual(421, api.Status);
        }

        [TestMethod]
        [DataRow("192.168.4.1")]
        [DataRow("192.168.4.1:80")]
        [DataRow("nanorouter.lan")]
        [DataRow("NanoRouter.LAN:80")]
        [DataRow("127.0.0.1:8080")]
        [DataRow("127.0.0.1")]
        public void AllowedHosts_AreServed(string host)
        {
            var h = new AdminHarness();
            h.App.AllowHost("127.0.0.1", 8080);
            h.SetUp();
            Assert.AreEqual(200, h.Get("/", host).Status);
        }

        [TestMethod]
        [DataRow("192.168.4.1:99999")]
        [DataRow("192.168.4.1:8080")]
        [DataRow("192.168.4.1:0")]
        [DataRow("192.168.4.1:65616")]
        [DataRow("nanorouter.lan:81")]
        [DataRow("127.0.0.1:80")]
        [DataRow("127.0.0.1:99999")]
        public void HostPort_OnlyTheRealPort_Is421Otherwise(string host)
        {
            var h = new AdminHarness();
            h.App.AllowHost("127.0.0.1", 8080);
            h.SetUp();
            Assert.AreEqual(421, h.Get("/", host).Status, host);
            Reply api = h.Send("POST /api/login HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: 28\r\n\r\n{\"password\":\"correct horse\"}");
            Assert.AreEqual(421, api.Status, host);
        }

        [TestMethod]
        public void HostPort_FollowsTheServersPort()
        {
            var h = new AdminHarness();
            h.App.Port = 8088;
            h.App.AllowHost("localhost");
            h.SetUp();
            Assert.AreEqual(200, h.Get("/", "192.168.4.1:8088").Status);
            Assert.AreEqual(200, h.Get("/", "localhost:8088").Status);
            Assert.AreEqual(421, h.Get("/", "192.168.4.1:80").Status);
            Assert.AreEqual(421, h.Get("/", "localhost:80").Status);
        }

        [TestMethod]
        public void Http10WithoutHost_IsRefused()
        {
            var h = new AdminHarness();
            Assert.AreEqual(421, h.Send("GET / HTTP/1.0\r\n\r\n").Status);
        }

        [TestMethod]
        public void Pages_WithoutSession_RedirectToLogin_AndLoginWorks()
        {
            var h = new AdminHarness();
            h.SetUp();
            h.Cookies.Clear();
            Assert.AreEqual("/login", h.Get("/").Header("Location"));
            Assert.AreEqual("/login", h.Post("/passthrough", "esp=off").Header("Location"));
            Assert.IsTrue(h.Engine.Passthrough.IsEnabled(PassthroughProtocol.Esp));
            Reply login = h.Get("/login");
            Reply wrong = h.Post("/login", "csrf=" + AdminHarness.Csrf(login) + "&password=wrong+password");
            Assert.AreEqual(401, wrong.Status);
            Expect.Contains(wrong.Body, "Wrong password.");
            Reply right = h.Post("/login", "csrf=" + AdminHarness.Csrf(wrong) + "&password=correct+horse");
            Assert.AreEqual(303, right.Status);
            Assert.AreEqual(200, h.Get("/").Status);
        }

        [TestMethod]
        public void Login_WithoutCsrfOrFromOtherOrigin_IsRefused()
        {
            var h = new AdminHarness();
            h.SetUp();
            h.Cookies.Clear();
            h.Get("/login");
            Assert.AreEqual(403, h.Post("/login", "password=correct+horse").Status);
            Reply login = h.Get("/login");
            Assert.AreEqual(403, h.Post("/login", "csrf=" + AdminHarness.Csrf(login) + "&password=correct+horse", extraHeaders: "Origin: http://evil.example\r\n").Status);
            Assert.AreEqual(303, h.Post("/login", "csrf=" + AdminHarness.Csrf(login) + "&password=correct+horse", extraHeaders: "Origin: http://192.168.4.1\r\n").Status);
        }

        [TestMethod]
        public void StateChangingForms_WithoutCsrf_Are403()
        {
            var h = new AdminHarness();
            h.SetUp();
            Reply page = h.Get("/passthrough");
            string csrf = AdminHarness.Csrf(page);
            foreach (string path in new[] { "/passthrough", "/settings", "/password", "/reboot", "/reset", "/logout" })
            {
                Assert.AreEqual(403, h.Post(path, "esp=off&confirm=yes").Status, path);
                Assert.AreEqual(403, h.Post(path, "csrf=" + new string('a', 32) + "&esp=off&confirm=yes").Status, path);
            }

            Assert.IsTrue(h.Engine.Passthrough.IsEnabled(PassthroughProtocol.Esp));
            Assert.AreEqual(0, h.Host.Reboots);
            Assert.AreEqual(303, h.Post("/passthrough", "csrf=" + csrf + "&esp=off").Status);
            Assert.IsFalse(h.Engine.Passthrough.IsEnabled(PassthroughProtocol.Esp));
        }

        [TestMethod]
        public void PassthroughForm_AppliesAtOnce_AndPersists()
        {
            var h = new AdminHarness();
            h.SetUp();
            string csrf = AdminHarness.Csrf(h.Get("/passthrough"));
            Assert.AreEqual(303, h.Post("/passthrough", "csrf=" + csrf + "&pptp=off").Status);
            Assert.IsFalse(h.Engine.Passthrough.IsEnabled(PassthroughProtocol.Pptp));
            var reloaded = new RouterSettings();
            new SettingsStore(h.RawStore).Load(reloaded);
            Assert.IsFalse(reloaded.IsPassthroughEnabled(PassthroughProtocol.Pptp));
            Assert.IsTrue(reloaded.IsPassthroughEnabled(PassthroughProtocol.Esp));
            Reply page = h.Get("/passthrough");
            Expect.Contains(page.Body, "id=\"toggle-pptp\" class=\"primary\">Switch on");
            Assert.AreEqual(400, h.Post("/passthrough", "csrf=" + csrf + "&pptp=maybe").Status);
        }

        [TestMethod]
        public void Api_Unauthenticated_Is401WithChallenge()
        {
            var h = new AdminHarness();
            h.SetUp();
            foreach (string auth in new[] { null, "nothex", new string('0', 32), "0011" })
            {
                Reply r = h.Api("GET", "/api/status", null, auth);
                Assert.AreEqual(401, r.Status);
                Assert.AreEqual("Bearer", r.Header("WWW-Authenticate"));
                Assert.IsNotNull(TestJson.Parse(r.Body).Get("error").String);
            }

            Assert.AreEqual(401, h.Api("PUT", "/api/passthrough", "{\"esp\":false}").Status);
            Assert.IsTrue(h.Engine.Passthrough.IsEnabled(PassthroughProtocol.Esp));
            Assert.AreEqual(401, h.Api("GET", "/api/unknown").Status, "unknown calls need a token too");

            // The browser's session cookie does not authenticate the API.
            Assert.AreEqual(401, h.Send("GET /api/status HTTP/1.1\r\nHost: 192.168.4.1\r\n" + h.CookieHeader() + "\r\n").Status);
        }

        [TestMethod]
        public void Api_Login_WrongPassword401_BadJson400()
        {
            var h = new AdminHarness();
            h.SetUp();
            Assert.AreEqual(401, h.Api("POST", "/api/login", "{\"password\":\"nope nope\"}").Status);
            Assert.AreEqual(400, h.Api("POST", "/api/login", "{\"password\":123}").Status);
            Assert.AreEqual(400, h.Api("POST", "/api/login", "{\"pass\":\"correct horse\"}").Status);
            Assert.AreEqual(400, h.Api("POST", "/api/login", "{}").Status);
            Assert.AreEqual(400, h.Api("POST", "/api/login", "not json").Status);
            Reply twice = h.Api("POST", "/api/login", "{\"password\":\"nope nope\",\"password\":\"correct horse\"}");
            Assert.AreEqual(400, twice.Status, "a duplicate key is refused, not last-one-wins");
            Assert.AreEqual("duplicate key", TestJson.Parse(twice.Body).Get("error").String);
            Assert.AreEqual(405, h.Api("GET", "/api/login").Status);
            Assert.AreEqual(32, h.ApiLogin().Length);
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
            JsonNode root = TestJson.Parse(r.Body);
            JsonNode pass = root.Get("passthrough");
            foreach (string key in new[] { "esp", "ike", "natt", "l2tp", "pptp", "gre" })
            {
                JsonNode rule = pass.Get(key);
                Assert.IsTrue(rule.Get("enabled").Bool);
                foreach (string counter in new[] { "packetsOut", "packetsIn", "drops", "mappings" })
                {
                    Assert.AreEqual(0, rule.Get(counter).Int, key + "." + counter);
                }
            }

            Assert.AreEqual(6, pass.Count);
            JsonNode nat = root.Get("nat");
            Assert.AreEqual(h.Engine.Capacity, nat.Get("capacity").Int);
            Assert.AreEqual(h.Engine.ActiveEntries, nat.Get("active").Int);
            Assert.AreEqual(h.Engine.TotalDrops, nat.Get("drops").Int);
            Assert.AreEqual("Caf\u00e9 \"<b>\"", root.Get("uplink").Get("ssid").String);
            Assert.AreEqual("198.18.0.2", root.Get("uplink").Get("address").String);
            Assert.AreEqual(-58, root.Get("uplink").Get("rssi").Int);
            Assert.AreEqual("192.168.4.2", root.Get("clients").At(0).Get("address").String);
            Assert.AreEqual("empty", root.Get("settings").Get("status").String);
        }

        [TestMethod]
        public void Api_PutPassthrough_Subset_ReturnsFullState_AndPersists()
        {
            var h = new AdminHarness();
            h.SetUp();
            string token = h.ApiLogin();
            Reply r = h.Api("PUT", "/api/passthrough", "{\"esp\":false,\"pptp\":false}", token);
            Assert.AreEqual(200, r.Status, r.ToString());
            JsonNode root = TestJson.Parse(r.Body);
            Assert.IsFalse(root.Get("esp").Get("enabled").Bool);
            Assert.IsFalse(root.Get("pptp").Get("enabled").Bool);
            Assert.IsTrue(root.Get("ike").Get("enabled").Bool);
            Assert.AreEqual(6, root.Count);
            Assert.IsFalse(h.Engine.Passthrough.IsEnabled(PassthroughProtocol.Esp));
            var reloaded = new RouterSettings();
            new SettingsStore(h.RawStore).Load(reloaded);
            Assert.IsFalse(reloaded.IsPassthroughEnabled(PassthroughProtocol.Esp));
            Assert.IsFalse(TestJson.Parse(h.Api("GET", "/api/passthrough", null, token).Body).Get("esp").Get("enabled").Bool);

            Reply on = h.Api("PUT", "/api/passthrough", "{\"esp\":true}", token);
            Assert.IsTrue(TestJson.Parse(on.Body).Get("esp").Get("enabled").Bool);
            Assert.IsFalse(TestJson.Parse(on.Body).Get("pptp").Get("enabled").Bool);
        }

        [TestMethod]
        [DataRow("{\"esp\":false,\"bogus\":true}", "unknown key")]
        [DataRow("{\"esp\":\"off\"}", "value of esp must be true or false")]
        [DataRow("{\"esp\":0}", "value of esp must be true or false")]
        [DataRow("{\"esp\":null}", "value of esp must be true or false")]
        [DataRow("{\"esp\":{\"enabled\":false}}", "nested objects and arrays are not accepted")]
        [DataRow("[false]", "expected a JSON object")]
        [DataRow("{\"esp\":false", "expected ',' or '}'")]
        [DataRow("{\"esp\":false,\"esp\":true}", "duplicate key")]
        [DataRow("{\"esp\":false,\"gre\":false,\"esp\":false}", "duplicate key")]
        public void Api_PutPassthrough_Invalid_Is400_AndChangesNothing(string body, string message)
        {
            var h = new AdminHarness();
            h.SetUp();
            string token = h.ApiLogin();
            Reply r = h.Api("PUT", "/api/passthrough", body, token);
            Assert.AreEqual(400, r.Status);
            Assert.AreEqual(message, TestJson.Parse(r.Body).Get("error").String);
            Assert.IsTrue(h.Engine.Passthrough.IsEnabled(PassthroughProtocol.Esp), "validated before anything is applied");
        }

        [TestMethod]
        public void Api_Token_ExpiresAfterIdle_ButNotWhileUsed()
        {
            var h = new AdminHarness();
            h.SetUp();
            h.App.Sessions.IdleTimeoutMs = 60000;
            string token = h.ApiLogin();
            for (int i = 0; i < 5; i++)
            {
                h.Clock.NowMs += 50000;
                Assert.AreEqual(200, h.Api("GET", "/api/status", null, token).Status, "use keeps it alive");
            }

            h.Clock.NowMs += 60001;
            Assert.AreEqual(401, h.Api("GET", "/api/status", null, token).Status);
        }

        [TestMethod]
        public void Api_Logout_EndsTheToken()
        {
            var h = new AdminHarness();
            h.SetUp();
            string token = h.ApiLogin();
            Assert.AreEqual(200, h.Api("POST", "/api/logout", "", token).Status);
            Assert.AreEqual(401, h.Api("GET", "/api/status", null, token).Status);
        }

        /// <summary>POST /api/login as a page on another origin could send it (no-cors fetch or form).</summary>
        private static Reply ForeignLogin(AdminHarness h, string password, string headers)
        {
            string body = "{\"password\":\"" + password + "\"}";
            return h.Send("POST /api/login HTTP/1.1\r\nHost: 192.168.4.1\r\n" + headers + "Content-Length: " + Text.Utf8(body).Length + "\r\n\r\n" + body);
        }

        [TestMethod]
        public void CrossOriginLogins_NeverReachThePasswordCheck_NorCount_AdminStillLogsIn()
        {
            var h = new AdminHarness();
            h.SetUp();
            h.Cookies.Clear();
            for (int i = 0; i < 3 * LoginRateLimiter.MaxFailures; i++)
            {
                // A page on 198.18.0.1:8000 the admin has open: Chromium's no-cors POST (Origin, text/plain).
                Reply foreign = ForeignLogin(h, "guess " + i, "Origin: http://198.18.0.1:8000\r\nContent-Type: text/plain;charset=UTF-8\r\n");
                Assert.AreEqual(403, foreign.Status, foreign.ToString());
                Assert.AreEqual("cross-origin requests are refused", TestJson.Parse(foreign.Body).Get("error").String);

                // The same with the router's name on another port, and with an opaque origin.
                Assert.AreEqual(403, ForeignLogin(h, "guess " + i, "Origin: http://192.168.4.1:8080\r\nContent-Type: application/json\r\n").Status);
                Assert.AreEqual(403, ForeignLogin(h, "guess " + i, "Origin: null\r\nContent-Type: application/json\r\n").Status);

                // A browser that sends no Origin can still send only text/plain, form types or none.
                Assert.AreEqual(415, ForeignLogin(h, "guess " + i, "Content-Type: text/plain\r\n").Status);
                Assert.AreEqual(415, ForeignLogin(h, "guess " + i, "Content-Type: application/x-www-form-urlencoded\r\n").Status);
                Assert.AreEqual(415, ForeignLogin(h, "guess " + i, "").Status);
                Assert.AreEqual(415, ForeignLogin(h, "guess " + i, "Content-Type: application/jsonp\r\n").Status);

                // The login form posted from that page has no CSRF token the page could know.
                Reply form = h.Post("/login", "password=guess+" + i, extraHeaders: "Origin: http://198.18.0.1:8000\r\n");
                Assert.AreEqual(403, form.Status);
            }

            Reply api = h.Api("POST", "/api/login", "{\"password\":\"correct horse\"}");
            Assert.AreEqual(200, api.Status, "none of the foreign attempts counted: " + api);
            Assert.AreEqual(200, ForeignLogin(h, "correct horse", "Origin: http://192.168.4.1\r\nContent-Type: Application/JSON; charset=utf-8\r\n").Status, "the router's own origin, JSON with parameters");
            Reply login = h.Get("/login");
            Reply page = h.Post("/login", "csrf=" + AdminHarness.Csrf(login) + "&password=correct+horse", extraHeaders: "Origin: http://192.168.4.1\r\n");
            Assert.AreEqual(303, page.Status, page.ToString());
        }

        [TestMethod]
        public void FailedLogins_AreRateLimitedPerAddress()
        {
            var h = new AdminHarness();
            h.SetUp();
            for (int i = 0; i < LoginRateLimiter.MaxFailures; i++)
            {
                Assert.AreEqual(401, h.Api("POST", "/api/login", "{\"password\":\"guess " + i + "\"}").Status);
            }

            Reply blocked = h.Api("POST", "/api/login", "{\"password\":\"correct horse\"}");
            Assert.AreEqual(429, blocked.Status, "even the right password waits");
            Assert.AreEqual("60", blocked.Header("Retry-After"));

            // The browser form is limited the same way.
            h.Cookies.Clear();
            Reply form = h.Post("/login", "csrf=" + AdminHarness.Csrf(h.Get("/login")) + "&password=correct+horse");
            Assert.AreEqual(429, form.Status);

            // Another address is not affected.
            uint blockedAddress = h.RemoteAddress;
            h.RemoteAddress = 0xC0A80403;
            Assert.AreEqual(200, h.Api("POST", "/api/login", "{\"password\":\"correct horse\"}").Status);

            h.RemoteAddress = blockedAddress;
            h.Clock.NowMs += LoginRateLimiter.BlockMs;
            Assert.AreEqual(200, h.Api("POST", "/api/login", "{\"password\":\"correct horse\"}").Status);
        }

        [TestMethod]
        public void FailedLogins_FromRotatingAddresses_Bounded_Overflow429WithRetryAfter_ProvenUserStillLogsIn()
        {
            var h = new AdminHarness();
            h.SetUp();
            uint user = h.RemoteAddress;
            h.ApiLogin(); // the real user has logged in once since boot

            // Twenty addresses, six guesses each: eight get an entry, the rest share one.
            int checkedCount = 0;
            for (uint a = 0; a < 20; a++)
            {
                h.RemoteAddress = 0xC0A80464 + a;
                for (int i = 0; i < 6; i++)
                {
                    Reply guess = h.Api("POST", "/api/login", "{\"password\":\"guess " + i + "\"}");
                    if (guess.Status == 401)
                    {
                        checkedCount++;
                    }
                    else
                    {
                        Assert.AreEqual(429, guess.Status, guess.ToString());
                        Assert.IsNotNull(guess.Header("Retry-After"), "429 says when to come back");
                    }
                }

                h.Clock.NowMs += 100;
            }

            Assert.AreEqual((LoginRateLimiter.Capacity + 1) * LoginRateLimiter.MaxFailures, checkedCount);

            // A new address falls into the blocked overflow: 429 with Retry-After on the API and the form.
            const uint Stranger = 0xC0A804C8;
            h.RemoteAddress = Stranger;
            Reply api = h.Api("POST", "/api/login", "{\"password\":\"correct horse\"}");
            Assert.AreEqual(429, api.Status, api.ToString());
            int retry = int.Parse(api.Header("Retry-After"));
            Assert.IsTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
            h.Cookies.Clear();
            Reply form = h.Post("/login", "csrf=" + AdminHarness.Csrf(h.Get("/login")) + "&password=correct+horse");
            Assert.AreEqual(429, form.Status, form.ToString());
            Assert.AreEqual(retry.ToString(), form.Header("Retry-After"));

            // The real user, who logged in before, gets in on the API and the form.
            h.RemoteAddress = user;
            Assert.AreEqual(200, h.Api("POST", "/api/login", "{\"password\":\"correct horse\"}").Status);
            h.Cookies.Clear();
            Reply userForm = h.Post("/login", "csrf=" + AdminHarness.Csrf(h.Get("/login")) + "&password=correct+horse");
            Assert.AreEqual(303, userForm.Status, userForm.ToString());

            // When the block is over, the new address gets in too.
            h.Clock.NowMs += retry * 1000;
            h.RemoteAddress = Stranger;
            Assert.AreEqual(200, h.Api("POST", "/api/login", "{\"password\":\"correct horse\"}").Status);
        }

        [TestMethod]
        public void FailedLogins_FromRotatingAddresses_TheAddressThatSetThePasswordStillLogsIn()
        {
            var h = new AdminHarness();
            h.SetUp(); // first boot: this address chose the password, and never logged in since
            uint owner = h.RemoteAddress;
            for (uint a = 0; a < 12; a++)
            {
                h.RemoteAddress = 0xC0A80464 + a;
                for (int i = 0; i < 6; i++)
                {
                    h.Api("POST", "/api/login", "{\"password\":\"guess " + i + "\"}");
                }
            }

            h.RemoteAddress = 0xC0A804C8;
            Assert.AreEqual(429, h.Api("POST", "/api/login", "{\"password\":\"correct horse\"}").Status, "the overflow is blocked for strangers");
            h.RemoteAddress = owner;
            Reply reply = h.Api("POST", "/api/login", "{\"password\":\"correct horse\"}");
            Assert.AreEqual(200, reply.Status, "the address that set the password up: " + reply);
        }

        [TestMethod]
        public void StatusPage_ShowsEverything_Escaped_UnderSizeBudget()
        {
            var h = new AdminHarness();
            h.Host.UplinkSsid = TestText.Of("<script>alert(1)</script>");
            h.Host.AddClient(0xC0A80402, "02:00:00:00:00:02");
            h.Host.AddClient(0xC0A80403, "<b>mac</b>");
            h.SetUp();
            Reply page = h.Get("/");
            Assert.AreEqual(200, page.Status);
            Assert.IsFalse(Text.Contains(page.Body, "<script>"), "user-provided text is escaped");
            Expect.Contains(page.Body, "&lt;script&gt;alert(1)&lt;/script&gt;");
            Expect.Contains(page.Body, "&lt;b&gt;mac&lt;/b&gt;");
            Expect.Contains(page.Body, "198.18.0.2");
            Expect.Contains(page.Body, "-58 dBm");
            Expect.Contains(page.Body, "192.168.4.3");
            Expect.Contains(page.Body, "id=\"row-esp\"");
            Expect.Contains(page.Body, "id=\"row-gre\"");
            Assert.IsFalse(Text.Contains(page.Body, ">?<"), "every template slot is known");
            int css = h.Get("/style.css").BodyBytes;
            Console.WriteLine("status page " + page.BodyBytes + " B, style sheet " + css + " B");
            Assert.IsTrue(page.BodyBytes + css <= 16 * 1024, "page weight " + (page.BodyBytes + css));
        }

        [TestMethod]
        public void Pages_YieldToOtherThreadsWhileRendering()
        {
            // nanoCLR runs a thread until its 20 ms quantum ends: a page must yield (Pace) as it
            // goes, about once per 32 bytes written, or the packet thread waits behind it.
            var h = new AdminHarness();
            h.SetUp();
            int before = Pace.Yields;
            Reply page;
            Pace.Enabled = true;
            try
            {
                page = h.Get("/settings");
            }
            finally
            {
                Pace.Enabled = false;
            }

            int yields = Pace.Yields - before;
            Assert.AreEqual(200, page.Status);
            Assert.IsTrue(yields >= page.BodyBytes / (4 * Pace.Budget), "the settings page (" + page.BodyBytes.ToString() + " B) yielded " + yields.ToString() + " times");
        }

        [TestMethod]
        public void EveryPage_RendersWithoutUnknownSlots_AndUnderBudget()
        {
            var h = new AdminHarness();
            Reply setup = h.Get("/setup");
            Assert.IsFalse(Text.Contains(setup.Body, "?<") || Text.Contains(setup.Body, ">?"), setup.Body);
            h.SetUp();
            int css = h.Get("/style.css").BodyBytes;
            foreach (string path in new[] { "/", "/passthrough", "/settings", "/system", "/reboot", "/reset" })
            {
                Reply r = h.Get(path);
                Assert.AreEqual(200, r.Status, path);
                Assert.IsFalse(Text.Contains(r.Body, ">?<") || Text.Contains(r.Body, "\"?\""), path + ": " + r.Body);
                Console.WriteLine(path + " " + r.BodyBytes + " B");
                Assert.IsTrue(r.BodyBytes + css <= 16 * 1024, path);
                if (r.BodyBytes > HttpResponse.ChunkBytes)
                {
                    // Larger than the response buffer: streamed in chunks (the harness checks the framing).
                    Assert.IsTrue(r.Chunked && r.Sends >= 2 && r.Header("Content-Length") == null, path + " streamed");
                }
                else
                {
                    Assert.AreEqual(r.BodyBytes, int.Parse(r.Header("Content-Length")), path);
                }
            }

            h.Cookies.Clear();
            Reply login = h.Get("/login");
            Assert.AreEqual(200, login.Status);
            Assert.IsFalse(Text.Contains(login.Body, ">?<"));
        }

        [TestMethod]
        public void Settings_ValidatesEveryField_WithMessagesNextToThem()
        {
            var h = new AdminHarness();
            h.SetUp();
            string csrf = AdminHarness.Csrf(h.Get("/settings"));
            string form = "csrf=" + csrf + "&uplinkssid=" + new string('s', 33) + "&uplinkpassword=short&apssid=&appassword=%01bad%01pass"
                + "&apchannel=14&hostname=-bad-&udptimeout=100&tcpestablished=60&tcptransitory=abc&icmptimeout=&mssclamp=100";
            Reply r = h.Post("/settings", form);
            Assert.AreEqual(400, r.Status);
            foreach (string message in new[]
            {
                "Enter a network name of 1 to 31 bytes", "Use a password of 8 to 63 characters.", "Enter a channel from 1 to 13.",
                "Use letters, digits, hyphens and dots", "from 120 (RFC 4787", "from 7440", "from 240", "from 60 (RFC 5508",
                "Enter 0 (no clamping)", "Use letters, digits, spaces and ASCII punctuation only",
            })
            {
                Expect.Contains(r.Body, message);
            }

            Assert.AreEqual(2, Text.Count(r.Body, "Enter a network name of 1 to 31 bytes"), "the uplink's 33 bytes and the access point's empty name");

            Assert.AreEqual(11, Text.Count(r.Body, "class=error"), "one message per bad field");
            Assert.AreEqual(0, h.Settings.ApSsid.Length, "nothing was applied");
            Assert.AreEqual(0, h.Host.Applied);
        }

        [TestMethod]
        public void Settings_EmojiSsid_StoredAsTheTypedBytes_ShownBack()
        {
            // "Café 😀" as the browser sends it: UTF-8, percent-encoded (issue 11, point 12: the bytes
            // go unchanged from the form to the store; no string on the way).
            var h = new AdminHarness();
            h.SetUp();
            string csrf = AdminHarness.Csrf(h.Get("/settings"));
            string form = "csrf=" + csrf + "&uplinkssid=Caf%C3%A9+%F0%9F%98%80&uplinkpassword=&apssid=%F0%9F%98%80%F0%9F%98%80&appassword="
                + "&apchannel=6&hostname=nanorouter.lan&udptimeout=300&tcpestablished=7440&tcptransitory=240&icmptimeout=60&mssclamp=1460";
            Reply r = h.Post("/settings", form);
            Assert.AreEqual(200, r.Status, r.Body);
            byte[] expected = { 0x43, 0x61, 0x66, 0xC3, 0xA9, 0x20, 0xF0, 0x9F, 0x98, 0x80 };
            var reloaded = new RouterSettings();
            new SettingsStore(h.RawStore).Load(reloaded);
            Assert.IsTrue(reloaded.UplinkSsid.SameAs(expected, 0, expected.Length), "stored bytes: " + Hex.Format(reloaded.UplinkSsid.Bytes, 0, reloaded.UplinkSsid.Length));
            Assert.AreEqual(8, reloaded.ApSsid.Length);
            Expect.Contains(r.Body, "value=\"Caf\u00e9 \U0001F600\"");
            Expect.Contains(h.Get("/settings").Body, "value=\"\U0001F600\U0001F600\"");
        }

        [TestMethod]
        public void Settings_NoSavedAccessPointName_ShowsTheBoardsOwn()
        {
            var h = new AdminHarness();
            h.SetUp();
            Expect.Contains(h.Get("/settings").Body, "id=apssid name=apssid value=\"nanoRouter-1A2B\"");
        }

        [TestMethod]
        public void Status_WifiNotice_OnThePageAndInTheApi()
        {
            var h = new AdminHarness();
            h.SetUp();
            Assert.IsFalse(Text.Contains(h.Get("/").Body, "wifi-notice"));
            string token = h.ApiLogin();
            JsonNode uplink = TestJson.Parse(h.Api("GET", "/api/status", null, token).Body).Get("uplink");
            Assert.IsTrue(uplink.Get("wifiNotice").Kind == JsonNodeKind.Null, "no notice: null");
            h.Host.WifiNotice = "The device refused the saved access-point settings <now>.";
            Expect.Contains(h.Get("/").Body, "<p class=warn id=wifi-notice>The device refused the saved access-point settings &lt;now&gt;.</p>");
            uplink = TestJson.Parse(h.Api("GET", "/api/status", null, token).Body).Get("uplink");
            Assert.AreEqual("The device refused the saved access-point settings <now>.", uplink.Get("wifiNotice").String);
        }

        [TestMethod]
        public void Settings_Save_AppliesPersists_AndNeverEchoesSecrets()
        {
            var h = new AdminHarness();
            h.SetUp();
            string csrf = AdminHarness.Csrf(h.Get("/settings"));
            string form = "csrf=" + csrf + "&uplinkssid=Caf%C3%A9+%3Cnet%3E&uplinkpassword=uplink-secret-42&apssid=nanoRouter-test&appassword=ap-secret-77"
                + "&apchannel=11&hostname=Router.Home&udptimeout=600&tcpestablished=7440&tcptransitory=300&icmptimeout=90&mssclamp=1400";
            Reply r = h.Post("/settings", form);
            Assert.AreEqual(200, r.Status, r.Body);
            Expect.Contains(r.Body, "Saved.");
            Assert.IsFalse(Text.Contains(r.Body, "uplink-secret-42") || Text.Contains(r.Body, "ap-secret-77"), "secrets are never echoed");
            Expect.Contains(r.Body, "value=\"Caf\u00e9 &lt;net&gt;\"");
            Assert.AreEqual(1, h.Host.Applied);

            var reloaded = new RouterSettings();
            new SettingsStore(h.RawStore).Load(reloaded);
            Assert.AreEqual("Caf\u00e9 <net>", TestText.Str(reloaded.UplinkSsid));
            Assert.AreEqual("uplink-secret-42", TestText.Str(reloaded.UplinkPassword));
            Assert.AreEqual("ap-secret-77", TestText.Str(reloaded.ApPassword));
            Assert.AreEqual(11, reloaded.ApChannel);
            Assert.AreEqual("router.home", reloaded.HostName);
            Assert.AreEqual(1400, reloaded.MssClamp);
            Assert.AreEqual(600, reloaded.UdpTimeoutSeconds);

            // Empty password fields keep the stored secrets; the router's new name is an allowed Host.
            string again = "csrf=" + csrf + "&uplinkssid=x&uplinkpassword=&apssid=y&appassword=&apchannel=1&hostname=router.home&udptimeout=600&tcpestablished=7440&tcptransitory=300&icmptimeout=90&mssclamp=0";
            Assert.AreEqual(200, h.Post("/settings", again).Status);
            Assert.AreEqual("uplink-secret-42", TestText.Str(h.Settings.UplinkPassword));
            Assert.AreEqual("ap-secret-77", TestText.Str(h.Settings.ApPassword));
            Assert.AreEqual(200, h.Get("/", "router.home").Status);
            Assert.AreEqual(421, h.Get("/", "nanorouter.lan").Status);
            Assert.IsFalse(Text.Contains(h.Get("/settings").Body, "secret"));
        }

        [TestMethod]
        public void PasswordChange_NeedsCurrent_LogsOutOthers()
        {
            var h = new AdminHarness();
            h.SetUp();
            string token = h.ApiLogin();
            string csrf = AdminHarness.Csrf(h.Get("/settings"));
            Reply wrong = h.Post("/password", "csrf=" + csrf + "&current=not+it&newpassword=another+one&confirm=another+one");
            Assert.AreEqual(400, wrong.Status);
            Expect.Contains(wrong.Body, "This is not the current password.");
            Reply ok = h.Post("/password", "csrf=" + csrf + "&current=correct+horse&newpassword=another+one&confirm=another+one");
            Assert.AreEqual(200, ok.Status, ok.Body);
            Assert.AreEqual(401, h.Api("GET", "/api/status", null, token).Status, "other sessions end");
            Assert.AreEqual(200, h.Get("/").Status, "this browser stays logged in");
            Assert.AreEqual(401, h.Api("POST", "/api/login", "{\"password\":\"correct horse\"}").Status);
            Assert.AreEqual(200, h.Api("POST", "/api/login", "{\"password\":\"another one\"}").Status);
        }

        [TestMethod]
        public void Reboot_And_FactoryReset_NeedConfirmation()
        {
            var h = new AdminHarness();
            h.SetUp();
            Reply confirm = h.Get("/reboot");
            Expect.Contains(confirm.Body, "Reboot the router now?");
            string csrf = AdminHarness.Csrf(confirm);
            Assert.AreEqual(303, h.Post("/reboot", "csrf=" + csrf).Status, "no confirmation, no reboot");
            Assert.AreEqual(0, h.Host.Reboots);
            Assert.AreEqual(200, h.Post("/reboot", "csrf=" + csrf + "&confirm=yes").Status);
            Assert.AreEqual(1, h.Host.Reboots, "reboots after the response");

            Assert.AreEqual(303, h.Post("/reset", "csrf=" + csrf).Status);
            Assert.IsTrue(h.Settings.HasAdminPassword);
            Reply reset = h.Post("/reset", "csrf=" + csrf + "&confirm=yes");
            Assert.AreEqual(200, reset.Status);
            Assert.AreEqual(2, h.Host.Reboots);
            Assert.IsFalse(h.Settings.HasAdminPassword);
            Assert.AreEqual(SettingsLoadStatus.Empty, new SettingsStore(h.RawStore).Load(new RouterSettings()), "the store was erased");
            Assert.AreEqual("/setup", h.Get("/").Header("Location"), "first boot again");
        }

        [TestMethod]
        public void CorruptSettings_DefaultsLoaded_SetupAndStatusPageAndApiSaySo()
        {
            var h0 = new AdminHarness();
            h0.SetUp();
            byte[] slot = MemoryConfigStore.Copy(h0.RawStore.Slot(0), h0.RawStore.Slot(0).Length);
            slot[20] ^= 0x40;
            var h = new AdminHarness(raw => raw.SetSlot(0, slot));
            Assert.AreEqual(SettingsLoadStatus.Corrupt, h.Store.LastLoad);
            Assert.IsFalse(h.Settings.HasAdminPassword, "defaults: the damaged password hash is not trusted");
            const string Damaged = "At start-up the saved settings were damaged (bad checksum)";
            Expect.Contains(h.Get("/setup").Body, Damaged);
            h.SetUp("a new password");
            Expect.Contains(h.Get("/").Body, Damaged);
            string token = h.ApiLogin("a new password");
            Assert.AreEqual("corrupt", TestJson.Parse(h.Api("GET", "/api/status", null, token).Body).Get("settings").Get("status").String);
            Assert.AreEqual(SettingsLoadStatus.Loaded, new SettingsStore(h.RawStore).Load(new RouterSettings()), "the next start finds the good copy");
        }

        [TestMethod]
        public void ParseErrors_GetTheRightStatus()
        {
            var h = new AdminHarness();
            Assert.AreEqual(400, h.Send("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").Status);
            Assert.AreEqual(413, h.Send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n").Status);
            Assert.AreEqual(431, h.Send("GET / HTTP/1.1\r\nHost: a\r\nX: " + new string('x', 5000) + "\r\n\r\n").Status);
            Assert.AreEqual(501, h.Send("DELETE / HTTP/1.1\r\nHost: a\r\n\r\n").Status);
            Reply r = h.Send("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n");
            Assert.AreEqual(400, r.Status);
            Expect.Contains(r.Body, "obsolete header line folding");
        }

        [TestMethod]
        public void Head_SendsHeadersOnly()
        {
            var h = new AdminHarness();
            Reply r = h.Send("HEAD /style.css HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n");
            Assert.AreEqual(200, r.Status);
            Assert.AreEqual("", r.Body);
            Assert.IsTrue(int.Parse(r.Header("Content-Length")) > 100);
        }
    }
}
