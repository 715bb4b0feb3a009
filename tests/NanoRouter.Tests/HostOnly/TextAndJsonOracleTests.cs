using System.Text.Json;
using System.Text;
using System;
using NanoRouter.Core.Common;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.HostOnly
{
    /// <summary>
    /// Proves, over many random inputs, that the shared tests' own <see cref="Text"/> and
    /// <see cref="TestJson"/> give .NET's results (Encoding.UTF8, the strict UTF8Encoding,
    /// Uri.EscapeDataString, the ordinal string methods, System.Text.Json's JsonDocument), and that
    /// the second opinions (TextHostOracle, TestJsonHostOracle) are called for every shared use.
    /// </summary>
    [TestClass]
    public class TextAndJsonOracleTests
    {
        private static readonly UTF8Encoding s_strict = new UTF8Encoding(false, true);

        private static string RandomString(Random random, int maxLength, bool loneSurrogates)
        {
            var chars = new StringBuilder();
            int length = random.Next(0, maxLength + 1);
            for (int i = 0; i < length; i++)
            {
                switch (random.Next(loneSurrogates ? 6 : 5))
                {
                    case 0:
                        chars.Append((char)random.Next(0x20, 0x7F));
                        break;
                    case 1:
                        chars.Append((char)random.Next(0, 0x20));
                        break;
                    case 2:
                        chars.Append((char)random.Next(0x80, 0xD800));
                        break;
                    case 3:
                        chars.Append((char)random.Next(0xE000, 0x10000));
                        break;
                    case 4:
                        chars.Append(char.ConvertFromUtf32(random.Next(0x10000, 0x110000)));
                        break;
                    default:
                        chars.Append((char)random.Next(0xD800, 0xE000));
                        break;
                }
            }

            return chars.ToString();
        }

        [TestMethod]
        public void Text_RandomStrings_Utf8AndPercentEncodingAsDotNet()
        {
            var random = new Random(11);
            for (int n = 0; n < 5000; n++)
            {
                string text = RandomString(random, 24, loneSurrogates: true);
                byte[] bytes = Text.Utf8(text);
                CollectionAssert.AreEqual(Encoding.UTF8.GetBytes(text), bytes);
                Assert.AreEqual(Encoding.UTF8.GetString(bytes), Text.FromUtf8(bytes, 0, bytes.Length));
                Assert.AreEqual(Uri.EscapeDataString(text), Text.PercentEncode(text));
            }
        }

        [TestMethod]
        public void Text_FromUtf8_RandomBytes_RefusesExactlyWhatTheStrictDecoderRefuses()
        {
            var random = new Random(12);
            int refused = 0;
            for (int n = 0; n < 20000; n++)
            {
                byte[] bytes = Encoding.UTF8.GetBytes(RandomString(random, 8, loneSurrogates: false));
                for (int flips = random.Next(0, 3); flips > 0 && bytes.Length > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                int count = random.Next(bytes.Length + 1);
                string theirs = null;
                try
                {
                    theirs = s_strict.GetString(bytes, 0, count);
                }
                catch (DecoderFallbackException)
                {
                }

                string mine = null;
                try
                {
                    mine = Text.FromUtf8(bytes, 0, count);
                }
                catch (AssertFailedException)
                {
                }

                Assert.AreEqual(theirs, mine, BitConverter.ToString(bytes, 0, count));
                refused += theirs == null ? 1 : 0;
            }

            Assert.IsTrue(refused > 2000, "enough invalid inputs: " + refused);
        }

        [TestMethod]
        public void Text_RandomStrings_SearchSliceSplitAsTheOrdinalStringMethods()
        {
            var random = new Random(13);
            for (int n = 0; n < 3000; n++)
            {
                string text = RandomString(random, 16, loneSurrogates: false);
                string part = text.Length == 0 || random.Next(3) == 0 ? RandomString(random, 2, loneSurrogates: false) : text.Substring(random.Next(text.Length), 1);
                int start = random.Next(text.Length + 1);
                Assert.AreEqual(text.IndexOf(part, start, StringComparison.Ordinal), Text.IndexOf(text, part, start));
                Assert.AreEqual(text.StartsWith(part, StringComparison.Ordinal), Text.StartsWith(text, part));
                if (part.Length > 0)
                {
                    CollectionAssert.AreEqual(text.Split(part), Text.Split(text, part));
                }

                int from = random.Next(text.Length + 1);
                int length = random.Next(text.Length - from + 1);
                Assert.AreEqual(text.Substring(from, length), Text.Slice(text, from, length));
            }

            Assert.IsTrue(Text.SameIgnoringAsciiCase("Content-LENGTH", "content-length") == string.Equals("Content-LENGTH", "content-length", StringComparison.OrdinalIgnoreCase));
        }

        [TestMethod]
        public void TestJson_RandomEditsOfApiLikeJson_AgreeWithSystemTextJson()
        {
            // Every TryParse hands the text to TestJsonHostOracle, which requires System.Text.Json's
            // verdict and values; here the inputs are valid texts with random edits.
            const string Valid = "{\"passthrough\":{\"esp\":{\"enabled\":true,\"packetsOut\":0}},\"nat\":{\"capacity\":512,\"drops\":-1.5e3},"
                + "\"uplink\":{\"ssid\":\"Caf\\u00e9 \\\"<b>\\\" \\ud83d\\ude00\",\"wifiNotice\":null},\"clients\":[{\"address\":\"192.168.4.2\"},[],false]}";
            const string Alphabet = "{}[]:,\"\\ -.0123456789eEtrufalsn\u00e9\t\nxu";
            var random = new Random(14);
            int valid = 0;
            for (int n = 0; n < 20000; n++)
            {
                var text = new StringBuilder(Valid);
                for (int edits = random.Next(0, 4); edits > 0 && text.Length > 0; edits--)
                {
                    int at = random.Next(text.Length);
                    switch (random.Next(3))
                    {
                        case 0:
                            text.Remove(at, 1);
                            break;
                        case 1:
                            text.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                            break;
                        default:
                            text[at] = Alphabet[random.Next(Alphabet.Length)];
                            break;
                    }
                }

                JsonNode node;
                string error;
                valid += TestJson.TryParse(text.ToString(), out node, out error) ? 1 : 0;
            }

            Assert.IsTrue(valid > 1000 && valid < 19000, "a mix of valid and invalid texts: " + valid);
        }

        [TestMethod]
        public void TestJson_StricterThanSystemTextJson_OnlyWhereDocumented()
        {
            foreach (string text in new[] { "{\"a\":1,\"a\":2}", "\"\\ud800\"", "\"\\udc00x\"", "[\"\\ude00\\ud83d\"]", new string('[', 33) + new string(']', 33) })
            {
                JsonNode node;
                string error;
                Assert.IsFalse(TestJson.TryParse(text, out node, out error), text);
                using (JsonDocument.Parse(text))
                {
                    // System.Text.Json reads it: the difference TestJsonHostOracle allows.
                }
            }
        }

        [TestMethod]
        public void SecondOpinions_AreCalledForEverySharedUse()
        {
            int text = Text.HostOracleChecks;
            int json = TestJson.HostOracleChecks;
            Text.Utf8("x");
            Text.FromUtf8(new byte[] { 0x78 }, 0, 1);
            Text.PercentEncode("x y");
            TestJson.Parse("{}");
            JsonNode node;
            string error;
            TestJson.TryParse("{", out node, out error);
            Assert.IsTrue(Text.HostOracleChecks >= text + 3, "Text's results go to .NET");
            Assert.IsTrue(TestJson.HostOracleChecks >= json + 2, "TestJson's verdicts go to System.Text.Json");
        }
    }
}
