using System.Security.Cryptography;
using System.Text;
using System;
using NanoRouter.Core.Admin;
using NanoRouter.Core.Common;

namespace NanoRouter.Tests.HostOnly
{
    /// <summary>
    /// The hand-written SHA-256, HMAC and PBKDF2 against .NET's as the oracle, on random inputs.
    /// Host only (nanoFramework has no SHA-256 of its own to compare with); the shared Sha256Tests
    /// check published test vectors in both sets.
    /// </summary>
    [TestClass]
    public class Sha256DotNetTests
    {
        [TestMethod]
        public void Sha256_EveryLengthTo300_MatchesDotNet()
        {
            var random = new Random(1);
            var sha = new Sha256();
            byte[] digest = new byte[32];
            for (int length = 0; length <= 300; length++)
            {
                byte[] data = new byte[length];
                random.NextBytes(data);

                // Fed in uneven pieces to exercise block boundaries.
                int fed = 0;
                while (fed < length)
                {
                    int piece = Math.Min(length - fed, random.Next(1, 70));
                    sha.Update(data, fed, piece);
                    fed += piece;
                }

                sha.Final(digest, 0);
                CollectionAssert.AreEqual(SHA256.HashData(data), digest, "length " + length);
            }
        }

        [TestMethod]
        public void Hmac_ShortAndLongKeys_MatchDotNet()
        {
            var random = new Random(2);
            var hasher = new HmacSha256();
            foreach (int keyLength in new[] { 0, 1, 32, 64, 65, 200 })
            {
                byte[] key = new byte[keyLength];
                byte[] message = new byte[random.Next(0, 150)];
                random.NextBytes(key);
                random.NextBytes(message);
                byte[] mac = new byte[32];
                hasher.SetKey(key, 0, key.Length);
                hasher.Mac(message, 0, message.Length, null, 0, 0, mac, 0);
                CollectionAssert.AreEqual(HMACSHA256.HashData(key, message), mac, "key length " + keyLength);
            }
        }

        [TestMethod]
        [DataRow("password", 1)]
        [DataRow("correct horse battery staple", 2)]
        [DataRow("pässwörd \u2603", 1000)]
        public void Pbkdf2_MatchesDotNet(string password, int iterations)
        {
            byte[] pw = Encoding.UTF8.GetBytes(password);
            byte[] salt = new byte[16];
            new Random(iterations).NextBytes(salt);
            byte[] output = new byte[32];
            Assert.IsTrue(new Pbkdf2(new HmacSha256(), 1, 3).DeriveKey(pw, pw.Length, salt, salt.Length, iterations, output));
            CollectionAssert.AreEqual(Rfc2898DeriveBytes.Pbkdf2(pw, salt, iterations, HashAlgorithmName.SHA256, 32), output);
        }
    }
}
