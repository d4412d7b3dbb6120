#!/bin/sh
# fping_compare.sh - a benchmark, not a test: hopwatch --ping and fping side by side on the
# lab's `many` target (c - r1 - t, where t answers for every address of 198.19.0.0/16), for
# 1,000, 10,000 and 65,536 IPv4 addresses, with the same count, timeout and send rate.
# Prints one table: wall time, CPU time (user + system), peak memory (maximum resident set,
# from GNU time) and how many targets each tool found alive; then hopwatch's own memory
# figures (--show-memory: bytes its probing core holds for the targets).
#
# Usage (root, from the source tree, after make):
#   sh bench/fping_compare.sh
#   RATE=20000 COUNT=3 SIZES="1000 10000" sh bench/fping_compare.sh
# Environment: HOPWATCH (default build/hopwatch), RATE probes per second for both tools
# (default 10000), COUNT probes per target (default 1), PERIOD seconds between one target's
# probes when COUNT > 1 (default 1), TIMEOUT_MS per probe (default 1000), SIZES (default
# "1000 10000 65536", at most 65536), LAB_ID (default fbench).
# It installs fping and GNU time with apt-get when they are missing.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
HOPWATCH=${HOPWATCH:-$top/build/hopwatch}
LAB=$top/tests/lab/lab.sh
LABLIB=$top/tests/lab/common.sh
LAB_ID=${LAB_ID:-fbench}
export HOPWATCH LAB LABLIB LAB_ID
RATE=${RATE:-10000}
COUNT=${COUNT:-1}
PERIOD=${PERIOD:-1}
TIMEOUT_MS=${TIMEOUT_MS:-1000}
SIZES=${SIZES:-1000 10000 65536}
. "$LABLIB"
[ -x "$HOPWATCH" ] || fail "$HOPWATCH is not built (run make)"
lab_require_root

# GNU time (for the peak RSS) and fping, from Debian's packages when missing.
gnutime=/usr/bin/time
if ! "$gnutime" -f %M true >/dev/null 2>&1 || ! command -v fping >/dev/null 2>&1; then
    note "installing fping and GNU time (apt-get install fping time)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y fping time >/dev/null 2>&1 ||
        fail "apt-get install fping time failed"
fi
"$gnutime" -f %M true >/dev/null 2>&1 || fail "$gnutime is not GNU time"
fping=$(command -v fping) || fail "fping is not installed"

dir=$(mktemp -d) || fail "mktemp failed"
lab_up many
trap 'rm -rf "$dir"; lab_down' EXIT

# The same rate for both: fping's -i is the gap between any two probes (ms); hopwatch's
# --pps caps the probes per second over all targets.  With one probe per target the
# per-target interval must not stretch hopwatch's round (it spreads a round over -i), so
# -i is its minimum; with more, both use PERIOD between one target's probes.
fping_gap=$(awk -v r="$RATE" 'BEGIN { printf "%g", 1000 / r }')
if [ "$COUNT" = 1 ]; then
    hw_interval=0.001
else
    hw_interval=$PERIOD
fi
fping_period=$(awk -v p="$PERIOD" 'BEGIN { printf "%d", p * 1000 }')
timeout_s=$(awk -v t="$TIMEOUT_MS" 'BEGIN { printf "%g", t / 1000 }')

# last_addr N: the N-th address from 198.19.0.0 (N >= 1).
last_addr() {
    _i=$(($1 - 1))
    printf '198.19.%d.%d' $((_i / 256)) $((_i % 256))
}

# measure OUT TIMEFILE CMD...: run CMD in the lab client under GNU time.
measure() {
    _out=$1
    _tf=$2
    shift 2
    ip netns exec "$LAB_NS_CLIENT" "$gnutime" -o "$_tf" -f '%e %U %S %M' "$@" >"$_out" \
        2>"$_out.err"
}

# row N TOOL TIMEFILE ALIVE: one line of the table.
row() {
    awk -v n="$1" -v tool="$2" -v alive="$4" '{
        printf "%9d  %-9s %8.2f %8.2f %12d %9d\n", n, tool, $1, $2 + $3, $4, alive }' "$3"
}

printf 'hopwatch %s vs %s\n' "$("$HOPWATCH" --version | cut -d' ' -f2)" "$("$fping" -v)"
printf 'settings: %s probe(s) per target, timeout %s ms, %s probes/s, ICMP echo 56 bytes,\n' \
    "$COUNT" "$TIMEOUT_MS" "$RATE"
printf '  hopwatch --ping --csv -c %s -Z %s -i %s --pps %s -g FIRST LAST\n' "$COUNT" \
    "$timeout_s" "$hw_interval" "$RATE"
printf '  fping -q -c %s -t %s -i %s -p %s -g FIRST LAST\n' "$COUNT" "$TIMEOUT_MS" \
    "$fping_gap" "$fping_period"
printf '  in lab %s (many: client - r1 - target answering 198.19.0.0/16), FIRST 198.19.0.0\n\n' \
    "$LAB_ID"
printf '%9s  %-9s %8s %8s %12s %9s\n' addresses tool wall_s cpu_s peak_rss_kB alive
mem=""
for n in $SIZES; do
    [ "$n" -ge 1 ] && [ "$n" -le 65536 ] || fail "size $n: 1 to 65536 addresses"
    last=$(last_addr "$n")
    measure "$dir/hw.csv" "$dir/hw.time" "$HOPWATCH" --ping --csv --show-memory -c "$COUNT" \
        -Z "$timeout_s" -i "$hw_interval" --pps "$RATE" -g 198.19.0.0 "$last"
    rc=$?
    [ "$rc" -le 1 ] || fail "hopwatch exited $rc: $(cat "$dir/hw.csv.err")"
    alive=$(awk -F, 'NR > 1 && $5 == "true"' "$dir/hw.csv" | wc -l)
    row "$n" hopwatch "$dir/hw.time" "$alive"
    mem="$mem
$(grep '^hopwatch: memory:' "$dir/hw.csv.err")"

    measure "$dir/fping.out" "$dir/fping.time" "$fping" -q -c "$COUNT" -t "$TIMEOUT_MS" \
        -i "$fping_gap" -p "$fping_period" -g 198.19.0.0 "$last"
    rc=$?
    [ "$rc" -le 1 ] || fail "fping exited $rc: $(tail -n 3 "$dir/fping.out.err")"
    alive=$(grep -Ec 'xmt/rcv/%loss = [0-9]+/[1-9]' "$dir/fping.out.err")
    row "$n" fping "$dir/fping.time" "$alive"
done
printf '%s\n' "$mem"
