using System;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.Core.Config;
using NanoRouter.Core.Passthrough;
using NanoRouter.Hal.Linux;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;

namespace NanoRouter.BrowserTests
{
    /// <summary>
    /// The admin page of the real host board (boards/host, built -c Release, running in
    /// namespaces of its own, see <see cref="BoardLab"/>) in Debian's chromium, headless, driven
    /// by Selenium from a LAN client's namespace: first-boot password (confirmed by the board's
    /// button, SIGUSR1 on the host board), log out and in, switch
    /// IPsec ESP off (the API says off; raw scapy ESP from the LAN gets no answer, never reaches
    /// the WAN capture and is counted as an ESP drop), restart the board (the switch and the
    /// password survive), switch ESP on (it passes again), and save a screenshot of the status
    /// page for the README. And a page on another origin that posts wrong passwords cannot lock
    /// the admin out.
    /// </summary>
    [TestClass]
    public class BrowserTests
    {
        private const string Password = "browser-test-pw";
        private const string Url = "http://" + BoardLab.AdminAddress;
        private const string RouterWan = NamespaceLab.RouterWanAddress;
        private const int EspCount = 3;

        [TestMethod]
        public void HostBoard_FirstBoot_Login_EspOffBlocksRawEsp_OnAgain_Screenshot()
        {
            using BoardLab lab = BoardLab.Create();
            try
            {
                Run(lab);
            }
            catch (Exception)
            {
                Console.WriteLine("--- what the lab's processes printed\n" + lab.Transcript);
                throw;
            }
        }

        private static void Run(BoardLab lab)
        {
            lab.StartWanSide();
            Assert.IsFalse(File.Exists(lab.ConfigFile));
            lab.StartBoard();
            WebDriver driver = lab.StartBrowser();
            using HttpClient http = lab.LanHttp();

            // The allow-list: this board was given no --allow-host, so only its LAN address (and name) are served.
            var foreign = new HttpRequestMessage(HttpMethod.Get, Url + "/");
            foreign.Headers.Host = "127.0.0.1";
            Assert.AreEqual(421, (int)http.Send(foreign).StatusCode);

            // First boot: every page leads to the password form; there is no default password.
            driver.Navigate().GoToUrl(Url + "/passthrough");
            StringAssert.EndsWith(driver.Url, "/setup");
            StringAssert.Contains(driver.FindElement(By.TagName("h1")).Text, "Set the admin password");
            // A short one: the form says minlength=8; with the browser's own check switched off,
            // the board refuses it too.
            Assert.AreEqual("8", driver.FindElement(By.Id("password")).GetAttribute("minlength"));
            driver.ExecuteScript("document.querySelector('form').noValidate = true");
            driver.FindElement(By.Id("password")).SendKeys("short");
            driver.FindElement(By.Id("confirm")).SendKeys("short");
            Click(driver, "set-password");
            WaitForText(driver, By.CssSelector("span.error"), "Use at least 8 characters.");
            StringAssert.EndsWith(driver.Url, "/setup");
            Assert.IsFalse(File.Exists(lab.ConfigFile) && LoadSettings(lab).HasAdminPassword, "a 5-character password was accepted");
            driver.FindElement(By.Id("password")).Clear();
            driver.FindElement(By.Id("confirm")).Clear();
            driver.FindElement(By.Id("password")).SendKeys(Password);
            driver.FindElement(By.Id("confirm")).SendKeys(Password);
            Click(driver, "set-password");

            // Only the owner claims the router (issue 15 section 5): the password waits for a
            // press of the board's button, which on the host board is SIGUSR1 from this machine.
            WaitForText(driver, By.TagName("h1"), "Press the router's button");
            lab.Board.WaitForLine("kill -USR1 " + lab.Board.Process.Id, 1000);
            System.Threading.Thread.Sleep(2500);
            WaitForText(driver, By.TagName("h1"), "Press the router's button"); // still waiting after its own reload
            Assert.IsFalse(File.Exists(lab.ConfigFile) && LoadSettings(lab).HasAdminPassword, "a password without the press");
            Assert.AreEqual(403, (int)http.PostAsync(Url + "/api/login", new StringContent("{\"password\":\"" + Password + "\"}", Encoding.UTF8, "application/json")).Result.StatusCode,
                "no login before the press");
            Assert.IsTrue(HostProcess.PressButton(lab.Board.Process.Id));
            lab.Board.WaitForLine("SIGUSR1: the board's button was pressed", 5000);

            // The waiting page reloads itself every 2 s: now it logs the browser in.
            WaitForText(driver, By.TagName("h1"), "Status");
            Assert.AreEqual(Url + "/", driver.Url);
            Assert.IsTrue(LoadSettings(lab).HasAdminPassword, "the password is in the settings file");

            // The session cookie is invisible to scripts (HttpOnly).
            Assert.AreEqual("", driver.ExecuteScript("return document.cookie") as string ?? "");

            // Log out, log in.
            driver.FindElement(By.CssSelector("button.link")).Click();
            WaitForText(driver, By.TagName("h1"), "Log in");
            StringAssert.EndsWith(driver.Url, "/login");
            LogIn(driver);

            // ESP on (the default): raw ESP from the LAN reaches the WAN server, translated to the
            // router's WAN address, and the answers come back.
            Assert.IsTrue(Esp(ApiStatus(http)).GetProperty("enabled").GetBoolean());
            Assert.AreEqual(EspCount, lab.SendEsp(0x1001, EspCount), "replies to ESP while it is on");
            Assert.AreEqual(EspCount, lab.CapturedAtWan(0x1001, RouterWan), "ESP seen on the WAN link from " + RouterWan);
            Assert.AreEqual(EspCount, lab.ResponderSaw(0x1001));
            JsonElement on = Esp(ApiStatus(http));
            Assert.AreEqual(EspCount, on.GetProperty("packetsOut").GetInt32());
            Assert.AreEqual(EspCount, on.GetProperty("packetsIn").GetInt32());
            Assert.AreEqual(0, on.GetProperty("drops").GetInt32());

            // Switch IPsec ESP off in the browser.
            driver.Navigate().GoToUrl(Url + "/passthrough");
            Click(driver, "toggle-esp");
            WaitForText(driver, By.CssSelector("#switch-esp .pill"), "off");
            StringAssert.EndsWith(driver.Url, "/passthrough");
            Assert.AreEqual("Switch on", driver.FindElement(By.Id("toggle-esp")).Text);

            // The API says off (and nothing else changed).
            JsonElement status = ApiStatus(http);
            Assert.IsFalse(Esp(status).GetProperty("enabled").GetBoolean());
            Assert.IsTrue(status.GetProperty("passthrough").GetProperty("ike").GetProperty("enabled").GetBoolean());
            Assert.IsTrue(status.GetProperty("passthrough").GetProperty("natt").GetProperty("enabled").GetBoolean());
            int natDrops = status.GetProperty("nat").GetProperty("drops").GetInt32();

            // Raw ESP is blocked: no answer, nothing on the WAN link, and each packet is an ESP drop.
            Assert.AreEqual(0, lab.SendEsp(0x2002, EspCount), "replies to ESP while it is off");
            Assert.AreEqual(0, lab.CapturedAtWan(0x2002), "ESP on the WAN link while it is off");
            Assert.AreEqual(0, lab.ResponderSaw(0x2002));
            status = ApiStatus(http);
            Assert.AreEqual(EspCount, Esp(status).GetProperty("drops").GetInt32(), "ESP drops");
            Assert.AreEqual(EspCount, Esp(status).GetProperty("packetsOut").GetInt32(), "a dropped packet is not counted out");
            Assert.AreEqual(natDrops + EspCount, status.GetProperty("nat").GetProperty("drops").GetInt32(), "NAT drops");
            lab.Board.WaitForLine("passthrough esp off", 10000);

            // The VPN page (issue 14 section 2), linked from Status: the client's ESP session, bound to
            // the server's SPI before, now says that its switch is off, in the API and on the page.
            driver.Navigate().GoToUrl(Url + "/");
            driver.FindElement(By.Id("vpn-link")).Click();
            WaitForText(driver, By.TagName("h1"), "VPN");
            StringAssert.EndsWith(driver.Url, "/vpn");
            JsonElement sessions = ApiGet(http, "/api/vpn").GetProperty("sessions");
            Assert.AreEqual(1, sessions.GetArrayLength(), sessions.ToString());
            JsonElement session = sessions[0];
            Assert.AreEqual(NamespaceLab.ClientAddress(0), session.GetProperty("client").GetString());
            Assert.AreEqual("esp", session.GetProperty("protocol").GetString());
            Assert.AreEqual(BoardLab.WanServer, session.GetProperty("server").GetString());
            Assert.AreEqual("spiBound", session.GetProperty("state").GetString());
            Assert.AreEqual(EspCount, session.GetProperty("packetsOut").GetInt32());
            Assert.AreEqual(EspCount, session.GetProperty("packetsIn").GetInt32());
            Assert.AreEqual("passthroughOff", session.GetProperty("problem").GetString());
            var vpnCells = driver.FindElements(By.CssSelector("#vpn tbody tr.has-problem td"));
            Assert.AreEqual(8, vpnCells.Count);
            Assert.AreEqual(NamespaceLab.ClientAddress(0), vpnCells[0].Text);
            Assert.AreEqual("IPsec ESP", vpnCells[1].Text);
            Assert.AreEqual(BoardLab.WanServer, vpnCells[2].Text);
            StringAssert.StartsWith(vpnCells[3].Text, "spiBound");
            Assert.AreEqual(EspCount.ToString(), vpnCells[4].Text);
            Assert.AreEqual(EspCount.ToString(), vpnCells[5].Text);
            string problemLine = driver.FindElement(By.CssSelector("#vpn tr.problem td")).Text;
            StringAssert.StartsWith(problemLine, "passthroughOff The router blocks this VPN because its IPsec ESP switch is off");
            Assert.AreEqual(0, driver.FindElements(By.TagName("script")).Count, "no JavaScript");
            string vpnShot = Environment.GetEnvironmentVariable("NR_VPN_SCREENSHOT") ?? Path.Combine(BoardLab.RepoRoot(), "boards", "host", "admin-vpn.png");
            driver.GetScreenshot().SaveAsFile(vpnShot);
            Console.WriteLine("screenshot: " + vpnShot);
            Assert.IsTrue(new FileInfo(vpnShot).Length > 10000);

            // The switch is saved: restart the board; the browser's session is gone, the password
            // set on first boot logs in, ESP is still off and still blocked.
            Assert.AreEqual(0, lab.StopBoard(), "exit code after SIGTERM:\n" + lab.Board.Transcript);
            Assert.IsFalse(LoadSettings(lab).IsPassthroughEnabled(PassthroughProtocol.Esp));
            lab.StartBoard();
            driver.Navigate().GoToUrl(Url + "/passthrough");
            WaitForText(driver, By.TagName("h1"), "Log in");
            LogIn(driver);
            driver.Navigate().GoToUrl(Url + "/passthrough");
            WaitForText(driver, By.CssSelector("#switch-esp .pill"), "off");
            Assert.IsFalse(Esp(ApiStatus(http)).GetProperty("enabled").GetBoolean());
            Assert.AreEqual(0, lab.SendEsp(0x2003, EspCount), "replies to ESP while it is off after a restart");
            Assert.AreEqual(0, lab.CapturedAtWan(0x2003), "ESP on the WAN link while it is off after a restart");
            Assert.AreEqual(EspCount, Esp(ApiStatus(http)).GetProperty("drops").GetInt32(), "ESP drops after the restart");

            // Switch it on again: ESP passes.
            Click(driver, "toggle-esp");
            WaitForText(driver, By.CssSelector("#switch-esp .pill"), "on");
            Assert.IsTrue(Esp(ApiStatus(http)).GetProperty("enabled").GetBoolean());
            Assert.AreEqual(EspCount, lab.SendEsp(0x3003, EspCount), "replies to ESP after switching it on");
            Assert.AreEqual(EspCount, lab.CapturedAtWan(0x3003, RouterWan));
            Assert.AreEqual(EspCount, lab.ResponderSaw(0x3003));
            lab.Board.WaitForLine("passthrough esp on", 10000);

            // Switched on and answered: the VPN page shows the session without a problem.
            driver.Navigate().GoToUrl(Url + "/vpn");
            WaitForText(driver, By.TagName("h1"), "VPN");
            Assert.AreEqual(0, driver.FindElements(By.CssSelector("#vpn tr.problem")).Count, driver.PageSource);
            JsonElement answered = ApiGet(http, "/api/vpn").GetProperty("sessions")[0];
            Assert.AreEqual(JsonValueKind.Null, answered.GetProperty("problem").ValueKind, answered.ToString());
            Assert.AreEqual("spiBound", answered.GetProperty("state").GetString());

            // Settings: give the access point a password; the form answers "Saved." and never shows it.
            driver.Navigate().GoToUrl(Url + "/settings");
            driver.FindElement(By.Id("appassword")).SendKeys("ap-secret-pass");
            Click(driver, "save-settings");
            WaitForText(driver, By.CssSelector("p.banner.ok"), "Saved. Wi-Fi changes take effect after a reboot.");
            Assert.IsFalse(driver.PageSource.Contains("ap-secret-pass"));
            Assert.AreEqual("", driver.FindElement(By.Id("appassword")).GetAttribute("value"));

            // Port forwarding (issue 14): a host outside the LAN is refused with a visible reason and
            // the typed values kept; a LAN host's rule shows in the table, switched on.
            driver.FindElement(By.Id("fexternal")).SendKeys("8022");
            driver.FindElement(By.Id("fhost")).SendKeys("198.18.0.1");
            driver.FindElement(By.Id("fport")).SendKeys("22");
            Click(driver, "add-forward");
            WaitForText(driver, By.Id("forward-error"), "The host must be a LAN address (198.19.4.0/24, not the router's).");
            Assert.AreEqual("8022", driver.FindElement(By.Id("fexternal")).GetAttribute("value"));
            driver.FindElement(By.Id("fhost")).Clear();
            driver.FindElement(By.Id("fhost")).SendKeys("198.19.4.2");
            Click(driver, "add-forward");
            WaitForText(driver, By.CssSelector("#forward-0 .pill"), "on");
            Assert.AreEqual(0, driver.FindElements(By.Id("forward-error")).Count);
            Assert.AreEqual(8022, ApiGet(http, "/api/forwards")[0].GetProperty("externalPort").GetInt32());

            // Switch PPTP off for the picture, so both states show; then the status page, whose
            // ESP row shows the board's counters as the API reports them.
            driver.Navigate().GoToUrl(Url + "/passthrough");
            Click(driver, "toggle-pptp");
            WaitForText(driver, By.CssSelector("#switch-pptp .pill"), "off");
            // A ping from the LAN makes a NAT table entry (ESP mappings have a table of their own).
            CommandResult ping = NamespaceLab.Exec(lab.LanNamespace, "ping", "-c", "2", "-i", "0.2", "-W", "2", BoardLab.WanServer);
            Assert.IsTrue(ping.Ok, "ping from the LAN to the WAN server: " + ping.Output + ping.Error);
            driver.Navigate().GoToUrl(Url + "/");
            WaitForText(driver, By.TagName("h1"), "Status");
            JsonElement final = ApiStatus(http);
            JsonElement esp = Esp(final);
            Assert.IsTrue(final.GetProperty("nat").GetProperty("active").GetInt32() >= 1, "NAT entries after the ping");
            Assert.AreEqual(final.GetProperty("nat").GetProperty("active").GetInt32().ToString(), driver.FindElement(By.Id("nat-active")).Text);
            Assert.AreEqual(EspCount.ToString(), driver.FindElement(By.Id("nat-drops")).Text);
            Assert.AreEqual(1, esp.GetProperty("mappings").GetInt32(), "the ESP mapping");
            Assert.AreEqual(EspCount, esp.GetProperty("packetsOut").GetInt32());
            Assert.AreEqual(EspCount, esp.GetProperty("packetsIn").GetInt32());
            Assert.AreEqual("on", driver.FindElement(By.CssSelector("#row-esp .pill")).Text);
            Assert.AreEqual("off", driver.FindElement(By.CssSelector("#row-pptp .pill")).Text);
            var cells = driver.FindElements(By.CssSelector("#row-esp td.n"));
            Assert.AreEqual(4, cells.Count);
            Assert.AreEqual(esp.GetProperty("packetsOut").GetInt32().ToString(), cells[0].Text);
            Assert.AreEqual(esp.GetProperty("packetsIn").GetInt32().ToString(), cells[1].Text);
            Assert.AreEqual(EspCount.ToString(), cells[2].Text);
            Assert.AreEqual("1", cells[3].Text);
            Assert.AreEqual(NamespaceLab.WanInterface, driver.FindElement(By.Id("uplink-ssid")).Text);
            StringAssert.StartsWith(driver.FindElement(By.Id("uplink-address")).Text, RouterWan);
            string statusPage = driver.PageSource;
            string clientsCard = driver.FindElement(By.XPath("//section[h2[starts-with(normalize-space(.), 'Clients')]]")).Text;
            string shot = Environment.GetEnvironmentVariable("NR_ADMIN_SCREENSHOT") ?? Path.Combine(BoardLab.RepoRoot(), "boards", "host", "admin-status.png");
            driver.GetScreenshot().SaveAsFile(shot);
            Console.WriteLine("screenshot: " + shot);
            Assert.IsTrue(new FileInfo(shot).Length > 10000);

            // The browser saw no script or style errors (CSP violations are console errors).
            foreach (var entry in driver.Manage().Logs.GetLog(LogType.Browser))
            {
                Assert.IsFalse(entry.Message.Contains("Content Security Policy"), entry.Message);
            }

            // The browser, a LAN client, sent nothing anywhere but to the admin page.
            string[] stray = lab.LanStrayPackets();
            Assert.AreEqual(0, stray.Length, "the LAN client sent or got other traffic:\n" + string.Join("\n", stray));

            // A clean stop: exit code 0, rules removed.
            Assert.AreEqual(0, lab.StopBoard(), "exit code after SIGTERM:\n" + lab.Board.Transcript);
            lab.Board.WaitForLine("stopped; rules removed", 1000);

            // The browser's own machine is a client on the LAN (the board reads the LAN
            // interface's neighbour table).
            Assert.IsTrue(statusPage.Contains("<td>" + NamespaceLab.ClientAddress(0) + "</td>"),
                "the browser's LAN client " + NamespaceLab.ClientAddress(0) + " is not listed on the status page; its Clients card says: " + clientsCard.Replace('\n', ' '));
        }

        /// <summary>
        /// A web page cannot lock the admin out (issue 15 section 3): a page on another origin
        /// (http://127.0.0.1:PORT, served in the browser's own namespace) that the admin's browser
        /// opens posts 40 wrong passwords to /api/login and 40 to /login, no-cors, as fast as the
        /// router answers (the attack got the right password 429 after 12). Every one gets an
        /// answer (an opaque response: it reached the router), none reaches the password check,
        /// and the admin then logs in with the page and with the API from the same address.
        /// The board got its password from --admin-password-file (on the host board, local
        /// access is presence).
        /// </summary>
        [TestMethod]
        public void HostBoard_AnotherOriginsWrongPasswords_DoNotLockTheAdminOut()
        {
            using BoardLab lab = BoardLab.Create();
            try
            {
                RunCrossOrigin(lab);
            }
            catch (Exception)
            {
                Console.WriteLine("--- what the lab's processes printed\n" + lab.Transcript);
                throw;
            }
        }

        private static void RunCrossOrigin(BoardLab lab)
        {
            const int Attempts = 40;
            const int EvilPort = 8765;
            string passwordFile = Path.Combine(lab.Directory, "admin-password");
            File.WriteAllText(passwordFile, Password + "\n");
            lab.StartBoard("--admin-password-file", passwordFile);
            Assert.IsTrue(LoadSettings(lab).HasAdminPassword, "--admin-password-file set the password");

            string site = Path.Combine(lab.Directory, "evil");
            Directory.CreateDirectory(site);
            File.WriteAllText(Path.Combine(site, "index.html"),
                "<!doctype html><title>loading</title><script>\n"
                + "const target = '" + Url + "', n = " + Attempts + ";\n"
                + "let answered = 0, failed = 0;\n"
                + "async function attempt(path, type, body) {\n"
                + "  try { await fetch(target + path, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': type }, body: body }); answered++; }\n"
                + "  catch (e) { failed++; }\n"
                + "}\n"
                + "(async () => {\n"
                + "  for (let i = 0; i < n; i++) {\n"
                + "    await attempt('/api/login', 'text/plain', JSON.stringify({ password: 'wrong-' + i }));\n"
                + "    await attempt('/login', 'application/x-www-form-urlencoded', 'password=wrong-' + i);\n"
                + "  }\n"
                + "  document.title = 'done ' + answered + ' ' + failed;\n"
                + "})();\n"
                + "</script>\n");
            WatchedProcess server = lab.Start("the other origin's web server", lab.LanNamespace,
                "/usr/bin/python3", "-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", site, EvilPort.ToString());
            server.WaitForLine("Serving HTTP", 15000);

            WebDriver driver = lab.StartBrowser();
            using HttpClient http = lab.LanHttp();
            var started = DateTime.UtcNow;
            driver.Navigate().GoToUrl("http://127.0.0.1:" + EvilPort + "/");
            var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(60));
            wait.Until(d => d.Title.StartsWith("done "));
            double seconds = (DateTime.UtcNow - started).TotalSeconds;
            Console.WriteLine("the other origin's page: " + driver.Title + " (answered, failed) of " + (2 * Attempts) + " in " + seconds.ToString("0.0") + " s");
            Assert.AreEqual("done " + (2 * Attempts) + " 0", driver.Title, "every wrong password reached the router and got an answer");
            Assert.IsTrue(server.Count("\"GET / HTTP/1.1\" 200") >= 1, "the page came from the other origin's server:\n" + server.Transcript);

            // The admin, at the same address, right after: the API and the page both let them in.
            Assert.IsTrue(Esp(ApiStatus(http)).GetProperty("enabled").GetBoolean(), "the API login works");
            driver.Navigate().GoToUrl(Url + "/");
            LogIn(driver);
            Assert.AreEqual(Url + "/", driver.Url);
            Assert.AreEqual(0, lab.StopBoard(), "exit code after SIGTERM:\n" + lab.Board.Transcript);
        }

        private static JsonElement Esp(JsonElement status) => status.GetProperty("passthrough").GetProperty("esp");

        private static RouterSettings LoadSettings(BoardLab lab)
        {
            var settings = new RouterSettings();
            new SettingsStore(new FileConfigStore(lab.ConfigFile)).Load(settings);
            return settings;
        }

        /// <summary>POST /api/login for a token, then GET /api/status with it, both from the LAN client.</summary>
        private static JsonElement ApiStatus(HttpClient http) => ApiGet(http, "/api/status");

        /// <summary>POST /api/login for a token, then GET <paramref name="path"/> with it, both from the LAN client.</summary>
        private static JsonElement ApiGet(HttpClient http, string path)
        {
            var login = http.PostAsync(Url + "/api/login", new StringContent("{\"password\":\"" + Password + "\"}", Encoding.UTF8, "application/json")).Result;
            Assert.AreEqual(200, (int)login.StatusCode);
            string token = JsonDocument.Parse(login.Content.ReadAsStringAsync().Result).RootElement.GetProperty("token").GetString();
            var request = new HttpRequestMessage(HttpMethod.Get, Url + path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var status = http.SendAsync(request).Result;
            Assert.AreEqual(200, (int)status.StatusCode);
            return JsonDocument.Parse(status.Content.ReadAsStringAsync().Result).RootElement;
        }

        private static void LogIn(IWebDriver driver)
        {
            WaitForText(driver, By.TagName("h1"), "Log in");
            driver.FindElement(By.Id("password")).SendKeys(Password);
            Click(driver, "login");
            WaitForText(driver, By.TagName("h1"), "Status");
        }

        private static void Click(IWebDriver driver, string id)
        {
            driver.FindElement(By.Id(id)).Click();
        }

        /// <summary>Waits (15 s at most) until an element's text is as expected: a click that
        /// submits a form returns before the next page has loaded.</summary>
        private static void WaitForText(IWebDriver driver, By by, string expected)
        {
            var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(15));
            wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
            try
            {
                wait.Until(d => d.FindElement(by).Text == expected);
            }
            catch (WebDriverTimeoutException)
            {
                Assert.Fail("waited for \"" + expected + "\" in " + by + " at " + driver.Url + ":\n" + driver.PageSource);
            }
        }
    }
}
