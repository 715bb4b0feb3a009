using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Hostile.Lab;
using NanoRouter.Hal.Linux;

namespace NanoRouter.E2E.Hostile.Tests
{
    /// <summary>
    /// Abuse of the admin web server through the host board, on one lab (Hal.Linux's
    /// NamespaceLab: LAN clients 198.19.4.2 and .3 on a bridge, router 198.19.4.1, upstream
    /// 198.18.0.1). Client 1 is the attacker, client 2 the real user. Every test checks that the
    /// real user still gets the page.
    /// </summary>
    [TestClass]
    public sealed class AdminAbuseTests : HostileTestBase
    {
        private const string Router = NamespaceLab.RouterLanAddress;
        private static readonly SharedSmallLab s_lab = new SharedSmallLab();

        [ClassInitialize]
        public static void Start(TestContext context) => s_lab.Start(2);

        [ClassCleanup]
        public static void Stop() => s_lab.Stop();

        private static SmallLab Lab => s_lab.Lab;

        private static string Attacker => Lab.Lan(0);

        private static string User => Lab.Lan(1);

        private static HttpReply Get(string ns, string path, string host = Router, int timeoutMs = 5000, params string[] headers)
        {
            return RawHttp.Send(ns, Router, SmallLab.AdminPort, RawHttp.Request("GET", path, host, null, headers), timeoutMs);
        }

        /// <summary>The real user asks for the login page; fails the test unless it comes within <paramref name="withinMs"/>.</summary>
        private static HttpReply UserGetsPage(string when, int withinMs = 3000)
        {
            var reply = Get(User, "/login", Router, withinMs + 2000);
            Assert.AreEqual(200, reply.Status, "the real user did not get the login page " + when + ": " + reply + "\n" + Lab.Board.Tail());
            Assert.IsTrue(reply.ElapsedMs <= withinMs, "the real user waited " + reply.ElapsedMs + " ms for the login page " + when);
            return reply;
        }

        [TestMethod]
        public void Admin_PasswordGuessingLoop_429AfterFiveFailures_RealPasswordWorksFromAnotherAddressAndAfterTheBlock()
        {
            const int Guesses = 100;
            var statuses = new List<int>();
            int retryAfter = -1;
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < Guesses; i++)
            {
                var reply = SharedSmallLab.ApiLogin(Attacker, "wrong guess " + i);
                statuses.Add(reply.Status);
                if (reply.Status == 429 && retryAfter < 0)
                {
                    int.TryParse(reply.Header("retry-after"), out retryAfter);
                }

                if (i % 20 == 10)
                {
                    UserGetsPage("during the guessing loop");
                }
            }

            long loopMs = watch.ElapsedMilliseconds;
            var blockStarted = Stopwatch.StartNew();
            int unauthorized = statuses.Count(s => s == 401);
            int limited = statuses.Count(s => s == 429);
            Figure(Guesses + " wrong passwords in " + loopMs + " ms: " + unauthorized + " x 401, " + limited + " x 429 (Retry-After " + retryAfter + " s), other: " +
                string.Join(",", statuses.Where(s => s != 401 && s != 429)));
            CollectionAssert.AreEqual(Enumerable.Repeat(401, 5).ToArray(), statuses.Take(5).ToArray(), "the first 5 wrong passwords are answered 401");
            Assert.AreEqual(Guesses - 5, limited, "every guess after the 5th is refused with 429");
            Assert.IsTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);

            // The block holds even for the right password, on the API and on the login form.
            var blocked = SharedSmallLab.ApiLogin(Attacker, SmallLab.Password);
            Assert.AreEqual(429, blocked.Status, "the right password from the blocked address: " + blocked);
            var form = new BrowserSession(Attacker);
            form.OpenLoginPage();
            var blockedForm = form.PostLogin(SmallLab.Password);
            Assert.AreEqual(429, blockedForm.Status, "the login form from the blocked address: " + blockedForm);

            // Another address logs in at once.
            var other = SharedSmallLab.ApiLogin(User, SmallLab.Password);
            Assert.AreEqual(200, other.Status, "the right password from another address: " + other);

            // After the block, the right password works from the guessing address again.
            var wait = TimeSpan.FromSeconds(retryAfter + 1) - blockStarted.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                Thread.Sleep(wait);
            }

            var after = SharedSmallLab.ApiLogin(Attacker, SmallLab.Password);
            Figure("after the " + retryAfter + " s block: " + after.Status);
            Assert.AreEqual(200, after.Status, "the right password after the block expired: " + after);
            UserGetsPage("after the guessing loop");
        }

        /// <summary>As many slow connections as the server has slots (4).</summary>
        [TestMethod]
        public void Admin_SlowlorisFourConnections_CutAt5sWith408_RealUserGetsThePageWithinSixSeconds()
        {
            Slowloris(4);
        }

        /// <summary>Three slow connections (within one address's share), never reopened: each is cut at 5 s with 408.</summary>
        [TestMethod]
        public void Admin_ThreeSlowConnections_EachCutAt5sWith408()
        {
            var sockets = new List<Socket>();
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < 3; i++)
            {
                var socket = RawHttp.Connect(Attacker, Router, SmallLab.AdminPort, 5000);
                socket.Send(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: " + Router + "\r\n"));
                sockets.Add(socket);
            }

            var replies = new List<HttpReply>();
            foreach (var socket in sockets)
            {
                using (socket)
                {
                    var reply = new HttpReply();
                    RawHttp.ReadAnswer(socket, reply, watch, 9000);
                    replies.Add(reply);
                }
            }

            Figure("3 slow connections, not reopened: " + string.Join("; ", replies.Select(r => r.Status + " after " + r.ElapsedMs + " ms")));
            foreach (var reply in replies)
            {
                Assert.AreEqual(408, reply.Status, "a slow connection: " + reply);
                Assert.IsTrue(reply.ElapsedMs >= 4500 && reply.ElapsedMs <= 7000, "cut after " + reply.ElapsedMs + " ms, not at 5 s");
            }

            UserGetsPage("after three slow connections");
        }

        /// <summary>
        /// Slowloris from four addresses at once (a LAN client can add addresses to its interface,
        /// as in <see cref="AdminRotatingGuessTests"/>), 4 connections each: every slot can be an
        /// attacker's while each address stays within its share. While another connection waits to
        /// be accepted, the oldest slot that has waited over 1 s for its request (any address)
        /// gives way with 429.
        /// </summary>
        [TestMethod]
        public void Admin_SlowlorisFromFourAddresses_RealUserGetsThePageWithinSixSeconds()
        {
            var addresses = Enumerable.Range(0, 4).Select(i => "198.19.4." + (120 + i)).ToArray();
            foreach (var address in addresses)
            {
                SharedSmallLab.Exec(Attacker, "ip", "addr", "add", address + "/24", "dev", NamespaceLab.HostInterface);
            }

            try
            {
                Slowloris(16, addresses);
            }
            finally
            {
                foreach (var address in addresses)
                {
                    SharedSmallLab.Exec(Attacker, "ip", "addr", "del", address + "/24", "dev", NamespaceLab.HostInterface);
                }
            }
        }

        /// <summary>
        /// Sixteen slow connections from one address: the server takes at most 3 of them (its
        /// per-address share of the 4 slots) and refuses or displaces the rest, so the real user
        /// never waits behind the attacker's backlog.
        /// </summary>
        [TestMethod]
        public void Admin_SlowlorisSixteenConnections_CutAt5sWith408_RealUserGetsThePageWithinSixSeconds()
        {
            Slowloris(16);
        }

        /// <param name="connections">How many slow connections are kept open.</param>
        /// <param name="sources">Source addresses to spread them over (null: the attacker's own).</param>
        private void Slowloris(int connections, string[] sources = null)
        {
            {
                string Source(int i) => sources == null ? null : sources[i % sources.Length];
                var sockets = new List<(Socket Socket, Stopwatch Watch)>();
                for (int i = 0; i < connections; i++)
                {
                    var socket = RawHttp.Connect(Attacker, Router, SmallLab.AdminPort, 5000, Source(i));
                    socket.Send(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: " + Router + "\r\n"));
                    sockets.Add((socket, Stopwatch.StartNew()));
                }

                // The attacker trickles one header byte per connection every 500 ms, and reopens
                // every connection the server cuts, for 16 s. The real user asks every 2 s.
                var cutAfterMs = new List<long>();
                var answers = new List<int>();
                var user = new List<long>();
                var attack = Task.Run(() =>
                {
                    var until = Stopwatch.StartNew();
                    while (until.ElapsedMilliseconds < 16000)
                    {
                        for (int i = 0; i < sockets.Count; i++)
                        {
                            var (socket, watch) = sockets[i];
                            bool closed;
                            try
                            {
                                socket.Send(new[] { (byte)'X' });
                                closed = socket.Poll(0, SelectMode.SelectRead);
                            }
                            catch (SocketException)
                            {
                                closed = true;
                            }

                            if (closed)
                            {
                                var reply = new HttpReply();
                                RawHttp.ReadAnswer(socket, reply, Stopwatch.StartNew(), 300);
                                lock (answers)
                                {
                                    answers.Add(reply.Status);
                                    cutAfterMs.Add(watch.ElapsedMilliseconds);
                                }

                                socket.Dispose();
                                var again = RawHttp.Connect(Attacker, Router, SmallLab.AdminPort, 5000, Source(i));
                                again.Send(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: " + Router + "\r\n"));
                                sockets[i] = (again, Stopwatch.StartNew());
                            }
                        }

                        Thread.Sleep(500);
                    }
                });
                Thread.Sleep(1000);
                var userFailures = new List<string>();
                while (!attack.IsCompleted)
                {
                    var reply = Get(User, "/login", Router, 20000);
                    if (reply.Status == 200)
                    {
                        user.Add(reply.ElapsedMs);
                    }
                    else
                    {
                        userFailures.Add(reply.ToString());
                    }

                    Thread.Sleep(2000);
                }

                attack.Wait();
                foreach (var (socket, _) in sockets)
                {
                    socket.Dispose();
                }

                Figure(connections + " slow connections from " + (sources == null ? 1 : sources.Length) + " address(es): " + answers.Count + " cut (" + answers.Count(a => a == 408) + " with 408), cut after " +
                    (cutAfterMs.Count > 0 ? cutAfterMs.Min() + ".." + cutAfterMs.Max() : "-") + " ms from connect; the real user got the page " + user.Count + " times in " +
                    string.Join(",", user) + " ms, failures " + userFailures.Count);
                Assert.AreEqual(0, userFailures.Count, "the real user got no page: " + string.Join("; ", userFailures));
                Assert.IsTrue(user.Max() <= 6000, "with " + connections + " slow connections the real user waited up to " + user.Max() + " ms for the page (5 s cut + 1 s)");
                Assert.IsTrue(answers.Count >= connections, "the server cut only " + answers.Count + " of " + connections + " slow connections in 16 s");
                // One address holds at most AdminServer.MaxConnectionsPerAddress (3) of the 4 slots:
                // beyond that its new connection is refused at once with 429, or its oldest slow one
                // (waiting over 1 s for its request) gives way with 429. While all 4 slots are taken
                // (several addresses) and a connection waits to be accepted, the oldest slot waiting
                // over 1 s gives way with 429 whatever its address. A slow connection nobody
                // displaces is cut at 5 s with 408. So the attacker's backlog never stands between
                // the real user and the page for long (asserted above).
                for (int k = 0; k < answers.Count; k++)
                {
                    bool timedOut = answers[k] == 408 && cutAfterMs[k] >= 4500;
                    bool refused = answers[k] == 429;
                    Assert.IsTrue(timedOut || refused, "slow connection " + k + " was answered " + answers[k] + " after " + cutAfterMs[k] + " ms: expected 408 at 5 s or 429");
                }
            }

            // Once the attacker stops, its backlog drains within one more cut.
            Assert.IsTrue(WaitUntil(() => Get(User, "/login", Router, 12000).Status == 200, TimeSpan.FromSeconds(15)), "the page did not come back after slowloris");
            UserGetsPage("after slowloris");
        }

        [TestMethod]
        public void Admin_OversizedAndMalformedRequests_RefusedWith4xx_PageStaysResponsive()
        {
            string big = new string('a', 3000);
            var cases = new List<(string Name, byte[] Request, int Expected)>
            {
                ("body over 2 KB", Encoding.ASCII.GetBytes("POST /api/login HTTP/1.1\r\nHost: " + Router + "\r\nContent-Type: application/json\r\nContent-Length: 3000\r\n\r\n" + big), 413),
                ("Content-Length 10^9", Encoding.ASCII.GetBytes("POST /api/login HTTP/1.1\r\nHost: " + Router + "\r\nContent-Length: 1000000000\r\n\r\n"), 413),
                ("one 5,000-byte header", RawHttp.Request("GET", "/", Router, null, "X-Big: " + new string('b', 5000)), 431),
                ("600 short headers (over 4 KB in all)", RawHttp.Request("GET", "/", Router, null, Enumerable.Range(0, 600).Select(i => "X-H" + i + ": v").ToArray()), 431),
                ("request line garbage", Encoding.ASCII.GetBytes("GARBAGE\r\n\r\n"), 400),
                ("HTTP/0.9 style", Encoding.ASCII.GetBytes("GET /\r\n\r\n"), 400),
                ("bare LF", Encoding.ASCII.GetBytes("GET / HTTP/1.1\nHost: " + Router + "\n\n"), 400),
                ("space before colon", Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost : " + Router + "\r\n\r\n"), 400),
                ("obsolete line folding", Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: " + Router + "\r\nX-A: b\r\n c\r\n\r\n"), 400),
                ("NUL in header", Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: " + Router + "\r\nX-A: b\0c\r\n\r\n"), 400),
                ("two Content-Lengths", Encoding.ASCII.GetBytes("POST /api/login HTTP/1.1\r\nHost: " + Router + "\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"), 400),
                ("negative Content-Length", Encoding.ASCII.GetBytes("POST /api/login HTTP/1.1\r\nHost: " + Router + "\r\nContent-Length: -5\r\n\r\n"), 400),
                ("duplicate Host", Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: " + Router + "\r\nHost: evil.example\r\n\r\n"), 400),
                ("missing Host", Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n\r\n"), 400),
                ("bad percent-encoding", Encoding.ASCII.GetBytes("GET /%zz HTTP/1.1\r\nHost: " + Router + "\r\n\r\n"), 400),
                ("absolute-form target", Encoding.ASCII.GetBytes("GET http://evil.example/ HTTP/1.1\r\nHost: " + Router + "\r\n\r\n"), 400),
                ("CL and TE", Encoding.ASCII.GetBytes("POST /api/login HTTP/1.1\r\nHost: " + Router + "\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400),
                ("chunked body", Encoding.ASCII.GetBytes("POST /api/login HTTP/1.1\r\nHost: " + Router + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 501),
                ("3,000-byte target", RawHttp.Request("GET", "/" + new string('u', 3000), Router), 414),
                ("HTTP/2.0", Encoding.ASCII.GetBytes("GET / HTTP/2.0\r\nHost: " + Router + "\r\n\r\n"), 505),
                ("unknown method", Encoding.ASCII.GetBytes("BREW / HTTP/1.1\r\nHost: " + Router + "\r\n\r\n"), 501),
                ("bad JSON", RawHttp.Request("POST", "/api/login", Router, "{\"password\":", "Content-Type: application/json"), 400),
                ("JSON of the wrong type", RawHttp.Request("POST", "/api/login", Router, "{\"password\":12345678}", "Content-Type: application/json"), 400),
            };
            var random = new Random(7);
            var garbage = new byte[3000];
            random.NextBytes(garbage);
            cases.Add(("3,000 random bytes", garbage, 400));

            var wrong = new List<string>();
            foreach (var (name, request, expected) in cases)
            {
                var reply = RawHttp.Send(Attacker, Router, SmallLab.AdminPort, request, 8000);
                Figure(name + ": " + (reply.Status != 0 ? reply.Status.ToString() : reply.ToString()) + " (expected " + expected + ")");
                if (reply.Status != expected)
                {
                    wrong.Add(name + ": " + reply + " (expected " + expected + ")");
                }

                UserGetsPage("after '" + name + "'");
            }

            Assert.AreEqual(0, wrong.Count, string.Join("\n", wrong));
        }

        [TestMethod]
        public void Admin_FormPostWithoutCsrfToken_403_SameFormWithTokenAccepted()
        {
            var browser = new BrowserSession(User);
            browser.OpenLoginPage();
            // Logging in is itself a form post: without the pre-session token it is refused.
            var noToken = browser.Post("/login", "password=" + Uri.EscapeDataString(SmallLab.Password), includeCsrf: false);
            Assert.AreEqual(403, noToken.Status, "login without the CSRF token: " + noToken);
            var login = browser.PostLogin(SmallLab.Password);
            Assert.AreEqual(303, login.Status, "login with the token: " + login);
            Assert.IsNotNull(browser.Session, "a session cookie after login");
            browser.OpenPage("/passthrough");

            var cases = new List<(string Name, HttpReply Reply)>
            {
                ("no token", browser.Post("/passthrough", "gre=off", includeCsrf: false)),
                ("wrong token", browser.Post("/passthrough", "csrf=" + new string('0', 64) + "&gre=off", includeCsrf: false)),
                ("the token of the login page", browser.Post("/passthrough", "csrf=" + browser.PreSessionToken + "&gre=off", includeCsrf: false)),
                ("another site's Origin", browser.Post("/passthrough", "gre=off", includeCsrf: true, "Origin: http://evil.example")),
            };
            foreach (var (name, reply) in cases)
            {
                Figure("POST /passthrough, " + name + ": " + reply.Status);
                Assert.AreEqual(403, reply.Status, name + ": " + reply);
            }

            // The API takes bearer tokens only: the session cookie alone is not enough.
            var cookieOnly = RawHttp.Send(User, Router, SmallLab.AdminPort, RawHttp.Request("PUT", "/api/passthrough", Router, "{\"gre\":false}",
                "Content-Type: application/json", "Cookie: nr_sid=" + browser.Session));
            Assert.AreEqual(401, cookieOnly.Status, "PUT /api/passthrough with the session cookie and no bearer token: " + cookieOnly);

            var api = Lab.Admin(1);
            api.Login();
            Assert.AreEqual(true, api.Status()["passthrough"]["gre"]["enabled"].GetValue<bool>(), "GRE passthrough was changed by a refused request");
            var accepted = browser.Post("/passthrough", "gre=off", includeCsrf: true);
            Assert.AreEqual(303, accepted.Status, "the same form with its token: " + accepted);
            Assert.AreEqual(false, api.Status()["passthrough"]["gre"]["enabled"].GetValue<bool>(), "the accepted form switched GRE off");
            Assert.AreEqual(200, api.Call("PUT", "/api/passthrough", "{\"gre\":true}").Status);
            UserGetsPage("after the CSRF attempts");
        }

        [TestMethod]
        public void Admin_WrongHostHeader_421_RouterNamesAccepted()
        {
            foreach (var host in new[] { "evil.example", "198.19.4.1.nip.io", "nanorouter.lan.evil.example", "198.19.4.1:80x", "198.19.4.1:", "198.19.4.1:99999", "198.19.4.1:8080", "localhost", "198.18.0.2" })
            {
                var page = Get(Attacker, "/login", host);
                var api = RawHttp.Send(Attacker, Router, SmallLab.AdminPort, RawHttp.Request("POST", "/api/login", host, SharedSmallLab.LoginBody(SmallLab.Password), "Content-Type: application/json"));
                Figure("Host: " + host + " -> page " + page.Status + ", API login " + api.Status);
                Assert.AreEqual(421, page.Status, "GET /login with Host " + host + ": " + page);
                Assert.AreEqual(421, api.Status, "POST /api/login with Host " + host + ": " + api);
            }

            foreach (var host in new[] { Router, Router + ":80", "nanorouter.lan", "NanoRouter.LAN" })
            {
                Assert.AreEqual(200, Get(User, "/login", host).Status, "GET /login with Host " + host);
            }
        }

        [TestMethod]
        public void Admin_FromTheWanSide_NoAnswer()
        {
            // The upstream namespace has no route to the LAN; give it one through the router, as a
            // hostile neighbour on the uplink network could.
            SharedSmallLab.Exec(Lab.Wan, "ip", "route", "replace", "198.19.4.0/24", "via", NamespaceLab.RouterWanAddress);
            try
            {
                foreach (var (address, port) in new[] { (NamespaceLab.RouterWanAddress, 80), (Router, 80), (NamespaceLab.RouterWanAddress, 8080), (Router, 443) })
                {
                    var reply = RawHttp.Send(Lab.Wan, address, port, RawHttp.Request("GET", "/login", address), 3000);
                    Figure("from the WAN to " + address + ":" + port + ": " + reply);
                    Assert.AreEqual(0, reply.Status, "the admin server answered the WAN side at " + address + ":" + port + ": " + reply);
                    Assert.IsTrue(reply.Failure == "refused" || reply.Failure == "connect-timeout", "expected a refused or unanswered connection from the WAN, got " + reply);
                }
            }
            finally
            {
                SharedSmallLab.Exec(Lab.Wan, "ip", "route", "del", "198.19.4.0/24");
            }

            UserGetsPage("after the WAN attempts");
        }

        /// <summary>A browser-like client of the admin pages: cookies, the CSRF token of the last page.</summary>
        private sealed class BrowserSession
        {
            private readonly string _ns;
            private string _csrf;

            public BrowserSession(string ns)
            {
                _ns = ns;
            }

            public string PreSession { get; private set; }

            public string Session { get; private set; }

            /// <summary>The CSRF token of the login form (bound to the pre-session cookie).</summary>
            public string PreSessionToken { get; private set; }

            private string CookieHeader()
            {
                var parts = new List<string>();
                if (PreSession != null)
                {
                    parts.Add("nr_pre=" + PreSession);
                }

                if (Session != null)
                {
                    parts.Add("nr_sid=" + Session);
                }

                return parts.Count == 0 ? null : "Cookie: " + string.Join("; ", parts);
            }

            private void Absorb(HttpReply reply)
            {
                foreach (var cookie in reply.SetCookies)
                {
                    var m = Regex.Match(cookie, @"^(nr_pre|nr_sid)=([^;]*)");
                    if (!m.Success)
                    {
                        continue;
                    }

                    string value = m.Groups[2].Value.Length == 0 || cookie.Contains("Max-Age=0") ? null : m.Groups[2].Value;
                    if (m.Groups[1].Value == "nr_pre")
                    {
                        PreSession = value;
                    }
                    else
                    {
                        Session = value;
                    }
                }

                var token = Regex.Match(reply.Body, "name=csrf value=\"([0-9a-f]+)\"");
                if (token.Success)
                {
                    _csrf = token.Groups[1].Value;
                }
            }

            public HttpReply OpenPage(string path)
            {
                var cookie = CookieHeader();
                var reply = Get(_ns, path, Router, 5000, cookie == null ? Array.Empty<string>() : new[] { cookie });
                Assert.AreEqual(200, reply.Status, "GET " + path + ": " + reply);
                Absorb(reply);
                return reply;
            }

            public void OpenLoginPage()
            {
                OpenPage("/login");
                PreSessionToken = _csrf;
                Assert.IsNotNull(PreSession, "the login page sets the pre-session cookie");
                Assert.IsNotNull(_csrf, "the login page carries a CSRF token");
            }

            public HttpReply PostLogin(string password) => Post("/login", "password=" + Uri.EscapeDataString(password), includeCsrf: true);

            public HttpReply Post(string path, string form, bool includeCsrf, params string[] extra)
            {
                var headers = new List<string> { "Content-Type: application/x-www-form-urlencoded" };
                var cookie = CookieHeader();
                if (cookie != null)
                {
                    headers.Add(cookie);
                }

                headers.AddRange(extra);
                string body = includeCsrf ? "csrf=" + _csrf + "&" + form : form;
                var reply = RawHttp.Send(_ns, Router, SmallLab.AdminPort, RawHttp.Request("POST", path, Router, body, headers.ToArray()));
                Absorb(reply);
                return reply;
            }
        }
    }
}
