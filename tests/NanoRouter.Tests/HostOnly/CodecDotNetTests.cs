using System.Text;
using System;
using NanoRouter.Core.Admin;
using NanoRouter.Core.Common;

namespace NanoRouter.Tests.HostOnly
{
    /// <summary>
    /// The core's UTF-8 and JSON string writer against .NET's Encoding.UTF8 and System.Text.Json,
    /// with characters above U+FFFF in strings. Host only: nanoCLR's string indexer, which
    /// Utf8.CodePointAt reads, returns the high surrogate at both positions of such a pair, so there
    /// the core's string-to-UTF-8 methods (Utf8.ByteCount and Encode, ByteWriter.Utf8, Html and
    /// JsonString) write U+FFFD twice for each such character (seen in nanoCLR at nf-interpreter
    /// 3367392a0). The shared CodecTests cover the same with characters up to U+FFFF, and
    /// characters above it through the byte-level methods.
    /// </summary>
    [TestClass]
    public class CodecDotNetTests
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
    }
}
