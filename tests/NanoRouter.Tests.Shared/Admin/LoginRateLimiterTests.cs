using NanoRouter.Core.Admin;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Admin
{
    /// <summary>
    /// The login limiter on its own: per-address counts and blocks, live entries never reused, the
    /// shared overflow for untracked addresses while the table is full, proven addresses, and
    /// wrap-safe times.
    /// </summary>
    [TestClass]
    public class LoginRateLimiterTests
    {
        private const int Max = LoginRateLimiter.MaxFailures;
        private const int Capacity = LoginRateLimiter.Capacity;

        /// <summary>Guesses per block period that strangers may get, however many addresses they use.</summary>
        private const int Bound = (Capacity + 1) * Max;

        private const uint User = 0xC0A80402;

        private static uint Attacker(int i) => 0xC0A80464u + (uint)i;

        /// <summary>One guess as the admin app makes it: checked only when the limiter lets it try.</summary>
        private static bool Guess(LoginRateLimiter limiter, uint address, int nowMs)
        {
            if (limiter.RetryAfterMs(address, nowMs) > 0)
            {
                return false;
            }

            limiter.Failed(address, nowMs);
            return true;
        }

        [TestMethod]
        [DataRow(0)]
        [DataRow(int.MaxValue - 30000)] // the block spans the clock's wrap
        [DataRow(-5)]
        public void OneAddress_FiveFailuresThenBlocked_ForBlockMs_ThenFree(int start)
        {
            var limiter = new LoginRateLimiter();
            for (int i = 0; i < Max; i++)
            {
                Assert.AreEqual(0, limiter.RetryAfterMs(User, unchecked(start + i)), "failure " + i + " is still allowed");
                limiter.Failed(User, unchecked(start + i));
            }

            int blockedAt = unchecked(start + Max - 1);
            Assert.AreEqual(LoginRateLimiter.BlockMs, limiter.RetryAfterMs(User, blockedAt));
            Assert.AreEqual(1, limiter.RetryAfterMs(User, unchecked(blockedAt + LoginRateLimiter.BlockMs - 1)));
            Assert.AreEqual(0, limiter.RetryAfterMs(User, unchecked(blockedAt + LoginRateLimiter.BlockMs)), "the block is over");

            // Afterwards the address has its full allowance again.
            int later = unchecked(blockedAt + LoginRateLimiter.BlockMs);
            for (int i = 0; i < Max; i++)
            {
                Assert.IsTrue(Guess(limiter, User, unchecked(later + i)));
            }

            Assert.IsFalse(Guess(limiter, User, unchecked(later + Max)));
        }

        [TestMethod]
        public void FailuresSpreadOverMoreThanTheWindow_NeverBlock()
        {
            var limiter = new LoginRateLimiter();
            int now = 1000;
            for (int i = 0; i < 3 * Max; i++)
            {
                Assert.IsTrue(Guess(limiter, User, now), "guess " + i);
                now += LoginRateLimiter.WindowMs / (Max - 1);
            }
        }

        [TestMethod]
        public void Success_ClearsTheCount()
        {
            var limiter = new LoginRateLimiter();
            for (int i = 0; i < Max - 1; i++)
            {
                limiter.Failed(User, 1000);
            }

            limiter.Succeeded(User);
            for (int i = 0; i < Max; i++)
            {
                Assert.IsTrue(Guess(limiter, User, 1001));
            }

            Assert.IsFalse(Guess(limiter, User, 1001));
        }

        [TestMethod]
        public void LiveEntries_AreNeverReused_TheirCountsSurviveANinthAddress()
        {
            var limiter = new LoginRateLimiter();
            for (int a = 0; a < Capacity; a++)
            {
                limiter.Failed(Attacker(a), 1000);
            }

            // A ninth address (and many more) cannot push the first ones out of the table.
            for (int a = Capacity; a < 100; a++)
            {
                Guess(limiter, Attacker(a), 2000);
            }

            for (int i = 1; i < Max; i++)
            {
                Assert.IsTrue(Guess(limiter, Attacker(0), 3000), "failure " + (i + 1) + " of the first address");
            }

            Assert.IsTrue(limiter.RetryAfterMs(Attacker(0), 3000) > 0, "the first address's count was kept: 1 + 4 failures block it");
        }

        [TestMethod]
        public void TableFull_UntrackedAddressesShareOneOverflowEntry()
        {
            var limiter = new LoginRateLimiter();
            for (int a = 0; a < Capacity; a++)
            {
                limiter.Failed(Attacker(a), 1000);
            }

            // Five strangers, one failure each: the shared entry is used up.
            for (int a = 0; a < Max; a++)
            {
                Assert.IsTrue(Guess(limiter, Attacker(100 + a), 2000), "stranger " + a);
            }

            Assert.AreEqual(LoginRateLimiter.BlockMs, limiter.RetryAfterMs(Attacker(200), 2000), "a new stranger waits for the shared block");
            Assert.AreEqual(LoginRateLimiter.BlockMs, limiter.RetryAfterMs(Attacker(100), 2000), "so do the five");
            Assert.AreEqual(0, limiter.RetryAfterMs(Attacker(0), 2000), "tracked addresses keep their own count");

            // When the first eight entries' windows are over, a stranger gets an entry of its own.
            int later = 1000 + LoginRateLimiter.WindowMs;
            Assert.AreEqual(0, limiter.RetryAfterMs(Attacker(200), later));
            Assert.IsTrue(Guess(limiter, Attacker(200), later));
        }

        [TestMethod]
        [DataRow(9, 3)]
        [DataRow(20, 3)]
        [DataRow(100, 2)]
        public void RotatingAddresses_WithinOneBlockPeriod_AtMostCapacityPlusOneTimesFive(int addresses, int rounds)
        {
            var limiter = new LoginRateLimiter();
            int now = 5000;
            int checkedCount = 0;
            var perAddress = new int[addresses];
            for (int round = 0; round < rounds; round++)
            {
                for (int a = 0; a < addresses; a++)
                {
                    for (int i = 0; i < 6; i++)
                    {
                        if (Guess(limiter, Attacker(a), now))
                        {
                            checkedCount++;
                            perAddress[a]++;
                        }

                        now += 10;
                    }
                }
            }

            Assert.IsTrue(now - 5000 < LoginRateLimiter.BlockMs, "the test stays within one block period");
            Assert.AreEqual(Bound, checkedCount, addresses + " addresses: eight entries and the overflow, five guesses each");
            for (int a = 0; a < Capacity; a++)
            {
                Assert.AreEqual(Max, perAddress[a], "address " + a + " had its own entry");
            }
        }

        [TestMethod]
        [DataRow(9, 0)]
        [DataRow(20, 0)]
        [DataRow(20, int.MaxValue - 200000)] // across the clock's wrap
        public void RotatingAddresses_ForTenMinutes_StayWithinTheBoundPerBlockPeriod(int addresses, int start)
        {
            var limiter = new LoginRateLimiter();
            const int Duration = 10 * 60000;
            const int Step = 7;
            var checkedAt = new IntList();
            int a = 0;
            for (int t = 0; t < Duration; t += Step)
            {
                if (Guess(limiter, Attacker(a), unchecked(start + t)))
                {
                    checkedAt.Add(t);
                }

                a = (a + 1) % addresses;
            }

            // Every entry's period (a window, or a window and its block) is at least a minute long
            // and holds at most 5 failures, so 9 entries give at most 45 per started minute.
            int periods = Duration / LoginRateLimiter.BlockMs + 1;
            Assert.IsTrue(checkedAt.Count <= Bound * periods, checkedAt.Count + " guesses in 10 minutes");
            Assert.IsTrue(checkedAt.Count >= Bound * (Duration / LoginRateLimiter.BlockMs) / 2, "the limit is not stuck closed: " + checkedAt.Count);

            // And never more than the bound within a block period from any guess.
            for (int i = 0; i < checkedAt.Count; i++)
            {
                int inPeriod = 0;
                for (int j = i; j < checkedAt.Count && checkedAt[j] - checkedAt[i] < LoginRateLimiter.BlockMs; j++)
                {
                    inPeriod++;
                }

                Assert.IsTrue(inPeriod <= Bound, inPeriod + " guesses within a block period from " + checkedAt[i] + " ms");
            }
        }

        [TestMethod]
        public void ProvenAddress_LogsInDuringARotationAttack_AndATypoTakesAStrangersEntry()
        {
            var limiter = new LoginRateLimiter();
            limiter.Succeeded(User); // the real user logged in once since boot
            int now = 1000;
            for (int round = 0; round < 3; round++)
            {
                for (int a = 0; a < 20; a++)
                {
                    for (int i = 0; i < 6; i++)
                    {
                        Guess(limiter, Attacker(a), now);
                    }
                }
            }

            Assert.IsTrue(limiter.RetryAfterMs(Attacker(50), now) > 0, "a new stranger shares the blocked overflow");
            Assert.AreEqual(0, limiter.RetryAfterMs(User, now), "the proven user may try while the table is full");

            // A typo: the user takes the entry of the stranger tracked longest (attacker 0), which
            // falls into the blocked overflow.
            Assert.IsTrue(limiter.RetryAfterMs(Attacker(0), now + 1) > 0, "attacker 0 is blocked before");
            limiter.Failed(User, now + 1);
            Assert.AreEqual(0, limiter.RetryAfterMs(User, now + 2), "one typo does not block");
            Assert.IsTrue(limiter.RetryAfterMs(Attacker(0), now + 2) > 0, "the evicted stranger is still blocked (overflow)");
            Assert.IsTrue(limiter.RetryAfterMs(Attacker(1), now + 2) > 0, "the other strangers keep their blocks");

            // The user's own count is kept like anyone's: five typos in a row block the user too.
            for (int i = 1; i < Max; i++)
            {
                Assert.IsTrue(Guess(limiter, User, now + 2 + i));
            }

            Assert.IsFalse(Guess(limiter, User, now + 10), "proven is no licence to guess");

            // Logging in clears the user's count but keeps its entry for the rest of the window,
            // so the typos and the login hand no fresh entry to a stranger.
            limiter.Succeeded(User);
            Assert.AreEqual(0, limiter.RetryAfterMs(User, now + 20));
            for (int a = 0; a < 20; a++)
            {
                Assert.IsTrue(limiter.RetryAfterMs(Attacker(a), now + 20) > 0, "attacker " + a + " after the user's login");
            }

            Assert.IsTrue(limiter.RetryAfterMs(Attacker(50), now + 20) > 0, "a new stranger after the user's login");
        }

        [TestMethod]
        public void ProvenAddresses_CanEachTakeOneEntry_TheBoundGrowsByFourEntriesAtMost()
        {
            var limiter = new LoginRateLimiter();
            for (int p = 0; p < LoginRateLimiter.ProvenCapacity; p++)
            {
                limiter.Succeeded(User + (uint)p);
            }

            int now = 1000;
            int checkedCount = 0;
            for (int round = 0; round < 3; round++)
            {
                for (int a = 0; a < 20; a++)
                {
                    for (int i = 0; i < 6; i++)
                    {
                        checkedCount += Guess(limiter, Attacker(a), now) ? 1 : 0;
                    }
                }

                // Even an attacker using the proven addresses themselves.
                for (int p = 0; p < LoginRateLimiter.ProvenCapacity; p++)
                {
                    for (int i = 0; i < 6; i++)
                    {
                        checkedCount += Guess(limiter, User + (uint)p, now) ? 1 : 0;
                    }
                }

                now += 100;
            }

            Assert.AreEqual(Bound + LoginRateLimiter.ProvenCapacity * Max, checkedCount);
        }

        [TestMethod]
        public void ProvenList_KeepsTheLastFourAddressesThatLoggedIn()
        {
            var limiter = new LoginRateLimiter();
            for (uint a = 1; a <= 5; a++)
            {
                limiter.Succeeded(a);
            }

            Assert.IsFalse(limiter.IsProven(1), "the oldest dropped out");
            for (uint a = 2; a <= 5; a++)
            {
                Assert.IsTrue(limiter.IsProven(a), "address " + a);
            }

            // Logging in again moves an address to the front, so the next new one drops another.
            limiter.Succeeded(2);
            limiter.Succeeded(6);
            Assert.IsTrue(limiter.IsProven(2));
            Assert.IsFalse(limiter.IsProven(3));
            Assert.IsTrue(limiter.IsProven(6));
            Assert.IsFalse(limiter.IsProven(7));
        }

        [TestMethod]
        public void NewAddressNotProven_DuringAnAttack_WaitsForTheSharedBlock_ThenGetsIn()
        {
            var limiter = new LoginRateLimiter();
            int now = 1000;
            for (int a = 0; a < 9; a++)
            {
                for (int i = 0; i < Max; i++)
                {
                    Guess(limiter, Attacker(a), now);
                }
            }

            int wait = limiter.RetryAfterMs(User, now);
            Assert.AreEqual(LoginRateLimiter.BlockMs, wait, "the trade-off: a stranger shares the overflow's block");
            Assert.AreEqual(0, limiter.RetryAfterMs(User, now + wait), "the blocks end together");
            Assert.IsTrue(Guess(limiter, User, now + wait));
        }

        [TestMethod]
        public void StaleTimes_FromBeforeAClockWrap_DoNotComeBack()
        {
            var limiter = new LoginRateLimiter();
            for (int i = 0; i < Max; i++)
            {
                limiter.Failed(User, 1000);
            }

            // Nobody tries for 2^31 + 1 s (and 3 × 10^9 ms): the old block does not reappear.
            Assert.AreEqual(0, limiter.RetryAfterMs(User, unchecked(1000 + int.MaxValue + 1000)));
            var other = new LoginRateLimiter();
            for (int i = 0; i < Max; i++)
            {
                other.Failed(User, 1000);
            }

            Assert.AreEqual(0, other.RetryAfterMs(User, unchecked(1000 + (int)3000000000u)));
        }

        [TestMethod]
        public void Calls_DoNotAllocate()
        {
            var limiter = new LoginRateLimiter();
            limiter.Succeeded(User);
            for (int a = 0; a < 30; a++)
            {
                Guess(limiter, Attacker(a), a);
            }

            long before = Platform.AllocatedBytes();
            for (int n = 0; n < 10000; n++)
            {
                Guess(limiter, Attacker(n % 30), 100 + n);
                Guess(limiter, User, 100 + n);
                limiter.Succeeded(User);
            }

            // Counted on .NET; nanoCLR counts nothing, so there the check holds trivially.
            Assert.AreEqual(0L, Platform.AllocatedBytes() - before);
        }
    }
}
