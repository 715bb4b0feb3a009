using System.Reflection;
using System.Runtime.CompilerServices;

[assembly: AssemblyTitle("NanoRouter.Hal.Esp32")]
[assembly: AssemblyVersion("1.0.0.0")]

// Interop assembly: the native side (native/) is built into the firmware and checked against
// this version and the metadata checksum at boot.
[assembly: AssemblyNativeVersion("1.0.0.0")]
