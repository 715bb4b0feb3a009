using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Hostile.Lab;
using NanoRouter.Hal.Linux;

namespace NanoRouter.E2E.Hostile.Tests
{
    /// <summary>
    /// Password guessing from rotating addresses, on a board of its own: the attack leaves every
    /// entry of the login limiter and its shared overflow blocked for a minute, which would make
    /// the tests that log in right after it (in <see cref="AdminAbuseTests"/>) wait. Same lab
    /// layout: LAN client 1 (198.19.4.2) is the attacker and adds addresses to its interface,
    /// client 2 (198.19.4.3) the real user.
    /// </summary>
    [TestClass]
    public sealed class AdminRotatingGuessTests : HostileTestBase
    {
        private const string Router = NamespaceLab.RouterLanAddress;
        private static readonly SharedSmallLab s_lab = new SharedSmallLab();

        [ClassInitialize]
        public static void Start(TestContext context) => s_lab.Start(2);

        [ClassCleanup]
        public static void Stop() => s_lab.Stop();

        private static SmallLab Lab => s_lab.Lab;

        private static string Attacker => Lab.Lan(0);

        private static string User => Lab.Lan(1);

        /// <summary>
        /// Nine addresses taking turns: the limiter tracks 8 addresses on their own; while all 8 are
        /// live, every other address shares one overflow entry. The attacker must still get no more
        /// than 5 guesses per address per block period, and the real user, who logged in once
        /// before the attack, must still get in during and after it.
        /// </summary>
        [TestMethod]
        public void Admin_PasswordGuessingRotatingNineAddresses_StillFiveGuessesPerAddressPerMinute()
        {
            // The real user has logged in since boot (so the limiter knows the address as proven).
            var before = SharedSmallLab.ApiLogin(User, SmallLab.Password);
            Assert.AreEqual(200, before.Status, "the real user's login before the attack: " + before);

            var addresses = Enumerable.Range(0, 9).Select(i => "198.19.4." + (100 + i)).ToArray();
            const string Stranger = "198.19.4.130";
            foreach (var address in addresses.Append(Stranger))
            {
                SharedSmallLab.Exec(Attacker, "ip", "addr", "add", address + "/24", "dev", NamespaceLab.HostInterface);
            }

            try
            {
                int unauthorized = 0;
                int limited = 0;
                var other = new List<string>();
                var userDuring = new List<string>();
                for (int round = 0; round < 3; round++)
                {
                    foreach (var address in addresses)
                    {
                        for (int i = 0; i < 6; i++)
                        {
                            var reply = SharedSmallLab.ApiLogin(Attacker, "rotating guess", address);
                            if (reply.Status == 401)
                            {
                                unauthorized++;
                            }
                            else if (reply.Status == 429)
                            {
                                limited++;
                            }
                            else
                            {
                                other.Add(address + ": " + reply);
                            }
                        }
                    }

                    // Every entry and the overflow are blocked now: the real user still logs in.
                    var during = SharedSmallLab.ApiLogin(User, SmallLab.Password);
                    userDuring.Add(during.Status + " in " + during.ElapsedMs + " ms");
                    Assert.AreEqual(200, during.Status, "the real user's login after round " + (round + 1) + " of the rotation: " + during);
                }

                // A new address that never logged in falls into the shared, blocked overflow.
                var stranger = SharedSmallLab.ApiLogin(Attacker, SmallLab.Password, Stranger);
                var after = SharedSmallLab.ApiLogin(User, SmallLab.Password);
                Figure("9 addresses x 3 rounds x 6 guesses within the block period: " + unauthorized + " checked (401), " + limited + " refused (429)" +
                    (other.Count > 0 ? ", other: " + string.Join("; ", other) : "") + "; the real user (logged in before) during: " + string.Join(", ", userDuring) +
                    ", after: " + after.Status + "; a new address with the right password: " + stranger.Status + " (Retry-After " + stranger.Header("retry-after") + " s)");
                Assert.AreEqual(0, other.Count, "every guess is answered 401 or 429: " + string.Join("; ", other));
                Assert.IsTrue(unauthorized <= addresses.Length * 5, unauthorized + " passwords were checked; at most 5 per address (" + addresses.Length * 5 + ") may be within one block period");
                Assert.AreEqual(200, after.Status, "the real user's login after the rotation: " + after);
                Assert.AreEqual(429, stranger.Status, "a new address while every entry and the overflow are blocked: " + stranger);
                Assert.IsTrue(int.TryParse(stranger.Header("retry-after"), out int retryAfter) && retryAfter >= 1 && retryAfter <= 60, "Retry-After of the overflow's 429: " + stranger);
            }
            finally
            {
                foreach (var address in addresses.Append(Stranger))
                {
                    SharedSmallLab.Exec(Attacker, "ip", "addr", "del", address + "/24", "dev", NamespaceLab.HostInterface);
                }
            }
        }
    }
}
