using NanoRouter.Hal;

namespace NanoRouter.Core.Radio
{
    /// <summary>What the status light shows.</summary>
    public enum LightPattern : byte
    {
        /// <summary>Dark.</summary>
        Off = 0,

        /// <summary>Slow blink (1 Hz): access point up, no uplink.</summary>
        SlowBlink = 1,

        /// <summary>Solid: forwarding.</summary>
        Solid = 2,

        /// <summary>Fast blink (4 Hz): factory reset under way.</summary>
        FastBlink = 3,
    }

    /// <summary>
    /// Drives the board's LED (if it has one) from a pattern and the clock, so the board needs no
    /// timer of its own: call <see cref="Show"/> at least every 125 ms while a blink should be seen.
    /// </summary>
    public sealed class StatusLight
    {
        private readonly IBoard _board;

        /// <summary>A light on <paramref name="board"/>.</summary>
        public StatusLight(IBoard board)
        {
            _board = board;
        }

        /// <summary>The pattern last shown.</summary>
        public LightPattern Pattern { get; private set; }

        /// <summary>Shows <paramref name="pattern"/> as it should look at <paramref name="nowMs"/>.</summary>
        public void Show(LightPattern pattern, int nowMs)
        {
            Pattern = pattern;
            int phase = nowMs & 0x3FF; // about one second
            _board.SetLight(pattern == LightPattern.Solid
                || (pattern == LightPattern.SlowBlink && phase < 512)
                || (pattern == LightPattern.FastBlink && (phase & 0xFF) < 128));
        }
    }
}
