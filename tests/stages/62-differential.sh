# The native flow path against the managed engine (issue 13): 10^6 random, mutated and valid packets of
# every kind, both directions, with clock steps (fast, and phases of a second per ~64 packets, so
# offloaded flows live across their timeouts), passthrough switches and WAN changes, through the host
# board's arrangement (libnrflow.so, the ESP32's C path, first; the engine for what it does not
# match; 48 native slots for 64 sessions, so the table fills and the crowded-table policy runs) and
# through a reference engine alone. Every verdict, egress, byte out, drop reason and released
# fragment must be the reference's, and every counter of the admin page and API (per rule, per drop
# reason, per LAN host, the table's) after each clock step and every 1,024 packets. Fixed seed: a
# failure prints the packet and replays with the same command. The fixtures (the engine corpus of
# real traffic) run the same comparison in stage 60; the long run is 10^8 packets:
#   dotnet run -c Release --project tests/fuzz/NanoRouter.Fuzz -- differential --packets 100000000 --seed 1
seed=${DIFFERENTIAL_SEED:-1}
out=$(dotnet run -c Release --project "$ROOT/tests/fuzz/NanoRouter.Fuzz" -- differential --packets 1000000 --seed "$seed" 2>&1)
rc=$?
echo "$out" | tail -12
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAILED: $1"; fi; }
check "differential run exits 0" '[ $rc -eq 0 ]'
check "10^6 packets, native path and engine equal to the engine alone" 'echo "$out" | grep -qE "^differential-run ok packets=1000000 "'
check "the native path forwarded packets and the counters were compared" 'echo "$out" | grep -qE "^native path: [1-9][0-9]* packets forwarded natively .* [1-9][0-9]* counter comparisons with the reference engine, all equal"'
check "no allocation in the measured loop" 'echo "$out" | grep -qE "^allocated in the measured loop 0 bytes"'
scenarios=$(dotnet run -c Release --no-build --project "$ROOT/tests/fuzz/NanoRouter.Fuzz" -- differential-scenarios 2>&1)
src=$?
echo "$scenarios" | grep -E '^(ok|FAILED)' | sed 's/^/  /'
check "fixed differential scenarios (GRE keys per direction offloaded both ways, stamps equal) exit 0" '[ $src -eq 0 ]'
check "every scenario check passed" 'echo "$scenarios" | grep -qE "^differential-scenarios ok checks=[1-9][0-9]* failures=0$"'
record "$passed" "$failed" "differential"
[ "$failed" -eq 0 ]
