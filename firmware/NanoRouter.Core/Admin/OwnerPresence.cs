namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// Proof that someone is at the router: a short press of its button (BOOT on the ESP32; the
    /// host board takes a signal instead). The first admin password needs one (<see cref="AdminApp"/>):
    /// whoever joins the open access point first must not become its owner. A press is the button
    /// down for at least one look and up again within <see cref="ShortPressMaxMs"/>; a longer hold
    /// is no press, so the way to a factory reset (5 s) never confirms anything. The board's
    /// supervision thread feeds it (<see cref="Sample"/> or <see cref="Press"/>), the admin thread
    /// reads it; a lock keeps the count and its time together.
    /// </summary>
    public sealed class OwnerPresence
    {
        /// <summary>The longest hold that still counts as a short press.</summary>
        public const int ShortPressMaxMs = 2000;

        private readonly object _sync = new object();
        private readonly string _how;
        private int _presses;
        private int _lastPressMs;
        private bool _down;
        private int _downSinceMs;

        /// <summary>Creates it.</summary>
        /// <param name="how">What to press, for the setup page: "the BOOT button" on the ESP32.</param>
        public OwnerPresence(string how)
        {
            _how = how;
        }

        /// <summary>What to press, as the setup page says it.</summary>
        public string How => _how;

        /// <summary>Short presses so far.</summary>
        public int Presses
        {
            get
            {
                lock (_sync)
                {
                    return _presses;
                }
            }
        }

        /// <summary>Whether a short press ended after <paramref name="pressesBefore"/> presses had
        /// been counted, and at most <paramref name="withinMs"/> ago.</summary>
        public bool PressedSince(int pressesBefore, int nowMs, int withinMs)
        {
            lock (_sync)
            {
                return _presses != pressesBefore && nowMs - _lastPressMs <= withinMs;
            }
        }

        /// <summary>One look at the button (the board's watch loop, every 100 ms or so).</summary>
        public void Sample(bool down, int nowMs)
        {
            lock (_sync)
            {
                if (down && !_down)
                {
                    _downSinceMs = nowMs;
                }
                else if (!down && _down && nowMs - _downSinceMs <= ShortPressMaxMs)
                {
                    _presses++;
                    _lastPressMs = nowMs;
                }

                _down = down;
            }
        }

        /// <summary>A whole press at once (the host board's signal).</summary>
        public void Press(int nowMs)
        {
            lock (_sync)
            {
                _presses++;
                _lastPressMs = nowMs;
            }
        }
    }
}
