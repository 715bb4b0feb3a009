using System.Reflection;

[assembly: AssemblyTitle("NanoRouter.Hal.Esp32")]
[assembly: AssemblyVersion("1.0.0.0")]
