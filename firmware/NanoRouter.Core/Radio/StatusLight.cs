namespace NanoRouter.Hal
{
    /// <summary>What the status LED shows.</summary>
    public enum LightPattern : byte
    {
        /// <summary>Dark.</summary>
        Off = 0,

        /// <summary>Slow blink: access point up, no uplink.</summary>
        SlowBlink = 1,

        /// <summary>Solid: forwarding.</summary>
        Solid = 2,

        /// <summary>Fast blink: factory reset or fault.</summary>
        FastBlink = 3,
    }

    /// <summary>The board's status light.</summary>
    public interface IStatusLight
    {
        /// <summary>Shows a pattern until the next call.</summary>
        void Show(LightPattern pattern);
    }
}
