using System.Device.Gpio;
using System.Threading;

namespace NanoRouter.Hal.Esp32
{
    /// <summary>
    /// ESP32-DevKitC I/O: the status LED (GPIO2, high = lit) and the BOOT button (GPIO0, low while
    /// pressed), both served by one 100 ms timer. Holding BOOT for <see cref="ResetHoldMs"/>
    /// sets <see cref="FactoryResetRequested"/>.
    /// </summary>
    public sealed class DevKitBoard : IStatusLight
    {
        /// <summary>The status LED pin.</summary>
        public const int LedPin = 2;

        /// <summary>The BOOT button pin.</summary>
        public const int BootPin = 0;

        /// <summary>How long BOOT must be held for a factory reset.</summary>
        public const int ResetHoldMs = 5000;

        private const int TickMs = 100;
        private readonly GpioPin _led;
        private readonly GpioPin _button;
        private readonly Timer _timer;
        private LightPattern _pattern;
        private int _ticks;
        private int _heldTicks;

        /// <summary>Opens the pins and starts the timer.</summary>
        public DevKitBoard(GpioController gpio)
        {
            _led = gpio.OpenPin(LedPin, PinMode.Output);
            _button = gpio.OpenPin(BootPin, PinMode.InputPullUp);
            _timer = new Timer(Tick, null, 0, TickMs);
        }

        /// <summary>True once BOOT has been held long enough; stays true.</summary>
        public bool FactoryResetRequested { get; private set; }

        /// <inheritdoc />
        public void Show(LightPattern pattern) => _pattern = pattern;

        private void Tick(object state)
        {
            _ticks++;
            bool on = _pattern == LightPattern.Solid
                || (_pattern == LightPattern.SlowBlink && (_ticks / 5) % 2 == 0)
                || (_pattern == LightPattern.FastBlink && _ticks % 2 == 0);
            _led.Write(on ? PinValue.High : PinValue.Low);
            _heldTicks = _button.Read() == PinValue.Low ? _heldTicks + 1 : 0;
            if (_heldTicks * TickMs >= ResetHoldMs)
            {
                FactoryResetRequested = true;
            }
        }
    }
}
