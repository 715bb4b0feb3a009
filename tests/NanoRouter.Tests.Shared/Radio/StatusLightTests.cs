using NanoRouter.Core.Radio;
using NanoRouter.Tests.Nat;

namespace NanoRouter.Tests.Radio
{
    /// <summary>The status light's patterns from the clock: the board needs no timer of its own.</summary>
    [TestClass]
    public class StatusLightTests
    {
        private static int OnShare(LightPattern pattern, out int changes)
        {
            var clock = new ManualClock(-5000);
            var board = new FakeBoard(clock);
            var light = new StatusLight(board);
            int on = 0;
            for (int t = 0; t < 4096; t += 16)
            {
                light.Show(pattern, clock.NowMs + t);
                on += board.LightOn ? 1 : 0;
            }

            changes = board.LightChanges;
            return on * 100 / 256;
        }

        [TestMethod]
        public void Show_Patterns_OnShareAndBlinkRate()
        {
            int changes;
            Assert.AreEqual(100, OnShare(LightPattern.Solid, out changes));
            Assert.IsTrue(changes <= 1);
            Assert.AreEqual(0, OnShare(LightPattern.Off, out changes));
            Assert.AreEqual(0, changes);
            Assert.AreEqual(50, OnShare(LightPattern.SlowBlink, out changes));
            Assert.IsTrue(changes >= 7 && changes <= 9, "about 1 Hz over 4 s: " + changes);
            Assert.AreEqual(50, OnShare(LightPattern.FastBlink, out changes));
            Assert.IsTrue(changes >= 31 && changes <= 33, "about 4 Hz over 4 s: " + changes);
        }
    }
}
