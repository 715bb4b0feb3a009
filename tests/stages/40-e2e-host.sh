# End-to-end tests of the host board: namespace labs (198.18.0.0/15 only), the NFQUEUE port,
# the command-line contract and traffic through the router. Needs root; every test removes its
# namespaces, rules and processes even when it fails.
record_dotnet_test tests/e2e/NanoRouter.E2E/NanoRouter.E2E.csproj
