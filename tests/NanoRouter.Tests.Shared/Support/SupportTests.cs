using System;

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
    }
}
