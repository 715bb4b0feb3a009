namespace NanoRouter.Hal
{
    /// <summary>The board itself: its reset button, its status LED, restarting it.</summary>
    public interface IBoard
    {
        /// <summary>Whether the factory-reset button is down right now.</summary>
        bool ResetButtonDown { get; }

        /// <summary>Lights the status LED or puts it out (nothing when the board has none).</summary>
        void SetLight(bool on);

        /// <summary>Restarts the board (does not return on the device).</summary>
        void Reboot();

        /// <summary>Sleeps the calling thread.</summary>
        void Sleep(int milliseconds);
    }
}
