using System;
using System.Device.Gpio;
using System.Threading;
using nanoFramework.Runtime.Native;

namespace NanoRouter.Hal.Esp32
{
    /// <summary>
    /// ESP32-DevKitC V4 I/O: the BOOT button (GPIO0, low while pressed) and an optional status LED.
    /// The DevKitC V4 has no user LED (GPIO2 is not connected to one), so <see cref="LedPin"/> is -1
    /// and nothing lights; with an LED and a 330 ohm resistor from a free GPIO to GND, set the pin here
    /// (boards/esp32-devkitc/board.json says the same). The core blinks it (NanoRouter.Core.Radio.StatusLight).
    /// Its random bytes come from System.Random, which nanoCLR on the ESP32 serves from the hardware
    /// RNG (nf-interpreter targets/ESP32/_nanoCLR/targetRandom.cpp: esp_random).
    /// </summary>
    public sealed class DevKitBoard : IBoard, IEntropySource
    {
        /// <summary>The status LED pin; -1: none (the DevKitC V4 has no user LED).</summary>
        public const int LedPin = -1;

        /// <summary>The BOOT button pin.</summary>
        public const int BootPin = 0;

        private readonly GpioPin _button;
        private readonly GpioPin _led;
        private readonly Random _random = new Random();

        /// <summary>Opens the pins.</summary>
        public DevKitBoard(GpioController gpio)
        {
            _button = gpio.OpenPin(BootPin, PinMode.InputPullUp);
            _led = LedPin >= 0 ? gpio.OpenPin(LedPin, PinMode.Output) : null;
        }

        /// <inheritdoc />
        public bool ResetButtonDown => _button.Read() == PinValue.Low;

        /// <inheritdoc />
        public void SetLight(bool on) => _led?.Write(on ? PinValue.High : PinValue.Low);

        /// <inheritdoc />
        public void Reboot() => Power.RebootDevice();

        /// <inheritdoc />
        public void Sleep(int milliseconds) => Thread.Sleep(milliseconds);

        /// <inheritdoc />
        public void Fill(byte[] buffer, int offset, int count)
        {
            for (int i = 0; i < count; i++)
            {
                buffer[offset + i] = (byte)_random.Next(256); // 256 divides 2^32: no bias
            }
        }
    }
}
