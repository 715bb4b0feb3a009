using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("NanoRouter.Tests.Nano.Vpn")]
[assembly: AssemblyDescription("nanoRouter's shared unit tests of the VPN diagnostics for nanoCLR")]
[assembly: AssemblyConfiguration("")]
[assembly: AssemblyCompany("")]
[assembly: AssemblyProduct("nanoRouter")]
[assembly: AssemblyCopyright("")]
[assembly: AssemblyTrademark("")]
[assembly: AssemblyCulture("")]
[assembly: ComVisible(false)]
[assembly: AssemblyVersion("1.0.0.0")]
[assembly: AssemblyFileVersion("1.0.0.0")]

// Required by the nanoFramework build for every assembly it deploys.
[assembly: AssemblyNativeVersion("1.0.0.0")]
