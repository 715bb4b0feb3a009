using NanoRouter.Core.Common;
using NanoRouter.Core.Config;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Radio
{
    /// <summary>
    /// The Wi-Fi limits the admin page and the board share (issue 11, point 7): SSID 1-31 bytes
    /// (System.Net WirelessAPConfiguration refuses 32), passphrase empty or 8-63 bytes, the access
    /// point's printable ASCII.
    /// </summary>
    [TestClass]
    public class WifiRulesTests
    {
        private static WifiProblem Ssid(string text, bool allowEmpty)
        {
            byte[] b = Text.Utf8(text);
            return WifiRules.CheckSsid(b, 0, b.Length, allowEmpty);
        }

        private static WifiProblem Passphrase(string text, bool accessPoint)
        {
            byte[] b = Text.Utf8(text);
            return WifiRules.CheckPassphrase(b, 0, b.Length, accessPoint);
        }

        [TestMethod]
        public void CheckSsid_Lengths_OneTo31Bytes()
        {
            Assert.AreEqual(WifiProblem.SsidLength, Ssid(string.Empty, false));
            Assert.AreEqual(WifiProblem.None, Ssid(string.Empty, true), "the uplink may be unset");
            Assert.AreEqual(WifiProblem.None, Ssid("a", false));
            Assert.AreEqual(WifiProblem.None, Ssid(new string('a', 31), false));
            Assert.AreEqual(WifiProblem.SsidLength, Ssid(new string('a', 32), false), "the device refuses 32");
        }

        [TestMethod]
        public void CheckSsid_CountsUtf8Bytes_NotCharacters()
        {
            // 27 ASCII + one emoji (4 bytes) = 31 bytes, 28 characters (29 UTF-16 units).
            Assert.AreEqual(WifiProblem.None, Ssid(new string('a', 27) + "\U0001F600", false));
            Assert.AreEqual(WifiProblem.SsidLength, Ssid(new string('a', 28) + "\U0001F600", false));
            // 16 x "é" = 32 bytes in 16 characters: too long for the device.
            Assert.AreEqual(WifiProblem.SsidLength, Ssid(new string('\u00e9', 16), false));
        }

        [TestMethod]
        public void CheckSsid_ControlCharactersAndBadUtf8_Refused()
        {
            Assert.AreEqual(WifiProblem.SsidCharacters, Ssid("home\nnet", false));
            Assert.AreEqual(WifiProblem.SsidCharacters, Ssid("home\u007Fnet", false));
            byte[] bad = { 0x61, 0xC3, 0x28 };
            Assert.AreEqual(WifiProblem.SsidCharacters, WifiRules.CheckSsid(bad, 0, bad.Length, false));
            byte[] nul = { 0x61, 0x00, 0x62 };
            Assert.AreEqual(WifiProblem.SsidCharacters, WifiRules.CheckSsid(nul, 0, nul.Length, false));
        }

        [TestMethod]
        public void CheckPassphrase_EmptyOr8To63Bytes()
        {
            Assert.AreEqual(WifiProblem.None, Passphrase(string.Empty, true), "open");
            Assert.AreEqual(WifiProblem.PassphraseLength, Passphrase("1234567", true));
            Assert.AreEqual(WifiProblem.None, Passphrase("12345678", true));
            Assert.AreEqual(WifiProblem.None, Passphrase(new string('p', 63), true));
            Assert.AreEqual(WifiProblem.PassphraseLength, Passphrase(new string('p', 64), true), "the device refuses 64, hex keys too");
            Assert.AreEqual(WifiProblem.PassphraseLength, Passphrase(new string('f', 64), false));
        }

        [TestMethod]
        public void CheckPassphrase_AccessPointAsciiOnly_UplinkUtf8()
        {
            Assert.AreEqual(WifiProblem.PassphraseCharacters, Passphrase("p\u00e4sswort", true));
            Assert.AreEqual(WifiProblem.None, Passphrase("p\u00e4sswort", false));
            Assert.AreEqual(WifiProblem.PassphraseCharacters, Passphrase("pass\tword", false));
            // Eight bytes but four characters: the access point's API counts characters too.
            Assert.AreEqual(WifiProblem.PassphraseCharacters, Passphrase("\u00e4\u00e4\u00e4\u00e4", true));
        }

        [TestMethod]
        public void Describe_EveryProblem_OneSentence()
        {
            for (int p = 1; p <= 5; p++)
            {
                string text = WifiRules.Describe((WifiProblem)p, true);
                Assert.IsNotNull(text, "problem " + p);
                Assert.IsTrue(text.EndsWith("."), text);
            }

            Assert.IsNull(WifiRules.Describe(WifiProblem.None, true));
        }
    }
}
