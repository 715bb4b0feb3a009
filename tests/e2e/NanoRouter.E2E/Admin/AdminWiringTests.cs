using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Infrastructure;
using NanoRouter.Hal.Linux;

namespace NanoRouter.E2E.Admin
{
    /// <summary>
    /// How the host board wires the admin server: on the LAN address only (never the WAN),
    /// --admin-password-file sets the first password, --config keeps the settings across runs,
    /// and a passthrough switch flipped through the JSON API shows in the log. The admin app's
    /// own behaviour is tested with the core; this is the board's part.
    /// </summary>
    [TestClass]
    public sealed class AdminWiringTests
    {
        private const string Password = "e2e password 42";

        [TestMethod]
        public void Admin_OnLanOnly_PasswordFromFile_ToggleLoggedAndKeptInConfig()
        {
            string directory = Directory.CreateTempSubdirectory("nre-admin-").FullName;
            try
            {
                string passwordFile = Path.Combine(directory, "password");
                string config = Path.Combine(directory, "settings.bin");
                File.WriteAllText(passwordFile, Password + "\n");
                using TestLab lab = TestLab.Create();
                Assert.IsTrue(lab.Exec(lab.Wan, "ip", "route", "add", "198.19.4.0/24", "via", NamespaceLab.RouterWanAddress).Ok);

                using (RouterUnderTest router = RouterUnderTest.Start(lab, "--config", config, "--admin-password-file", passwordFile))
                {
                    string token = Login(lab);
                    var put = Curl(lab, lab.Lan(), "-X", "PUT", "-H", "Authorization: Bearer " + token,
                        "-H", "Content-Type: application/json", "--data", "{\"esp\":false}", "http://198.19.4.1/api/passthrough");
                    Assert.AreEqual("200", put.Code, put.Body);

                    Assert.IsTrue(router.WaitForOutput(l => l == "nanorouter: passthrough esp off", 5000),
                        "the toggle is logged:\n" + router.Transcript);

                    // Never on the WAN: neither the WAN address nor the LAN address from the WAN side.
                    foreach (string url in new[] { "http://198.18.0.2/", "http://198.19.4.1/" })
                    {
                        var fromWan = Curl(lab, lab.Wan, url);
                        Assert.AreEqual("000", fromWan.Code, "the admin page answered the WAN at " + url + ": " + fromWan.Body);
                    }

                    router.StopAndVerify();
                }

                Assert.IsTrue(File.Exists(config), "the settings file was written");
                using (RouterUnderTest again = RouterUnderTest.Start(lab, "--config", config))
                {
                    Assert.IsTrue(again.Output.Any(l => l.Contains("settings loaded from " + config)), again.Transcript);
                    string token = Login(lab);
                    var get = Curl(lab, lab.Lan(), "-H", "Authorization: Bearer " + token, "http://198.19.4.1/api/passthrough");
                    Assert.AreEqual("200", get.Code, get.Body);
                    Assert.IsTrue(Regex.IsMatch(get.Body, "\"esp\"\\s*:\\s*\\{[^}]*\"enabled\"\\s*:\\s*false") || Regex.IsMatch(get.Body, "\"esp\"\\s*:\\s*false"),
                        "esp stays off after a restart with the same --config: " + get.Body);
                    again.StopAndVerify();
                }
            }
            finally
            {
                Directory.Delete(directory, true);
            }
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
            var command = new System.Collections.Generic.List<string> { "curl", "-s", "-m", "3", "-w", "\n%{http_code}" };
            command.AddRange(arguments);
            CommandResult result = lab.Exec(ns, command.ToArray());
            string output = result.Output.TrimEnd('\n');
            int cut = output.LastIndexOf('\n');
            return cut < 0 ? (string.Empty, output.Trim()) : (output.Substring(0, cut), output.Substring(cut + 1).Trim());
        }
    }
}
