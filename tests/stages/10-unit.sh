# Unit and property tests of the portable core, including the in-repo nano gate.
record_dotnet_test tests/NanoRouter.Tests/NanoRouter.Tests.csproj
