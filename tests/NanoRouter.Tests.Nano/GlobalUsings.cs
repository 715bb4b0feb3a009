// The shared tests name no test framework; in nanoFramework it is nanoFramework.TestFramework
// (the MSTest host project adds Microsoft.VisualStudio.TestTools.UnitTesting instead).
global using nanoFramework.TestFramework;
