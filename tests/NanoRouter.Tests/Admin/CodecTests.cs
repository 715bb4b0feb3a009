using System;
using System.Text;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.Core.Admin;

namespace NanoRouter.Tests.Admin
{
    /// <summary>UTF-8, JSON reader and escaping writer.</summary>
    [TestClass]
    public class CodecTests
    {
        [TestMethod]
        public void Utf8_RandomStrings_RoundTripLikeDotNet()
        {
            var random = new Random(3);
            for (int n = 0; n < 2000; n++)
            {
                var chars = new StringBuilder();
                int length = random.Next(0, 20);
                for (int i = 0; i < length; i++)
                {
                    int kind = random.Next(4);
                    int cp = kind == 0 ? random.Next(0, 0x80) : kind == 1 ? random.Next(0x80, 0x800) : kind == 2 ? random.Next(0x800, 0xD800) : random.Next(0x10000, 0x110000);
                    chars.Append(char.ConvertFromUtf32(cp));
                }

                string text = chars.ToString();
                byte[] expected = Encoding.UTF8.GetBytes(text);
                Assert.AreEqual(expected.Length, Utf8.ByteCount(text));
                byte[] actual = new byte[expected.Length];
                Assert.AreEqual(expected.Length, Utf8.Encode(text, actual, 0));
                CollectionAssert.AreEqual(expected, actual);
                Assert.AreEqual(text, Utf8.Decode(expected, 0, expected.Length));
            }
        }

        [TestMethod]
        [DataRow(new byte[] { 0xC0, 0x80 })]             // overlong NUL
        [DataRow(new byte[] { 0xE0, 0x80, 0x80 })]       // overlong
        [DataRow(new byte[] { 0xED, 0xA0, 0x80 })]       // surrogate
        [DataRow(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // above U+10FFFF
        [DataRow(new byte[] { 0xE2, 0x82 })]             // truncated
        [DataRow(new byte[] { 0x80 })]                   // lone continuation
        [DataRow(new byte[] { 0xFF })]
        public void Utf8_Invalid_IsRejected(byte[] bytes)
        {
            Assert.IsNull(Utf8.Decode(bytes, 0, bytes.Length));
        }

        [TestMethod]
        public void Html_EscapesMarkupAndQuotes()
        {
            byte[] buffer = new byte[200];
            var w = new ByteWriter(buffer, 0, buffer.Length);
            w.Html("<script>alert('x')</script>&\"caf\u00e9\"\u0007");
            Assert.AreEqual("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;caf\u00e9&quot;&#xfffd;", Encoding.UTF8.GetString(buffer, 0, w.Length));
        }

        [TestMethod]
        public void JsonString_IsValidJsonAndInert()
        {
            string text = "a\"b\\c\n</script>\u00e9\U0001F600\u0001";
            byte[] buffer = new byte[200];
            var w = new ByteWriter(buffer, 0, buffer.Length);
            w.JsonString(text);
            string json = Encoding.UTF8.GetString(buffer, 0, w.Length);
            Assert.IsFalse(json.Contains('<'));
            Assert.AreEqual(text, System.Text.Json.JsonSerializer.Deserialize<string>(json));
        }

        [TestMethod]
        public void ByteWriter_Overflow_IsFlaggedNotThrown()
        {
            byte[] buffer = new byte[8];
            var w = new ByteWriter(buffer, 0, 4);
            w.Ascii("abcdef");
            Assert.IsTrue(w.Overflow);
            Assert.AreEqual(0, buffer[4]);
            w.Clear();
            w.Int(-2147483648);
            Assert.IsTrue(w.Overflow);
            w.Reset(buffer, 0, 8);
            w.Int(-1234567);
            Assert.AreEqual("-1234567", Encoding.ASCII.GetString(buffer, 0, w.Length));
        }

        private static JsonReader Read(string json)
        {
            var reader = new JsonReader();
            byte[] bytes = Encoding.UTF8.GetBytes(json);
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
            Assert.AreEqual("a\u00e9\"\U0001F600", Encoding.UTF8.GetString(r.StringBuffer, 0, r.StringLength));
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
            byte[] body = Encoding.ASCII.GetBytes("a=1&ssid=My+Caf%C3%A9%20%26+Bar&bad=%G1&empty=");
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
