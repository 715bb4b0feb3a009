using NanoRouter.Core.Admin;
using NanoRouter.Core.Common;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Admin
{
    /// <summary>
    /// The hand-written SHA-256, HMAC and PBKDF2 against published test vectors: for SHA-256 NIST's
    /// (FIPS 180-2 appendix B: "abc", the 448-bit message, a million "a"; NIST's example set: the empty
    /// and the 896-bit messages), RFC 4231 section 4 for HMAC-SHA256, and for PBKDF2 RFC 7914 section
    /// 11 and the SHA-256 results for RFC 6070's inputs. HostOnly/Sha256DotNetTests also
    /// compares random inputs with .NET's SHA256, HMACSHA256 and Rfc2898DeriveBytes.
    /// </summary>
    [TestClass]
    public class Sha256Tests
    {
        private static string Digest(byte[] data)
        {
            var sha = new Sha256();
            byte[] digest = new byte[32];
            sha.Update(data, 0, data.Length);
            sha.Final(digest, 0);
            return Lower(digest, digest.Length);
        }

        private static string Lower(byte[] bytes, int count)
        {
            const string Digits = "0123456789abcdef";
            var chars = new char[count * 2];
            for (int i = 0; i < count; i++)
            {
                chars[2 * i] = Digits[bytes[i] >> 4];
                chars[(2 * i) + 1] = Digits[bytes[i] & 0xF];
            }

            return new string(chars);
        }

        [TestMethod]
        public void Sha256_Abc_MatchesFips180Vector()
        {
            Assert.AreEqual("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Digest(Text.Ascii("abc")));
        }

        [TestMethod]
        [DataRow("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
        [DataRow("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
        [DataRow("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")]
        public void Sha256_PublishedMessages_MatchTheirDigests(string message, string digest)
        {
            Assert.AreEqual(digest, Digest(Text.Ascii(message)));
        }

        [TestMethod]
        public void Sha256_MillionA_FedInUnevenPieces_MatchesFips180Vector()
        {
            var sha = new Sha256();
            byte[] a = new byte[1000];
            for (int i = 0; i < a.Length; i++)
            {
                a[i] = (byte)'a';
            }

            var random = new TestRandom(1);
            int fed = 0;
            while (fed < 1000000)
            {
                int piece = random.Between(1, 1000);
                piece = piece < 1000000 - fed ? piece : 1000000 - fed;
                sha.Update(a, 0, piece);
                fed += piece;
            }

            byte[] digest = new byte[32];
            sha.Final(digest, 0);
            Assert.AreEqual("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", Lower(digest, 32));
        }

        [TestMethod]
        public void Sha256_EveryLengthTo300_PiecesEqualOneCall()
        {
            // Every padding case (length mod 64 from 0 to 63, several times over), fed in uneven
            // pieces across the block boundaries and in one call: the same digest. The published
            // vectors above pin the digest itself; HostOnly/Sha256DotNetTests compares each length with .NET's.
            var random = new TestRandom(1);
            var sha = new Sha256();
            byte[] pieces = new byte[32];
            byte[] whole = new byte[32];
            for (int length = 0; length <= 300; length++)
            {
                byte[] data = random.Bytes(length, length);
                int fed = 0;
                while (fed < length)
                {
                    int piece = random.Between(1, 69);
                    piece = piece < length - fed ? piece : length - fed;
                    sha.Update(data, fed, piece);
                    fed += piece;
                }

                sha.Final(pieces, 0);
                sha.Update(data, 0, length);
                sha.Final(whole, 0);
                CollectionAssert.AreEqual(whole, pieces, "length " + length);
            }
        }

        /// <summary>RFC 4231 section 4, test cases 1 to 7 (case 5's output is truncated to 128 bits).</summary>
        [TestMethod]
        [DataRow("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")]
        [DataRow("4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")]
        [DataRow("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd", "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")]
        [DataRow("0102030405060708090a0b0c0d0e0f10111213141516171819", "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd", "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b")]
        [DataRow("0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "546573742057697468205472756e636174696f6e", "a3b6167473100ee06e0c796c2955552b")]
        [DataRow(Rfc4231Key131, "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")]
        [DataRow(Rfc4231Key131, "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e", "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")]
        public void Hmac_Rfc4231Vectors(string keyHex, string dataHex, string macHex)
        {
            byte[] key = Hex.Bytes(keyHex);
            byte[] data = Hex.Bytes(dataHex);
            byte[] mac = new byte[32];
            var hasher = new HmacSha256();
            hasher.SetKey(key, 0, key.Length);
            hasher.Mac(data, 0, data.Length, null, 0, 0, mac, 0);
            Assert.AreEqual(macHex, Lower(mac, macHex.Length / 2));
        }

        private const string Rfc4231Key131 =
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

        [TestMethod]
        public void Hmac_KeysAroundTheBlockSize_FollowRfc2104()
        {
            // RFC 2104: a key longer than the 64-byte block is hashed first; a shorter one is padded
            // with zeros. Written here from the definition, over the vector-checked SHA-256, for the
            // key lengths where the two cases meet. The second part of a message counts like the first.
            var random = new TestRandom(2);
            var hasher = new HmacSha256();
            foreach (int keyLength in new[] { 0, 1, 32, 63, 64, 65, 200 })
            {
                byte[] key = random.Bytes(keyLength, keyLength);
                byte[] message = random.Bytes(0, 150);
                byte[] mac = new byte[32];
                hasher.SetKey(key, 0, key.Length);
                hasher.Mac(message, 0, message.Length, null, 0, 0, mac, 0);
                CollectionAssert.AreEqual(Rfc2104(key, message), mac, "key length " + keyLength);

                int split = message.Length / 3;
                byte[] rest = new byte[message.Length - split];
                System.Array.Copy(message, split, rest, 0, rest.Length);
                byte[] twoParts = new byte[32];
                hasher.Mac(message, 0, split, rest, 0, rest.Length, twoParts, 0);
                CollectionAssert.AreEqual(mac, twoParts, "a message in two parts, key length " + keyLength);
            }
        }

        /// <summary>HMAC(K, m) = H((K0 ^ opad) || H((K0 ^ ipad) || m)), K0 = K padded (or H(K) padded if longer than 64) to 64 bytes.</summary>
        private static byte[] Rfc2104(byte[] key, byte[] message)
        {
            var sha = new Sha256();
            byte[] k0 = new byte[64];
            if (key.Length > 64)
            {
                sha.Update(key, 0, key.Length);
                sha.Final(k0, 0);
            }
            else
            {
                System.Array.Copy(key, k0, key.Length);
            }

            byte[] inner = new byte[64 + message.Length];
            byte[] outer = new byte[64 + 32];
            for (int i = 0; i < 64; i++)
            {
                inner[i] = (byte)(k0[i] ^ 0x36);
                outer[i] = (byte)(k0[i] ^ 0x5C);
            }

            System.Array.Copy(message, 0, inner, 64, message.Length);
            sha.Update(inner, 0, inner.Length);
            sha.Final(outer, 64);
            byte[] mac = new byte[32];
            sha.Update(outer, 0, outer.Length);
            sha.Final(mac, 0);
            return mac;
        }

        /// <summary>
        /// PBKDF2-HMAC-SHA256 with a 32-byte output: RFC 7914 section 11 (its outputs are 64 bytes;
        /// the first 32 are block 1, which is ours), then RFC 6070's inputs with SHA-256 as published
        /// on Stack Overflow (question 5130513, answer 5136918) and taken up by many test suites
        /// (outputs of 40 bytes cut to our 32; the 16-byte one compared as long as it is). Inputs as
        /// hex: the last has NUL bytes.
        /// </summary>
        [TestMethod]
        [DataRow("706173737764", "73616c74", 1, "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")]
        [DataRow("50617373776f7264", "4e61436c", 80000, "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56")]
        [DataRow("70617373776f7264", "73616c74", 1, "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b")]
        [DataRow("70617373776f7264", "73616c74", 2, "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43")]
        [DataRow("70617373776f7264", "73616c74", 4096, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a")]
        [DataRow("70617373776f726450415353574f524470617373776f7264", "73616c7453414c5473616c7453414c5473616c7453414c5473616c7453414c5473616c74", 4096, "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1")]
        [DataRow("7061737300776f7264", "7361006c74", 4096, "89b69d0516f829893c696226650a8687")]
        public void Pbkdf2_PublishedVectors(string passwordHex, string saltHex, int iterations, string keyHex)
        {
            byte[] password = Hex.Bytes(passwordHex);
            byte[] salt = Hex.Bytes(saltHex);
            byte[] output = new byte[32];
            Assert.IsTrue(Pbkdf2.Managed(1).DeriveKey(password, password.Length, salt, salt.Length, iterations, output));
            Assert.AreEqual(keyHex, Lower(output, keyHex.Length / 2));
        }

        /// <summary>The iterations run in steps (the thread yields between them): any step size
        /// gives the same key, also when the step does not divide the count.</summary>
        [TestMethod]
        [DataRow(1)]
        [DataRow(7)]
        [DataRow(4095)]
        [DataRow(4096)]
        [DataRow(100000)]
        public void Pbkdf2_AnyStepSize_SameKey(int step)
        {
            byte[] password = Text.Ascii("password");
            byte[] salt = Text.Ascii("salt");
            byte[] output = new byte[32];
            var pbkdf2 = new Pbkdf2(new HmacSha256(), 1, step);
            Assert.IsTrue(pbkdf2.DeriveKey(password, password.Length, salt, salt.Length, 4096, output));
            Assert.AreEqual("c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a", Lower(output, 32));
        }

        /// <summary>The chain alone, as the native one must behave (tests/native checks the C one
        /// against these): T ^= U for each U, the message replaced by U, bad arguments refused.</summary>
        [TestMethod]
        public void HmacChain_ContractAndBounds()
        {
            var chain = new HmacSha256();
            byte[] key = Text.Ascii("password");
            byte[] block = new byte[96];
            byte[] salt = Text.Ascii("salt");
            System.Array.Copy(salt, 0, block, 32, 4);
            block[39] = 1;
            Assert.IsTrue(chain.Chain(key, key.Length, block, 8, 1));
            Assert.AreEqual("120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b", Lower(block, 32), "T = U1");
            Assert.IsTrue(chain.Chain(key, key.Length, block, 32, 1));
            Assert.AreEqual("ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43", Lower(block, 32), "T = U1 ^ U2");
            byte[] before = (byte[])block.Clone();
            Assert.IsTrue(chain.Chain(key, key.Length, block, 32, 0), "no iterations: nothing changes");
            CollectionAssert.AreEqual(before, block);
            Assert.IsFalse(chain.Chain(key, 9, block, 32, 1), "key longer than its array");
            Assert.IsFalse(chain.Chain(key, key.Length, block, 65, 1), "message past the block");
            Assert.IsFalse(chain.Chain(key, key.Length, new byte[63], 0, 1), "block shorter than T and U");
            Assert.IsFalse(chain.Chain(key, key.Length, block, 32, -1));
            CollectionAssert.AreEqual(before, block, "refused calls change nothing");
        }

        [TestMethod]
        public void Pbkdf2_RefusesWhatDoesNotFit_AndAFailingChain_LeavesTheOutput()
        {
            byte[] password = Text.Ascii("password");
            byte[] output = new byte[32];
            var pbkdf2 = new Pbkdf2(new HmacSha256(), 1, 1);
            Assert.IsFalse(pbkdf2.DeriveKey(password, password.Length, new byte[Pbkdf2.MaxSaltBytes + 1], Pbkdf2.MaxSaltBytes + 1, 1, output));
            Assert.IsFalse(pbkdf2.DeriveKey(password, password.Length, new byte[4], 4, 0, output));
            Assert.IsTrue(pbkdf2.DeriveKey(password, password.Length, new byte[Pbkdf2.MaxSaltBytes], Pbkdf2.MaxSaltBytes, 2, output));
            byte[] kept = (byte[])output.Clone();
            Assert.IsFalse(new Pbkdf2(new RefusingChain(), 1, 1).DeriveKey(password, password.Length, new byte[4], 4, 3, output));
            CollectionAssert.AreEqual(kept, output, "a failed derivation writes nothing");
        }

        private sealed class RefusingChain : NanoRouter.Hal.IHmacSha256Chain
        {
            public bool Chain(byte[] key, int keyCount, byte[] block, int messageLength, int iterations) => false;
        }

        [TestMethod]
        public void FixedTimeEquals_FindsAnyDifference()
        {
            byte[] a = new byte[32];
            for (int i = 0; i < 32; i++)
            {
                byte[] b = new byte[32];
                b[i] = 1;
                Assert.IsFalse(ConstantTime.Same(a, 0, b, 0, 32));
            }

            Assert.IsTrue(ConstantTime.Same(a, 0, new byte[32], 0, 32));
        }
    }
}
