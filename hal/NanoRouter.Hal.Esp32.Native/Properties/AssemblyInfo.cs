using System.Reflection;
using System.Runtime.CompilerServices;

[assembly: AssemblyTitle("NanoRouter.Hal.Esp32.Native")]
[assembly: AssemblyVersion("1.0.0.0")]

// Interop assembly: nanoCLR checks this version and the metadata checksum of the native methods
// against what the firmware was built with (hal/NanoRouter.Hal.Esp32/native).
[assembly: AssemblyNativeVersion("1.2.0.0")]
