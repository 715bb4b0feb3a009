# Unit tests of the ESP32 native forwarding shim (hal/NanoRouter.Hal.Esp32/native), built on the
# host with gcc against Debian's liblwip-dev and run with CTest (AddressSanitizer + UBSan on).
# The ESP32 glue is also linked against lwIP 2.1.3 built from Debian's source package with the
# device's IPv4 options (tests/native/device), so a call the firmware's lwIP compiles out fails
# here. The source comes through apt with its own, temporary package lists (the system's apt
# configuration is not touched); apt checks it against Debian's signed source index.
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
log="$build/ctest.log"
src="$build/lwip-src"
mkdir -p "$src/lists/partial" "$src/cache/archives/partial" "$src/sources.list.d"
printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    > "$src/sources.list.d/debian-src.sources"
apt_private=(-q -o APT::Sandbox::User=root -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$src/sources.list.d"
    -o "Dir::State::Lists=$src/lists" -o "Dir::Cache=$src/cache")
if ! (cd "$src" && apt-get "${apt_private[@]}" update > "$src/update.log" 2>&1 \
        && apt-get "${apt_private[@]}" source --download-only lwip=2.1.3+dfsg1-2 > "$src/source.log" 2>&1 \
        && tar -xf lwip_2.1.3+dfsg1.orig.tar.xz); then
    tail -20 "$src/update.log" "$src/source.log" 2>/dev/null
    echo "cannot fetch Debian's lwip 2.1.3+dfsg1-2 source package"
    record 0 1 tests/native-lwip-source
    exit 1
fi
if ! cmake -S "$ROOT/tests/native" -B "$build" -DNR_LWIP_SOURCE_DIR="$src/lwip-2.1.3" > "$build/configure.log" 2>&1; then
    cat "$build/configure.log"
    record 0 1 tests/native-configure
    exit 1
fi
if ! cmake --build "$build" -j 2 > "$build/build.log" 2>&1; then
    grep -E "error|Error|undefined reference" "$build/build.log" | head -40
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
