using NanoRouter.Core.Nat;

namespace NanoRouter.Tests.Nat
{
    [TestClass]
    public class DropReasonsTests
    {
        [TestMethod]
        public void EveryReasonHasItsOwnCamelCaseKey()
        {
            string[] seen = new string[DropReasons.Count];
            for (int i = 1; i < DropReasons.Count; i++)
            {
                string key = DropReasons.KeyOf((DropReason)i);
                Assert.AreNotEqual("unknown", key, "reason " + i + " has no key");
                Assert.IsTrue(key.Length > 0 && key[0] >= 'a' && key[0] <= 'z', "key of reason " + i + ": " + key);
                for (int j = 1; j < i; j++)
                {
                    Assert.AreNotEqual(seen[j], key, "reasons " + j + " and " + i + " share a key");
                }

                seen[i] = key;
            }
        }

        [TestMethod]
        [DataRow(0)]
        [DataRow(19)]
        [DataRow(255)]
        public void NoneAndOutOfRangeAreUnknown(int value)
        {
            Assert.AreEqual("unknown", DropReasons.KeyOf((DropReason)value));
        }

        [TestMethod]
        public void CountCoversTheLastReason()
        {
            Assert.AreEqual("forwardOff", DropReasons.KeyOf((DropReason)(DropReasons.Count - 1)));
            Assert.AreEqual("unknown", DropReasons.KeyOf((DropReason)DropReasons.Count));
        }
    }
}
