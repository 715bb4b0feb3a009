using System;
using NanoRouter.Core.Common;

namespace NanoRouter.Tests.Support
{
    /// <summary>
    /// The shared tests' own helpers. The values pinned here are the same on .NET and in nanoCLR:
    /// that is what makes a property's seed replay the same cases on either target.
    /// </summary>
    [TestClass]
    public class SupportTests
    {
        [TestMethod]
        public void TestRandom_Seed1_FirstValuesPinned()
        {
            var random = new TestRandom(1);
            CollectionAssert.AreEqual(new uint[] { 3898016280u, 503430273u, 2109199260u, 1781707058u }, new uint[] { random.NextUInt(), random.NextUInt(), random.NextUInt(), random.NextUInt() });
            Assert.AreEqual(2407135599u, new TestRandom(0).NextUInt(), "seed 0 is a seed like any other");
        }

        [TestMethod]
        public void TestRandom_DefaultSeed_EveryDrawPinned()
        {
            var random = new TestRandom(Property.DefaultSeed);
            Assert.AreEqual(1645580326u, random.NextUInt());
            Assert.AreEqual(428, random.Below(1000));
            Assert.AreEqual(-5, random.Between(-5, 5));
            Assert.AreEqual((byte)90, random.NextByte());
            Assert.AreEqual((ushort)37907, random.NextUShort());
            Assert.IsTrue(random.NextBool());
        }

        [TestMethod]
        [DataRow(0, 0)]
        [DataRow(-3, 3)]
        [DataRow(0, 65535)]
        [DataRow(int.MinValue, int.MaxValue)]
        public void TestRandom_Between_StaysWithinBothBounds(int min, int max)
        {
            var random = new TestRandom(7);
            bool sawMin = min == max;
            for (int i = 0; i < 500; i++)
            {
                int value = random.Between(min, max);
                Assert.IsTrue(value >= min && value <= max, value + " within [" + min + ", " + max + "]");
                sawMin |= value == min;
            }

            Assert.IsTrue(sawMin || (long)max - min > 1000, "small ranges reach their lower bound");
        }

        [TestMethod]
        public void TestRandom_Bytes_LengthWithinBounds()
        {
            var random = new TestRandom(3);
            for (int i = 0; i < 200; i++)
            {
                byte[] bytes = random.Bytes(2, 5);
                Assert.IsTrue(bytes.Length >= 2 && bytes.Length <= 5);
            }
        }

        [TestMethod]
        public void Property_FailingCase_NamesItsSeedsAndTheReplay()
        {
            string message = null;
            try
            {
                Property.Check("Probe", 10, r => Assert.IsTrue(r.NextUInt() == 0, "never"));
            }
            catch (Exception e)
            {
                message = e.Message;
            }

            Assert.IsNotNull(message, "a property that cannot hold fails");
            Assert.IsTrue(message.IndexOf("case 0 of ") >= 0, message);
            Assert.IsTrue(message.IndexOf("run seed ") >= 0, message);
            Assert.IsTrue(message.IndexOf("NANOROUTER_SEED=") >= 0, message);
            Assert.IsTrue(message.IndexOf("never") >= 0, "the original message is kept: " + message);
        }

        [TestMethod]
        public void Property_SameSeed_SameCases()
        {
            var first = new uint[5];
            var second = new uint[5];
            int n = 0;
            Property.Check("Same", 5, r => first[n++] = r.NextUInt());
            Assert.AreEqual(5 * Platform.PropertyScale(), n);
            n = 0;
            Property.Check("Same", 5, r =>
            {
                if (n < 5)
                {
                    second[n] = r.NextUInt();
                }

                n++;
            });
            CollectionAssert.AreEqual(first, second);
        }

        [TestMethod]
        public void Expect_Throws_ExactTypeOnly()
        {
            Expect.Throws(typeof(InvalidOperationException), () => throw new InvalidOperationException("x"), "thrown");
            bool caught = false;
            try
            {
                Expect.Throws(typeof(InvalidOperationException), () => { }, "nothing thrown");
            }
            catch (Exception)
            {
                caught = true;
            }

            Assert.IsTrue(caught, "nothing thrown fails");
            caught = false;
            try
            {
                Expect.Throws(typeof(Exception), () => throw new InvalidOperationException("a subclass"), "a subclass");
            }
            catch (Exception)
            {
                caught = true;
            }

            Assert.IsTrue(caught, "a subclass of the expected type fails");
        }

        [TestMethod]
        [DataRow("", 0)]
        [DataRow("FF", 1)]
        [DataRow("00 1a B2", 3)]
        [DataRow("0102030405060708", 8)]
        public void Hex_Bytes_Parsed(string hex, int length)
        {
            byte[] bytes = Hex.Bytes(hex);
            Assert.AreEqual(length, bytes.Length);
            if (length == 3)
            {
                CollectionAssert.AreEqual(new byte[] { 0x00, 0x1A, 0xB2 }, bytes);
            }
        }

        [TestMethod]
        public void PacketList_Grows_KeepsOrder()
        {
            var list = new PacketList();
            for (int i = 0; i < 20; i++)
            {
                list.Add(new byte[] { (byte)i });
            }

            Assert.AreEqual(20, list.Count);
            for (int i = 0; i < 20; i++)
            {
                Assert.AreEqual((byte)i, list[i][0]);
            }
        }

        [TestMethod]
        public void StringList_IntList_Grow_KeepOrder()
        {
            var strings = new StringList();
            var ints = new IntList();
            for (int i = 0; i < 40; i++)
            {
                strings.Add("s" + i);
                ints.Add(i * 3);
            }

            Assert.AreEqual(40, strings.Count);
            Assert.AreEqual(40, ints.Count);
            string[] all = strings.ToArray();
            Assert.AreEqual(40, all.Length);
            for (int i = 0; i < 40; i++)
            {
                Assert.AreEqual("s" + i, strings[i]);
                Assert.AreEqual("s" + i, all[i]);
                Assert.AreEqual(i * 3, ints[i]);
            }
        }

        [TestMethod]
        public void Text_Utf8_EveryLengthOfSequence()
        {
            // RFC 3629 section 7's examples: U+0041, U+00E9 (2 bytes), U+20AC (3), U+1F600 (4, a surrogate pair).
            CollectionAssert.AreEqual(Hex.Bytes("41 C3A9 E282AC F09F9880"), Text.Utf8("A\u00e9\u20ac\U0001F600"));
            CollectionAssert.AreEqual(Hex.Bytes("61 EFBFBD 62"), Text.Utf8("a" + new string(new char[] { (char)0xD800 }) + "b"), "a lone surrogate becomes U+FFFD");
            Assert.AreEqual("A\u00e9\u20ac\U0001F600", Text.FromUtf8(Hex.Bytes("41 C3A9 E282AC F09F9880"), 0, 10));
            Assert.AreEqual("\u20ac", Text.FromUtf8(Hex.Bytes("41 E282AC 41"), 1, 3), "offset and count");
            CollectionAssert.AreEqual(new byte[] { 0x47, 0x45, 0x54 }, Text.Ascii("GET"));
            Assert.AreEqual("GET", Text.FromAscii(new byte[] { 0x20, 0x47, 0x45, 0x54 }, 1, 3));
        }

        [TestMethod]
        [DataRow("C0 80")]       // overlong NUL
        [DataRow("E0 80 80")]    // overlong
        [DataRow("ED A0 80")]    // a surrogate
        [DataRow("F4 90 80 80")] // above U+10FFFF
        [DataRow("E2 82")]       // cut
        [DataRow("80")]          // a lone continuation byte
        [DataRow("FF")]
        [DataRow("C3 28")]       // a lead byte without its continuation
        public void Text_FromUtf8_Invalid_FailsTheTest(string hex)
        {
            byte[] bytes = Hex.Bytes(hex);
            Assert.IsTrue(Fails(() => Text.FromUtf8(bytes, 0, bytes.Length)), hex);
        }

        [TestMethod]
        public void Text_Ascii_OtherCharacters_FailTheTest()
        {
            Assert.IsTrue(Fails(() => Text.Ascii("caf\u00e9")));
            Assert.IsTrue(Fails(() => Text.FromAscii(new byte[] { 0x61, 0x80 }, 0, 2)));
        }

        [TestMethod]
        public void Text_Search_SliceSplitJoin_CountCharactersAboveFfffRight()
        {
            // nanoCLR's own IndexOf finds nothing in such text, and its indexer misreads it.
            string text = "x\U0001F600y\U0001F600z";
            Assert.AreEqual(3, Text.IndexOf(text, "y", 0));
            Assert.AreEqual(4, Text.IndexOf(text, "\U0001F600z", 0));
            Assert.AreEqual(-1, Text.IndexOf(text, "y", 4));
            Assert.IsTrue(Text.Contains(text, "\U0001F600y"));
            Assert.IsFalse(Text.Contains(text, "yx"));
            Assert.IsTrue(Text.StartsWith(text, "x\U0001F600"));
            Assert.IsFalse(Text.StartsWith("x", "xy"));
            Assert.AreEqual("\U0001F600y", Text.Slice(text, 1, 3));
            Assert.AreEqual(2, Text.Count(text, "\U0001F600"));
            Assert.AreEqual(2, Text.Count("aaa", "aa"), "overlapping occurrences count");
            string[] parts = Text.Split("a\r\nb\r\n\r\nc", "\r\n");
            CollectionAssert.AreEqual(new[] { "a", "b", "", "c" }, parts);
            CollectionAssert.AreEqual(new[] { "" }, Text.Split("", "\r\n"));
            Assert.AreEqual("a; b; ; c", Text.Join("; ", parts));
            Assert.IsTrue(Text.SameIgnoringAsciiCase("Set-Cookie", "set-COOKIE"));
            Assert.IsFalse(Text.SameIgnoringAsciiCase("\u00e9", "\u00c9"), "only ASCII letters fold");
            Assert.IsFalse(Text.SameIgnoringAsciiCase("Host", "Hos"));
        }

        [TestMethod]
        [DataRow("correct horse", "correct%20horse")]
        [DataRow("a+b&c=d/?#%", "a%2Bb%26c%3Dd%2F%3F%23%25")]
        [DataRow("AZaz09-._~", "AZaz09-._~")]
        [DataRow("caf\u00e9 \U0001F600", "caf%C3%A9%20%F0%9F%98%80")]
        [DataRow("", "")]
        public void Text_PercentEncode_AsUriEscapeDataString(string text, string encoded)
        {
            Assert.AreEqual(encoded, Text.PercentEncode(text));
        }

        [TestMethod]
        public void Expect_ContainsAndStartsWith_PassAndFail()
        {
            Expect.Contains("a\U0001F600b", "\U0001F600b");
            Expect.StartsWith("HTTP/1.1 200 OK", "HTTP/1.1 2");
            Assert.IsTrue(Fails(() => Expect.Contains("abc", "abd")));
            Assert.IsTrue(Fails(() => Expect.Contains(null, "a")));
            Assert.IsTrue(Fails(() => Expect.StartsWith("abc", "bc")));
            Assert.IsTrue(Fails(() => Expect.StartsWith("ab", "abc")));
        }

        [TestMethod]
        public void Hex_Format_SpacedUpperCase()
        {
            Assert.AreEqual("43 61 FF", Hex.Format(new byte[] { 0x00, 0x43, 0x61, 0xFF }, 1, 3));
            Assert.AreEqual("", Hex.Format(new byte[0], 0, 0));
        }

        [TestMethod]
        public void TestJson_EveryKind_ReadWithItsAccessors()
        {
            JsonNode root = TestJson.Parse(" {\"a\": [1, -2.5e3, \"x\\u00e9\\ud83d\\ude00\\n\"], \"b\":true,\"c\":false,\"d\":null,\"e\":{}} ");
            Assert.IsTrue(root.Kind == JsonNodeKind.Object);
            Assert.AreEqual(5, root.Count);
            Assert.AreEqual("a", root.NameAt(0));
            Assert.AreEqual("e", root.NameAt(4));
            JsonNode a = root.Get("a");
            Assert.AreEqual(3, a.Count);
            Assert.AreEqual(1, a.At(0).Int);
            Assert.AreEqual("-2.5e3", a.At(1).Text);
            Assert.AreEqual("x\u00e9\U0001F600\n", a.At(2).String);
            Assert.IsTrue(root.Get("b").Bool);
            Assert.IsFalse(root.Get("c").Bool);
            Assert.IsTrue(root.Get("d").Kind == JsonNodeKind.Null);
            Assert.AreEqual(0, root.Get("e").Count);
            Assert.IsTrue(root.Has("e"));
            Assert.IsFalse(root.Has("f"));
            Assert.AreEqual(-2147483648, TestJson.Parse("-2147483648").Int);
            Assert.AreEqual(2147483647, TestJson.Parse("2147483647").Int);
        }

        [TestMethod]
        public void TestJson_Accessors_WrongKindMissingMemberOrNotAnInt_FailTheTest()
        {
            JsonNode root = TestJson.Parse("{\"n\":1.5,\"big\":2147483648,\"e\":1e2,\"s\":\"1\",\"list\":[]}");
            Assert.IsTrue(Fails(() => root.Get("missing")));
            Assert.IsTrue(Fails(() => root.Get("n").Int.ToString()));
            Assert.IsTrue(Fails(() => root.Get("big").Int.ToString()));
            Assert.IsTrue(Fails(() => root.Get("e").Int.ToString()));
            Assert.IsTrue(Fails(() => root.Get("s").Int.ToString()));
            Assert.IsTrue(Fails(() => root.Get("s").Bool.ToString()));
            Assert.IsTrue(Fails(() => root.Get("n").String.ToString()));
            Assert.IsTrue(Fails(() => root.Get("list").At(0)));
            Assert.IsTrue(Fails(() => root.Get("list").Get("x")));
            Assert.IsTrue(Fails(() => TestJson.Parse("[1,]")));
        }

        [TestMethod]
        [DataRow("0")]
        [DataRow("-0")]
        [DataRow("1E+5")]
        [DataRow("-1.25e-3")]
        [DataRow("\"\"")]
        [DataRow("[]")]
        [DataRow("{}")]
        [DataRow(" [ 1 , { \"a\" : [ ] } ]\r\n\t")]
        [DataRow("\"\\/\\b\\f\\n\\r\\t\\\\\\\"\"")]
        [DataRow("\"\\ud83d\\ude00 \\u00E9\"")]
        [DataRow("true")]
        [DataRow("null")]
        public void TestJson_Valid_Read(string json)
        {
            JsonNode node;
            string error;
            Assert.IsTrue(TestJson.TryParse(json, out node, out error), json + ": " + error);
            Assert.IsNotNull(node);
        }

        [TestMethod]
        [DataRow("")]
        [DataRow(" ")]
        [DataRow("{")]
        [DataRow("[1,]")]
        [DataRow("{\"a\":1,}")]
        [DataRow("{\"a\" 1}")]
        [DataRow("{1:2}")]
        [DataRow("[1 2]")]
        [DataRow("{} {}")]
        [DataRow("01")]
        [DataRow("-")]
        [DataRow("1.")]
        [DataRow("1e")]
        [DataRow("+1")]
        [DataRow(".5")]
        [DataRow("NaN")]
        [DataRow("tru")]
        [DataRow("nul")]
        [DataRow("'a'")]
        [DataRow("\"a")]
        [DataRow("\"\\x\"")]
        [DataRow("\"\\u12\"")]
        [DataRow("\"a\tb\"")]                // a raw control character
        [DataRow("\"\\ud800\"")]              // a lone surrogate: stricter than RFC 8259
        [DataRow("{\"a\":1,\"a\":2}")]         // a duplicate name: stricter than RFC 8259
        public void TestJson_Invalid_Refused(string json)
        {
            JsonNode node;
            string error;
            Assert.IsFalse(TestJson.TryParse(json, out node, out error), json);
            Assert.IsNull(node);
            Assert.IsNotNull(error);
        }

        [TestMethod]
        public void TestJson_Nesting_UpToMaxDepth()
        {
            string deepest = string.Empty;
            for (int i = 0; i < TestJson.MaxDepth; i++)
            {
                deepest = "[" + deepest + "]";
            }

            JsonNode node;
            string error;
            Assert.IsTrue(TestJson.TryParse(deepest, out node, out error), error);
            Assert.IsFalse(TestJson.TryParse("[" + deepest + "]", out node, out error));
            Assert.IsTrue(Text.StartsWith(error, "nested deeper than"), error);
        }

        /// <summary>Whether <paramref name="action"/> fails (an assertion or any other exception).</summary>
        private static bool Fails(Action action)
        {
            try
            {
                action();
            }
            catch (Exception)
            {
                return true;
            }

            return false;
        }
    }
}
