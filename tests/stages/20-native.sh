# Unit tests of the ESP32 native forwarding shim (hal/NanoRouter.Hal.Esp32/native), built on the
# host with gcc against Debian's liblwip-dev and run with CTest (AddressSanitizer + UBSan on).
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
log="$build/ctest.log"
if ! cmake -S "$ROOT/tests/native" -B "$build" > "$build/configure.log" 2>&1; then
    cat "$build/configure.log"
    record 0 1 tests/native-configure
    exit 1
fi
if ! cmake --build "$build" -j 2 > "$build/build.log" 2>&1; then
    grep -E "error|Error" "$build/build.log" | head -40
    record 0 1 tests/native-build
    exit 1
fi
ctest --test-dir "$build" --output-on-failure 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
line=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$log" | tail -1)
failed=$(echo "$line" | sed -nE 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/p')
total=$(echo "$line" | sed -nE 's/.* tests failed out of ([0-9]+).*/\1/p')
if [ -z "$total" ]; then
    record 0 1 "tests/native"
    exit 1
fi
record $((total - failed)) "$failed" tests/native
[ "$rc" -eq 0 ]
