#!/usr/bin/env bash
# The C flow path's cost per forwarded packet, in x86-64 instructions (valgrind's callgrind).
#
#   tests/bench/native-cost.sh
#
# prints exactly, and exits 0:
#   native <case> flows=<n> instructions=<x>     for tcp, udp, icmp, esp, gre at 16, 128, 512 flows
#   native-entry-bytes <n>
#
# The traffic is the cost benchmark's (tests/NanoRouter.Bench/Workload.cs): established flows of
# one kind in a 512-entry table (one bucket per entry), over 64 LAN hosts and 200 remotes, a
# LAN-to-WAN and a WAN-to-LAN packet per flow with 64 bytes of payload, every packet forwarded;
# gre is PPTP's GRE v1 (harness: tests/bench/native-cost/nr_flow_bench.c). The flow path is built
# as the device would build it: gcc -O2 (ESP-IDF's CONFIG_COMPILER_OPTIMIZATION_PERF), C11.
# callgrind collects only inside nr_flow_process (--toggle-collect; it calls nothing), so the
# harness loop, the copy of each template into the buffer, the call itself and the table's setup
# are not counted: instructions = instructions inside nr_flow_process / packets.
# native-entry-bytes: one native entry (the 24-byte spec and its two 16-bit hash links) plus one
# bucket per entry (two 16-bit heads).
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)}
for tool in gcc valgrind; do
    command -v "$tool" > /dev/null || { echo "native-cost: $tool is missing (Debian: apt-get install $tool)" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bench="$work/nr_flow_bench"
if ! gcc -std=c11 -O2 -Wall -Wextra -Werror -I "$ROOT/dataplane/include" "$ROOT"/dataplane/src/*.c \
        "$ROOT/tests/bench/native-cost/nr_flow_bench.c" -o "$bench" 2> "$work/build.log"; then
    cat "$work/build.log" >&2
    exit 1
fi
status=0
for kind in tcp udp icmp esp gre; do
    for flows in 16 128 512; do
        rounds=$(( 16384 / flows ))
        packets=$("$bench" "$kind" "$flows" "$rounds" | sed -n 's/^packets //p')
        if [ -z "$packets" ] || ! valgrind --tool=callgrind --toggle-collect=nr_flow_process \
                --callgrind-out-file="$work/callgrind.out" "$bench" "$kind" "$flows" "$rounds" > /dev/null 2> "$work/valgrind.log"; then
            cat "$work/valgrind.log" >&2
            echo "native-cost: $kind at $flows flows failed" >&2
            status=1
            continue
        fi
        total=$(sed -nE 's/^(summary|totals): *([0-9]+).*/\2/p' "$work/callgrind.out" | head -1)
        awk -v kind="$kind" -v flows="$flows" -v total="$total" -v packets="$packets" \
            'BEGIN { printf "native %s flows=%d instructions=%.1f\n", kind, flows, total / packets }'
    done
done
echo "native-entry-bytes $("$bench" --entry-bytes)"
# The managed side's cost of putting a flow there, in nanoCLR terms (IL instructions executed, the
# instrumented core; tests/NanoRouter.Bench/FlowInstallCost.cs), on the same workload.
if command -v dotnet > /dev/null; then
    dotnet run -c Release --project "$ROOT/tests/NanoRouter.Bench" -- il-install 2> "$work/install.log" | sed 's/^il flow-install /managed-install /' \
        || { cat "$work/install.log" >&2; status=1; }
fi
exit $status
