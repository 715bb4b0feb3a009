using System;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.Core.Passthrough;
using NanoRouter.Core.Wire;
using NanoRouter.Hal;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace NanoRouter.BrowserTests
{
    /// <summary>
    /// The admin page in Debian's chromium, headless, driven by Selenium: first-boot password,
    /// log out and in, switch IPsec ESP off (the API says off, raw ESP is dropped and counted),
    /// switch it on again, and save a screenshot of the status page for the README.
    /// </summary>
    [TestClass]
    public class BrowserTests
    {
        private const string Password = "browser-test-pw";

        internal static string RepoRoot()
        {
            string dir = AppContext.BaseDirectory;
            while (dir != null && !File.Exists(Path.Combine(dir, "nanoRouter.sln")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            Assert.IsNotNull(dir, "nanoRouter.sln not found above the test folder");
            return dir;
        }

        internal static ChromeDriver StartChromium(string profileDir)
        {
            Assert.IsTrue(File.Exists("/usr/bin/chromium"), "install chromium (tests/stages/50-browser.apt)");
            Assert.IsTrue(File.Exists("/usr/bin/chromedriver"), "install chromium-driver (tests/stages/50-browser.apt)");
            var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
            service.HideCommandPromptWindow = true;
            service.SuppressInitialDiagnosticInformation = true;
            var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
            options.AddArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1100,1000", "--user-data-dir=" + profileDir);
            return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        }

        /// <summary>An IPv4 ESP packet from a LAN host to a server on the WAN side (SPI 0x1001).</summary>
        private static byte[] EspPacket(int sequence)
        {
            byte[] p = new byte[20 + 8 + 32];
            p[0] = 0x45;
            NetworkOrder.WriteUInt16(p, 2, (ushort)p.Length);
            p[8] = 64;
            p[9] = 50;
            NetworkOrder.WriteUInt32(p, 12, 0xC6130402); // 198.19.4.2
            NetworkOrder.WriteUInt32(p, 16, 0xC6120001); // 198.18.0.1
            NetworkOrder.WriteUInt16(p, 10, InternetChecksum.Compute(p, 0, 20));
            NetworkOrder.WriteUInt32(p, 20, 0x1001);
            NetworkOrder.WriteUInt32(p, 24, (uint)sequence);
            return p;
        }

        private static JsonElement ApiStatus(HttpClient http, string baseUrl)
        {
            var login = http.PostAsync(baseUrl + "/api/login", new StringContent("{\"password\":\"" + Password + "\"}", Encoding.UTF8, "application/json")).Result;
            Assert.AreEqual(200, (int)login.StatusCode);
            string token = JsonDocument.Parse(login.Content.ReadAsStringAsync().Result).RootElement.GetProperty("token").GetString();
            var request = new HttpRequestMessage(HttpMethod.Get, baseUrl + "/api/status");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var status = http.SendAsync(request).Result;
            Assert.AreEqual(200, (int)status.StatusCode);
            return JsonDocument.Parse(status.Content.ReadAsStringAsync().Result).RootElement;
        }

        private static void Click(IWebDriver driver, string id)
        {
            driver.FindElement(By.Id(id)).Click();
        }

        /// <summary>Waits (10 s at most) until an element's text is as expected: a click that
        /// submits a form returns before the next page has loaded.</summary>
        private static void WaitForText(IWebDriver driver, By by, string expected)
        {
            var wait = new OpenQA.Selenium.Support.UI.WebDriverWait(driver, TimeSpan.FromSeconds(10));
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

        [TestMethod]
        public void FirstBoot_Login_SwitchEspOffAndOn_Screenshot()
        {
            using var router = new InProcessRouter();
            router.Host.UplinkSsid = "HomeNet (nr-wan)";
            string profile = Path.Combine(router.Directory, "chromium-profile");
            using ChromeDriver driver = StartChromium(profile);
            driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(20);
            using var http = new HttpClient();
            string url = router.BaseUrl;

            // First boot: every page leads to the password form.
            driver.Navigate().GoToUrl(url + "/");
            StringAssert.EndsWith(driver.Url, "/setup");
            StringAssert.Contains(driver.FindElement(By.TagName("h1")).Text, "Set the admin password");
            driver.FindElement(By.Id("password")).SendKeys(Password);
            driver.FindElement(By.Id("confirm")).SendKeys(Password);
            Click(driver, "set-password");
            WaitForText(driver, By.TagName("h1"), "Status");
            Assert.AreEqual(url + "/", driver.Url);

            // The session cookie is invisible to scripts (HttpOnly).
            Assert.AreEqual("", driver.ExecuteScript("return document.cookie") as string ?? "");

            // Log out, log in.
            driver.FindElement(By.CssSelector("button.link")).Click();
            WaitForText(driver, By.TagName("h1"), "Log in");
            StringAssert.EndsWith(driver.Url, "/login");
            driver.FindElement(By.Id("password")).SendKeys(Password);
            Click(driver, "login");
            WaitForText(driver, By.TagName("h1"), "Status");

            // ESP on: a raw ESP packet from the LAN is forwarded.
            lock (router.Server.SyncRoot)
            {
                for (int i = 1; i <= 3; i++)
                {
                    byte[] esp = EspPacket(i);
                    Assert.AreEqual(Verdict.Forward, router.Engine.Process(esp, esp.Length, Side.Lan));
                }
            }

            // Switch IPsec ESP off in the browser.
            driver.Navigate().GoToUrl(url + "/passthrough");
            Click(driver, "toggle-esp");
            WaitForText(driver, By.CssSelector("#switch-esp .pill"), "off");
            StringAssert.EndsWith(driver.Url, "/passthrough");
            Assert.AreEqual("Switch on", driver.FindElement(By.Id("toggle-esp")).Text);

            JsonElement off = ApiStatus(http, url);
            Assert.IsFalse(off.GetProperty("passthrough").GetProperty("esp").GetProperty("enabled").GetBoolean());
            Assert.IsTrue(off.GetProperty("passthrough").GetProperty("ike").GetProperty("enabled").GetBoolean());
            int dropsBefore = off.GetProperty("passthrough").GetProperty("esp").GetProperty("drops").GetInt32();

            // Raw ESP is now dropped, and the drop is counted under ESP.
            lock (router.Server.SyncRoot)
            {
                byte[] esp = EspPacket(4);
                Assert.AreEqual(Verdict.Drop, router.Engine.Process(esp, esp.Length, Side.Lan));
                Assert.IsFalse(router.Engine.Passthrough.IsEnabled(PassthroughProtocol.Esp));
            }

            JsonElement afterDrop = ApiStatus(http, url);
            Assert.AreEqual(dropsBefore + 1, afterDrop.GetProperty("passthrough").GetProperty("esp").GetProperty("drops").GetInt32());
            Assert.IsTrue(afterDrop.GetProperty("nat").GetProperty("drops").GetInt32() >= 1);

            // The switch survives a restart: the settings file says off.
            var reloaded = new NanoRouter.Core.Config.RouterSettings();
            new NanoRouter.Core.Config.SettingsStore(new NanoRouter.Hal.Linux.FileConfigStore(Path.Combine(router.Directory, "settings.bin"))).Load(reloaded);
            Assert.IsFalse(reloaded.IsPassthroughEnabled(PassthroughProtocol.Esp));

            // Switch it on again.
            Click(driver, "toggle-esp");
            WaitForText(driver, By.CssSelector("#switch-esp .pill"), "on");
            Assert.IsTrue(ApiStatus(http, url).GetProperty("passthrough").GetProperty("esp").GetProperty("enabled").GetBoolean());
            lock (router.Server.SyncRoot)
            {
                byte[] esp = EspPacket(5);
                Assert.AreEqual(Verdict.Forward, router.Engine.Process(esp, esp.Length, Side.Lan));
            }

            // Settings: give the access point a password; the form answers "Saved." and never shows it.
            driver.Navigate().GoToUrl(url + "/settings");
            driver.FindElement(By.Id("appassword")).SendKeys("ap-secret-pass");
            Click(driver, "save-settings");
            WaitForText(driver, By.CssSelector("p.banner.ok"), "Saved. Wi-Fi changes take effect after a reboot.");
            Assert.IsFalse(driver.PageSource.Contains("ap-secret-pass"));
            Assert.AreEqual("", driver.FindElement(By.Id("appassword")).GetAttribute("value"));

            // Switch PPTP off for the picture, so both states show; then the status page.
            driver.Navigate().GoToUrl(url + "/passthrough");
            Click(driver, "toggle-pptp");
            WaitForText(driver, By.CssSelector("#switch-pptp .pill"), "off");
            driver.Navigate().GoToUrl(url + "/");
            Assert.AreEqual("on", driver.FindElement(By.CssSelector("#row-esp .pill")).Text);
            Assert.AreEqual("off", driver.FindElement(By.CssSelector("#row-pptp .pill")).Text);
            Assert.AreEqual("HomeNet (nr-wan)", driver.FindElement(By.Id("uplink-ssid")).Text);
            string shot = Environment.GetEnvironmentVariable("NR_ADMIN_SCREENSHOT") ?? Path.Combine(RepoRoot(), "boards", "host", "admin-status.png");
            driver.GetScreenshot().SaveAsFile(shot);
            Console.WriteLine("screenshot: " + shot);
            Assert.IsTrue(new FileInfo(shot).Length > 10000);

            // The browser saw no script or style errors (CSP violations are console errors).
            foreach (var entry in driver.Manage().Logs.GetLog(LogType.Browser))
            {
                Assert.IsFalse(entry.Message.Contains("Content Security Policy"), entry.Message);
            }
        }
    }
}
