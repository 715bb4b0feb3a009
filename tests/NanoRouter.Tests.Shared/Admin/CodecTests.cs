using NanoRouter.Core.Admin;
using NanoRouter.Core.Common;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Admin
{
    /// <summary>
    /// UTF-8, JSON reader and escaping writer, against the tests' own UTF-8 (<see cref="Text"/>,
    /// RFC 3629) and JSON (<see cref="TestJson"/>) oracles. HostOnly/CodecDotNetTests checks the same
    /// against .NET's Encoding.UTF8 and System.Text.Json, with characters above U+FFFF in strings:
    /// nanoCLR's string indexer, which Utf8.CodePointAt reads, returns the high surrogate at both
    /// positions of such a pair, so the core's string-to-UTF-8 methods write U+FFFD twice there in
    /// nanoCLR (nf-interpreter 3367392a0). Here those code points go through the byte-level methods.
    /// </summary>
    [TestClass]
    public class CodecTests
    {
        [TestMethod]
        public void Utf8_RandomBmpStrings_RoundTripLikeTheOracle()
        {
            var random = new TestRandom(3);
            for (int n = 0; n < 2000; n++)
            {
                var chars = new char[random.Between(0, 19)];
                for (int i = 0; i < chars.Length; i++)
                {
                    int kind = random.Below(4);
                    int cp = kind == 0 ? random.Between(0, 0x7F) : kind == 1 ? random.Between(0x80, 0x7FF) : kind == 2 ? random.Between(0x800, 0xD7FF) : random.Between(0xE000, 0xFFFF);
                    chars[i] = (char)cp;
                }

                string text = new string(chars);
                byte[] expected = Text.Utf8(text);
                Assert.AreEqual(expected.Length, Utf8.ByteCount(text));
                byte[] actual = new byte[expected.Length];
                Assert.AreEqual(expected.Length, Utf8.Encode(text, actual, 0));
                CollectionAssert.AreEqual(expected, actual);
                Assert.AreEqual(text, Utf8.Decode(expected, 0, expected.Length));
            }
        }

        [TestMethod]
        public void Utf8_SupplementaryCodePoints_FourBytesEachWay()
        {
            var random = new TestRandom(4);
            byte[] actual = new byte[4];
            for (int n = 0; n < 2000; n++)
            {
                int cp = random.Between(0x10000, 0x10FFFF);
                var pair = new char[] { (char)(0xD800 + ((cp - 0x10000) >> 10)), (char)(0xDC00 + ((cp - 0x10000) & 0x3FF)) };
                byte[] expected = Text.Utf8(new string(pair));
                Assert.AreEqual(4, expected.Length, "U+" + cp.ToString("X"));
                Assert.AreEqual(4, Utf8.EncodeCodePoint(cp, actual, 0));
                CollectionAssert.AreEqual(expected, actual, "U+" + cp.ToString("X"));
                int decoded;
                Assert.AreEqual(4, Utf8.DecodeAt(expected, 0, 4, out decoded));
                Assert.AreEqual(cp, decoded);
                Assert.AreEqual(new string(pair), Utf8.Decode(expected, 0, 4));
            }
        }

        [TestMethod]
        [DataRow("C0 80")]       // overlong NUL
        [DataRow("E0 80 80")]    // overlong
        [DataRow("ED A0 80")]    // surrogate
        [DataRow("F4 90 80 80")] // above U+10FFFF
        [DataRow("E2 82")]       // truncated
        [DataRow("80")]          // lone continuation
        [DataRow("FF")]
        public void Utf8_Invalid_IsRejected(string hex)
        {
            byte[] bytes = Hex.Bytes(hex);
            Assert.IsNull(Utf8.Decode(bytes, 0, bytes.Length));
        }

        [TestMethod]
        public void Html_EscapesMarkupAndQuotes()
        {
            byte[] buffer = new byte[200];
            var w = new ByteWriter(buffer, 0, buffer.Length);
            w.Html("<script>alert('x')</script>&\"caf\u00e9\"\u0007");
            Assert.AreEqual("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;caf\u00e9&quot;&#xfffd;", Text.FromUtf8(buffer, 0, w.Length));
        }

        [TestMethod]
        public void JsonString_IsValidJsonAndInert()
        {
            // Characters up to U+FFFF (HostOnly/CodecDotNetTests adds one above, read by System.Text.Json).
            string text = "a\"b\\c\n</script>\u00e9\u2603\u0001\u001f\u007f/";
            byte[] buffer = new byte[200];
            var w = new ByteWriter(buffer, 0, buffer.Length);
            w.JsonString(text);
            string json = Text.FromUtf8(buffer, 0, w.Length);
            Assert.IsFalse(Text.Contains(json, "<"));
            JsonNode value = TestJson.Parse(json);
            Assert.AreEqual(text, value.String);
        }

        [TestMethod]
        public void ByteWriter_Overflow_IsFlaggedNotThrown()
        {
            byte[] buffer = new byte[8];
            var w = new ByteWriter(buffer, 0, 4);
            w.Ascii("abcdef");
            Assert.IsTrue(w.Overflow);
            Assert.AreEqual((byte)0, buffer[4]);
            w.Clear();
            w.Int(-2147483648);
            Assert.IsTrue(w.Overflow);
            w.Reset(buffer, 0, 8);
            w.Int(-1234567);
            Assert.AreEqual("-1234567", Text.FromAscii(buffer, 0, w.Length));
        }

        private static JsonReader Read(string json)
        {
            var reader = new JsonReader();
            byte[] bytes = Text.Utf8(json);
            reader.Begin(bytes, 0, bytes.Length);
            return reader;
        }

        [TestMethod]
        public void Json_FlatObject_ReadsEveryMember()
        {
            JsonReader r = Read(" { \"esp\" : false, \"pptp\":true , \"n\":-1.5e3, \"s\":\"a\\u00e9\\\"\\ud83d\\ude00\", \"z\":null } ");
            Assert.IsTrue(r.Next());
            Assert.IsTrue(r.KeyIs("esp"));
            Assert.AreEqual(JsonValueKind.False, r.ValueKind);
            Assert.IsTrue(r.Next());
            Assert.AreEqual(JsonValueKind.True, r.ValueKind);
            Assert.IsTrue(r.Next());
            Assert.AreEqual(JsonValueKind.Number, r.ValueKind);
            Assert.IsTrue(r.Next());
            Assert.AreEqual(JsonValueKind.String, r.ValueKind);
            Assert.AreEqual("a\u00e9\"\U0001F600", Text.FromUtf8(r.StringBuffer, 0, r.StringLength));
            Assert.IsTrue(r.Next());
            Assert.AreEqual(JsonValueKind.Null, r.ValueKind);
            Assert.IsFalse(r.Next());
            Assert.IsNull(r.Error);
        }

        [TestMethod]
        [DataRow("[1]")]
        [DataRow("{\"a\":{\"b\":1}}")]
        [DataRow("{\"a\":[1]}")]
        [DataRow("{\"a\":1,}")]
        [DataRow("{\"a\" 1}")]
        [DataRow("{\"a\":tru}")]
        [DataRow("{\"a\":01}")]
        [DataRow("{\"a\":\"x}")]
        [DataRow("{\"a\":\"\\x\"}")]
        [DataRow("{\"a\":\"\\ud800\"}")]
        [DataRow("{\"a\":1} x")]
        [DataRow("{\"a\":1")]
        [DataRow("")]
        public void Json_Invalid_GivesAnError(string json)
        {
            JsonReader r = Read(json);
            while (r.Next())
            {
            }

            Assert.IsNotNull(r.Error, json);
        }

        [TestMethod]
        [DataRow("{\"a\":1,\"a\":2}")]
        [DataRow("{\"a\":1,\"b\":2,\"a\":true}")]
        [DataRow("{\"esp\":true,\"\\u0065sp\":false}")]
        [DataRow("{\"\\u00e9\":1,\"\u00e9\":2}")]
        public void Json_DuplicateKey_IsAnError_EvenWhenEscapedDifferently(string json)
        {
            JsonReader r = Read(json);
            int members = 0;
            while (r.Next())
            {
                members++;
            }

            Assert.AreEqual("duplicate key", r.Error, json);
            Assert.IsTrue(members >= 1, "the members before the duplicate are read");
        }

        [TestMethod]
        public void Json_KeysDifferingInOneByte_AreNotDuplicates_AndMembersAreBounded()
        {
            JsonReader r = Read("{\"a\":1,\"ab\":2,\"b\":3,\"A\":4}");
            int members = 0;
            while (r.Next())
            {
                members++;
            }

            Assert.IsNull(r.Error);
            Assert.AreEqual(4, members);

            string many = "{";
            for (int i = 0; i <= JsonReader.MaxMembers; i++)
            {
                many += (i > 0 ? "," : "") + "\"k" + i + "\":" + i;
            }

            r = Read(many + "}");
            members = 0;
            while (r.Next())
            {
                members++;
            }

            Assert.AreEqual("too many members", r.Error);
            Assert.AreEqual(JsonReader.MaxMembers, members);
        }

        [TestMethod]
        public void Json_DeepNesting_FailsFastWithoutRecursion()
        {
            JsonReader r = Read("{\"a\":" + new string('[', 2000) + "}");
            Assert.IsFalse(r.Next());
            Assert.AreEqual("nested objects and arrays are not accepted", r.Error);
        }

        [TestMethod]
        public void PercentDecoding_FormValues()
        {
            var form = new FormReader();
            byte[] body = Text.Ascii("a=1&ssid=My+Caf%C3%A9%20%26+Bar&bad=%G1&empty=");
            form.Begin(body, 0, body.Length);
            Assert.AreEqual(1, form.Find("ssid"));
            Assert.AreEqual("My Caf\u00e9 & Bar", form.ValueString());
            Assert.AreEqual(-1, form.Find("bad"));
            Assert.AreEqual(1, form.Find("empty"));
            Assert.AreEqual(0, form.ValueLength);
            Assert.AreEqual(0, form.Find("missing"));
            Assert.AreEqual(0, form.Find("ss"));
        }
    }
}
