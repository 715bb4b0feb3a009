# The property run at CI scale: 10^5 random and mutated packets of every kind, both directions, with
# clock advances, through one NAT engine with every invariant checked after each packet (capacity,
# quotas, checksums of forwarded packets, Local untouched, drops counted once, released fragments).
# Fixed seed, so a failure reproduces with the printed command. The full run is 10^7:
#   dotnet run -c Release --project tests/fuzz/NanoRouter.Fuzz -- property --packets 10000000 --seed 1
seed=${PROPERTY_SEED:-1}
out=$(dotnet run -c Release --project "$ROOT/tests/fuzz/NanoRouter.Fuzz" -- property --packets 100000 --seed "$seed" 2>&1)
rc=$?
echo "$out" | tail -20
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAILED: $1"; fi; }
check "property run exits 0" '[ $rc -eq 0 ]'
check "10^5 packets, no invariant broken" 'echo "$out" | grep -qE "^property-run ok packets=100000 "'
check "every verdict occurs" 'echo "$out" | grep -qE "^verdicts forward [1-9][0-9]* local [1-9][0-9]* drop [1-9]"'
check "no allocation in the measured loop" 'echo "$out" | grep -qE "^allocated in the measured loop 0 bytes"'
self=$(dotnet "$ROOT/tests/fuzz/NanoRouter.Fuzz/bin/Release/net10.0/NanoRouter.Fuzz.dll" selftest 2>&1)
src=$?
echo "$self" | tail -5
check "the checksum validator rejects every single-bit change it must (selftest)" '[ $src -eq 0 ] && echo "$self" | grep -qE "^selftest: [0-9]+ checks, 0 failed"'
record "$passed" "$failed" "property-scale"
[ "$failed" -eq 0 ]
