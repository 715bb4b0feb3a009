#!/usr/bin/env bash
# Throughput of the host board against the Linux kernel's own NAT, same topology, same run.
# Prints figures (not a test): iperf3 TCP 3 x 5 s (median) through a kernel MASQUERADE router
# and through the host board: native (the default: established flows forwarded by libnrflow.so in
# the NFQUEUE loop) and --no-native (every packet through the managed engine), each in the default
# GSO mode and with --no-gso (the kernel segments to the MTU first, as the device sees packets); the ratios to the kernel, the share of packets that reached the managed
# engine, and small-UDP packets per second through each.
#   tests/bench/throughput/run.sh [--seconds N] [--runs N]
# Needs root, iproute2, iptables, iperf3, dotnet. Builds the board in Release first.
# Uses namespaces nrbench-{lan,rtr,wan} and addresses in 198.18.0.0/15 only; removes them,
# its rules and every process it started on exit, even on failure or Ctrl-C.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../../.." && pwd)
SECONDS_PER_RUN=5
RUNS=3
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        *) echo "bench: unknown option $1" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "bench: must run as root (network namespaces)" >&2; exit 1; }
for tool in ip iptables iperf3 dotnet python3; do
    command -v "$tool" > /dev/null || { echo "bench: missing $tool" >&2; exit 1; }
done

P=nrbench
LAN=$P-lan RTR=$P-rtr WAN=$P-wan
SERVER_PID="" BOARD_PID=""
WORK=$(mktemp -d)

cleanup() {
    set +e
    [ -n "$BOARD_PID" ] && kill -TERM "$BOARD_PID" 2> /dev/null && wait "$BOARD_PID" 2> /dev/null
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2> /dev/null && wait "$SERVER_PID" 2> /dev/null
    for ns in $LAN $RTR $WAN; do ip netns del "$ns" 2> /dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for ns in $LAN $RTR $WAN; do
    if ip netns list | grep -qw "$ns"; then echo "bench: namespace $ns exists (another bench running?)" >&2; trap - EXIT; exit 1; fi
done

echo "bench: building the host board (Release)"
dotnet build -c Release -nologo -v q "$ROOT/boards/host" > "$WORK/build.log" 2>&1 || { tail -20 "$WORK/build.log"; exit 1; }
DLL="$ROOT/boards/host/bin/Release/net10.0/NanoRouter.Host.dll"

# The same topology as the host board's lab (NamespaceLab): veth pairs, default offloads.
for ns in $LAN $RTR $WAN; do
    ip netns add "$ns"
    ip netns exec "$ns" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6'
done
ip link add wan netns $RTR type veth peer name eth0 netns $WAN
ip link add lan netns $RTR type veth peer name eth0 netns $LAN
ip -n $RTR -batch - <<EOF
link set lo up
link set lan up
link set wan up
addr add 198.19.4.1/24 dev lan
addr add 198.18.0.2/24 dev wan
route add default via 198.18.0.1
EOF
ip -n $WAN -batch - <<EOF
link set lo up
link set eth0 up
addr add 198.18.0.1/24 dev eth0
EOF
ip -n $LAN -batch - <<EOF
link set lo up
link set eth0 up
addr add 198.19.4.2/24 dev eth0
route add default via 198.19.4.1
EOF

ip netns exec $WAN iperf3 -s -p 5201 > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
sleep 0.5

# median of numbers on stdin
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print 0; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

tcp_runs() {  # prints one Gbit/s figure per run
    for _ in $(seq "$RUNS"); do
        ip netns exec $LAN iperf3 -c 198.18.0.1 -p 5201 -t "$SECONDS_PER_RUN" -J > "$WORK/tcp.json" 2> /dev/null || { echo 0; continue; }
        python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.3f" % (d["end"]["sum_received"]["bits_per_second"]/1e9))' "$WORK/tcp.json"
    done
}

udp_pps() {  # small UDP datagrams as fast as iperf3 sends them; prints packets received per second
    ip netns exec $LAN iperf3 -c 198.18.0.1 -p 5201 -u -l 64 -b 0 -t "$SECONDS_PER_RUN" -J > "$WORK/udp.json" 2> /dev/null || { echo "0 0"; return; }
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["end"]["sum"]
received = s["packets"] - s["lost_packets"]
print("%d %d" % (received / s["seconds"], s["packets"] / s["seconds"]))' "$WORK/udp.json"
}

echo "bench: kernel MASQUERADE router ($RUNS x ${SECONDS_PER_RUN} s TCP)"
ip netns exec $RTR sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'
ip netns exec $RTR iptables -t nat -A POSTROUTING -o wan -j MASQUERADE
KERNEL_RUNS=$(tcp_runs | tr '\n' ' ')
KERNEL_UDP=$(udp_pps)
ip netns exec $RTR iptables -t nat -D POSTROUTING -o wan -j MASQUERADE
ip netns exec $RTR sh -c 'echo 0 > /proc/sys/net/ipv4/ip_forward'
ip netns exec $RTR sh -c 'command -v conntrack > /dev/null && conntrack -F > /dev/null 2>&1; true'

board_runs() {  # $1: extra board options ("--no-native", "--no-gso", ...); sets BOARD_RUNS, BOARD_UDP, BOARD_MANAGED
    ip netns exec $RTR dotnet "$DLL" run --lan lan --wan wan --admin-port 8099 $1 > "$WORK/board.log" 2>&1 &
    BOARD_PID=$!
    for _ in $(seq 100); do grep -q '^nanorouter: ready$' "$WORK/board.log" && break; sleep 0.2; done
    grep -q '^nanorouter: ready$' "$WORK/board.log" || { echo "bench: the board did not start:"; cat "$WORK/board.log"; exit 1; }
    BOARD_RUNS=$(tcp_runs | tr '\n' ' ')
    BOARD_UDP=$(udp_pps)
    kill -TERM "$BOARD_PID"; wait "$BOARD_PID" || true; BOARD_PID=""
    grep -E 'stopping' "$WORK/board.log" | sed 's/^/    /' || true
    BOARD_MANAGED=$(sed -nE 's/.* ([0-9.]+) % of packets reached the managed engine.*/\1/p' "$WORK/board.log" | tail -1)
}

echo "bench: host board (native, the default), NFQUEUE with GSO ($RUNS x ${SECONDS_PER_RUN} s TCP)"
board_runs ""
GSO_RUNS=$BOARD_RUNS GSO_UDP=$BOARD_UDP GSO_MANAGED=$BOARD_MANAGED
echo "bench: host board --no-native (managed only), NFQUEUE with GSO ($RUNS x ${SECONDS_PER_RUN} s TCP)"
board_runs --no-native
MGSO_RUNS=$BOARD_RUNS MGSO_UDP=$BOARD_UDP
echo "bench: host board --no-gso (native): MTU-sized packets as on the device ($RUNS x ${SECONDS_PER_RUN} s TCP)"
board_runs --no-gso
MTU_RUNS=$BOARD_RUNS MTU_UDP=$BOARD_UDP MTU_MANAGED=$BOARD_MANAGED
echo "bench: host board --no-native --no-gso (managed only) ($RUNS x ${SECONDS_PER_RUN} s TCP)"
board_runs "--no-native --no-gso"
MMTU_RUNS=$BOARD_RUNS MMTU_UDP=$BOARD_UDP

KERNEL_MEDIAN=$(echo "$KERNEL_RUNS" | tr ' ' '\n' | grep . | median)
GSO_MEDIAN=$(echo "$GSO_RUNS" | tr ' ' '\n' | grep . | median)
MGSO_MEDIAN=$(echo "$MGSO_RUNS" | tr ' ' '\n' | grep . | median)
MTU_MEDIAN=$(echo "$MTU_RUNS" | tr ' ' '\n' | grep . | median)
MMTU_MEDIAN=$(echo "$MMTU_RUNS" | tr ' ' '\n' | grep . | median)
ratio() { awk -v b="$1" -v k="$KERNEL_MEDIAN" 'BEGIN { if (k > 0) printf "%.3f", b / k; else print "n/a" }'; }
echo
echo "== throughput, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf "TCP  kernel MASQUERADE            : median %6.2f Gbit/s  (runs: %s)\n" "$KERNEL_MEDIAN" "$KERNEL_RUNS"
printf "TCP  host board native (GSO)     : median %6.2f Gbit/s  (runs: %s)  ratio %s (target >= 0.5); %s %% of packets to the managed engine\n" "$GSO_MEDIAN" "$GSO_RUNS" "$(ratio "$GSO_MEDIAN")" "$GSO_MANAGED"
printf "TCP  host board --no-native (GSO): median %6.2f Gbit/s  (runs: %s)  ratio %s\n" "$MGSO_MEDIAN" "$MGSO_RUNS" "$(ratio "$MGSO_MEDIAN")"
printf "TCP  host board native --no-gso  : median %6.2f Gbit/s  (runs: %s)  ratio %s; %s %% of packets to the managed engine\n" "$MTU_MEDIAN" "$MTU_RUNS" "$(ratio "$MTU_MEDIAN")" "$MTU_MANAGED"
printf "TCP  host board --no-native --no-gso: median %6.2f Gbit/s  (runs: %s)  ratio %s\n" "$MMTU_MEDIAN" "$MMTU_RUNS" "$(ratio "$MMTU_MEDIAN")"
printf "UDP  64-byte payloads, received packets/s (sent): kernel %s (%s), native %s (%s), --no-native %s (%s), native --no-gso %s (%s), --no-native --no-gso %s (%s)\n" \
    "${KERNEL_UDP% *}" "${KERNEL_UDP#* }" "${GSO_UDP% *}" "${GSO_UDP#* }" "${MGSO_UDP% *}" "${MGSO_UDP#* }" "${MTU_UDP% *}" "${MTU_UDP#* }" "${MMTU_UDP% *}" "${MMTU_UDP#* }"
