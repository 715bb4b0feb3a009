using NanoRouter.Core.Admin;
using NanoRouter.Core.Config;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Admin
{
    /// <summary>
    /// Only the owner can claim a new router (issue 15 §5): the first admin password takes effect
    /// only after a short press of the router's button, which only someone at the router can make;
    /// a press confirms only a claim pending when it came; two claims at once void each other; a
    /// long hold (on the way to a factory reset) is no press; a factory reset brings the rule back.
    /// Also the iteration count of the hash, which grows when a board raises it (issue 15 §6).
    /// </summary>
    [TestClass]
    public class FirstPasswordTests
    {
        [TestMethod]
        public void Claim_WithoutAPress_NeverSetsThePassword_ThePageWaitsAndReloadsItself()
        {
            var h = new AdminHarness();
            Reply form = h.Get("/setup");
            Expect.Contains(form.Body, "press the test button on it");
            Reply claim = h.Claim();
            Assert.AreEqual(303, claim.Status, claim.ToString());
            Assert.AreEqual("/setup", claim.Header("Location"));
            Assert.IsFalse(h.Settings.HasAdminPassword, "no password without the button");
            Assert.IsTrue(h.App.ClaimPending);

            Reply wait = h.Get("/setup");
            Assert.AreEqual(200, wait.Status);
            Expect.Contains(wait.Body, "<meta http-equiv=refresh content=2>");
            Expect.Contains(wait.Body, "press <b>the test button</b> on the router");
            Assert.AreEqual(303, h.Get("/").Status, "nothing else is open yet");
            Assert.AreEqual("/setup", h.Get("/").Header("Location"));
            Assert.AreEqual(403, h.Api("POST", "/api/login", "{\"password\":\"correct horse\"}").Status);

            // Two minutes without a press: the claim is gone, a press now confirms nothing.
            h.Clock.NowMs += AdminApp.ClaimWindowMs + 1;
            Reply expired = h.Get("/setup");
            Assert.IsFalse(Text.Contains(expired.Body, "refresh"), "back to the form");
            Assert.IsFalse(h.App.ClaimPending);
            h.PressButton();
            h.Get("/setup");
            Assert.IsFalse(h.Settings.HasAdminPassword);
            Assert.AreEqual(SettingsLoadStatus.Empty, new SettingsStore(h.RawStore).Load(new RouterSettings()), "nothing saved");
        }

        [TestMethod]
        public void APressBeforeTheClaim_ConfirmsNothing_OneAfterItDoes()
        {
            var h = new AdminHarness();
            h.PressButton();
            h.Clock.NowMs += 1000;
            Assert.AreEqual(303, h.Claim().Status);
            Assert.AreEqual(200, h.Get("/setup").Status, "the earlier press does not count");
            Assert.IsFalse(h.Settings.HasAdminPassword);
            h.Clock.NowMs += 30000;
            h.PressButton();
            Reply done = h.Get("/setup");
            Assert.AreEqual("/", done.Header("Location"));
            Assert.IsTrue(h.Settings.HasAdminPassword);
            var saved = new RouterSettings();
            Assert.AreEqual(SettingsLoadStatus.Loaded, new SettingsStore(h.RawStore).Load(saved));
            Assert.IsTrue(saved.HasAdminPassword);
            Assert.AreEqual(AdminHarness.Iterations, saved.AdminIterations);
            Assert.AreEqual(200, h.Api("POST", "/api/login", "{\"password\":\"correct horse\"}").Status);
        }

        [TestMethod]
        public void AStrangersClaim_IsNeverConfirmedByTheOwnersPress_TwoClaimsVoidEachOther()
        {
            var h = new AdminHarness();
            CookieJar stranger = h.Cookies;
            Assert.AreEqual(303, h.Claim("strangers password").Status, "the stranger joined the open AP first");

            // The owner opens the page: a form of their own, not the stranger's waiting page.
            CookieJar owner = new CookieJar();
            h.Cookies = owner;
            Reply form = h.Get("/setup");
            Assert.IsFalse(Text.Contains(form.Body, "refresh"));
            h.Clock.NowMs += AdminApp.ClaimIntervalMs;
            Reply second = h.Claim("owners password");
            Assert.AreEqual(409, second.Status, second.ToString());
            Expect.Contains(second.Body, "Another device tried to set up this router at the same time");

            // The owner's press (they thought it was theirs) makes no one the owner.
            h.PressButton();
            Reply ownerPage = h.Get("/setup");
            Expect.Contains(ownerPage.Body, "Another device tried");
            h.Cookies = stranger;
            Reply strangerPage = h.Get("/setup");
            Assert.AreEqual(200, strangerPage.Status);
            Expect.Contains(strangerPage.Body, "Another device tried");
            Assert.IsFalse(h.Settings.HasAdminPassword);
            Assert.AreEqual(403, h.Api("POST", "/api/login", "{\"password\":\"strangers password\"}").Status);

            // While contested nobody may claim; afterwards the owner does.
            Assert.AreEqual(409, h.Claim("strangers password").Status);
            h.Cookies = owner;
            h.Clock.NowMs += AdminApp.ClaimWindowMs + 1;
            Assert.AreEqual(303, h.Claim("owners password").Status);
            h.PressButton();
            Assert.AreEqual("/", h.Get("/setup").Header("Location"));
            Assert.AreEqual(200, h.Api("POST", "/api/login", "{\"password\":\"owners password\"}").Status);
            Assert.AreEqual(401, h.Api("POST", "/api/login", "{\"password\":\"strangers password\"}").Status);
        }

        [TestMethod]
        public void TheSameBrowser_MayClaimAgain_ButClaimsAreHashedAtMostEveryTwoSeconds()
        {
            var h = new AdminHarness();
            string csrf = AdminHarness.Csrf(h.Get("/setup"));
            Assert.AreEqual(303, h.Post("/setup", "csrf=" + csrf + "&password=first+choice&confirm=first+choice").Status);

            // The same browser's form again (another tab, or back): busy at first, then it replaces the claim.
            Reply busy = h.Post("/setup", "csrf=" + csrf + "&password=second+choice&confirm=second+choice");
            Assert.AreEqual(429, busy.Status, busy.ToString());
            Assert.IsNotNull(busy.Header("Retry-After"));
            h.Clock.NowMs += AdminApp.ClaimIntervalMs;
            Assert.AreEqual(303, h.Post("/setup", "csrf=" + csrf + "&password=second+choice&confirm=second+choice").Status, "a new choice replaces the browser's own claim");
            h.PressButton();
            h.Get("/setup");
            Assert.AreEqual(401, h.Api("POST", "/api/login", "{\"password\":\"first choice\"}").Status);
            Assert.AreEqual(200, h.Api("POST", "/api/login", "{\"password\":\"second choice\"}").Status);
        }

        [TestMethod]
        public void Presence_ShortPressesCount_LongHoldsDoNot()
        {
            var p = new OwnerPresence("x");
            p.Sample(false, 0);
            p.Sample(true, 100);
            p.Sample(true, 200);
            p.Sample(false, 300);
            Assert.AreEqual(1, p.Presses);
            Assert.IsTrue(p.PressedSince(0, 300, 1000));
            Assert.IsFalse(p.PressedSince(1, 300, 1000), "no press since the first");
            Assert.IsFalse(p.PressedSince(0, 5000, 1000), "the press is older than the window");

            p.Sample(true, 1000);
            p.Sample(true, 2000);
            p.Sample(false, 1000 + OwnerPresence.ShortPressMaxMs + 100);
            Assert.AreEqual(1, p.Presses, "held over two seconds: on the way to a factory reset, no press");
            p.Sample(true, 10000);
            p.Sample(false, 10000 + OwnerPresence.ShortPressMaxMs);
            Assert.AreEqual(2, p.Presses);
            p.Press(20000);
            Assert.AreEqual(3, p.Presses);
        }

        [TestMethod]
        public void FactoryReset_TheNextPasswordNeedsThePressAgain()
        {
            var h = new AdminHarness();
            h.SetUp();
            string csrf = AdminHarness.Csrf(h.Get("/reset"));
            Assert.AreEqual(200, h.Post("/reset", "csrf=" + csrf + "&confirm=yes").Status);
            Assert.IsFalse(h.Settings.HasAdminPassword);
            h.Cookies.Clear();
            h.Clock.NowMs += AdminApp.ClaimIntervalMs;
            Assert.AreEqual(303, h.Claim("after the reset").Status);
            Assert.AreEqual(200, h.Get("/setup").Status, "waits for the button again");
            Assert.IsFalse(h.Settings.HasAdminPassword);
            h.PressButton();
            Assert.AreEqual("/", h.Get("/setup").Header("Location"));
            Assert.AreEqual(200, h.Api("POST", "/api/login", "{\"password\":\"after the reset\"}").Status);
        }

        [TestMethod]
        public void Login_WithAnOlderIterationCount_SavesTheHashAgainWithTheBoardsCount()
        {
            var old = new AdminHarness(null, 50);
            old.SetUp();
            Assert.AreEqual(50, old.Settings.AdminIterations);
            byte[] slot0 = old.RawStore.Slot(0);
            byte[] slot1 = old.RawStore.Slot(1);

            var h = new AdminHarness(raw => CopySlots(raw, slot0, slot1), 200);
            Assert.AreEqual(50, h.Settings.AdminIterations, "loaded as saved");
            Assert.AreEqual(401, h.Api("POST", "/api/login", "{\"password\":\"wrong password\"}").Status);
            Assert.AreEqual(50, h.Settings.AdminIterations, "a wrong password changes nothing");
            Assert.AreEqual(200, h.Api("POST", "/api/login", "{\"password\":\"correct horse\"}").Status);
            Assert.AreEqual(200, h.Settings.AdminIterations, "the board's count now");
            var saved = new RouterSettings();
            new SettingsStore(h.RawStore).Load(saved);
            Assert.AreEqual(200, saved.AdminIterations, "and saved");
            Assert.AreEqual(200, h.Api("POST", "/api/login", "{\"password\":\"correct horse\"}").Status, "the same password still works");

            // A count above the board's stays as it is.
            var higher = new AdminHarness(raw => CopySlots(raw, slot0, slot1), 20);
            Assert.AreEqual(200, higher.Api("POST", "/api/login", "{\"password\":\"correct horse\"}").Status);
            Assert.AreEqual(50, higher.Settings.AdminIterations);
        }

        private static void CopySlots(MemoryConfigStore raw, byte[] slot0, byte[] slot1)
        {
            raw.SetSlot(0, slot0);
            raw.SetSlot(1, slot1);
        }
    }
}
