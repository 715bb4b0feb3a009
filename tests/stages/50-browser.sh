# The admin page in a real browser: Debian chromium + chromedriver (50-browser.apt), headless,
# driven by Selenium against the core admin app served by the host-board socket adapter; plus that
# adapter on real sockets (4-connection limit, 5 s slowloris cut, bound address only) and the file
# settings store. Refreshes boards/host/admin-status.png (set NR_ADMIN_SCREENSHOT to write elsewhere).
record_dotnet_test tests/browser/NanoRouter.BrowserTests.csproj
