#!/bin/sh
# accuracy.sh - a benchmark, not a test: how true the numbers are, hopwatch beside mtr and
# fping, on the same lab, one tool at a time.
#
# 1. RTT: an 8-hop chain where router 3 holds what it forwards 10 ms and router 5 holds it
#    5 ms, each way (labtool's TUN delay element), so the extra RTT of hops 1-8 is
#    0 0 0 20 20 30 30 30 ms.  hopwatch and mtr trace the target; fping pings every hop's
#    address (its RTT crosses the same delay elements).  For each hop and tool: the mean
#    RTT, its error against the configured delay, and the standard deviation.  The error
#    at the undelayed hops is the whole overhead a tool adds to the path's RTT there (the
#    lab's own path costs a few microseconds).
# 2. Loss: the lossy route (router 3 drops 20% of what it forwards, router 5 never
#    answers) with the kernel's default ICMP rate limits.  The true forwarding loss is 0 at
#    hops 1-2 and 20% from hop 3 on; mtr's Loss% and hopwatch's raw Loss%, Fwd% and verdict
#    side by side, and the target's loss each measured.
#
# Usage (root, from the source tree, after make):
#   sh bench/accuracy.sh
#   COUNT=300 LOSS_COUNT=400 sh bench/accuracy.sh
# Environment: HOPWATCH (default build/hopwatch), LABTOOL (default build/tests/lab/labtool),
# COUNT probes per hop in part 1 (default 200), LOSS_COUNT in part 2 (default 900: the
# rate-limited routers are paced to about 0.5 probes per second, and hopwatch needs some 35
# of their answers to clear them and place the loss),
# INTERVAL seconds between rounds for every tool (default 0.1), LAB_ID (default abench).
# It installs mtr-tiny, fping and jq with apt-get when they are missing.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
HOPWATCH=${HOPWATCH:-$top/build/hopwatch}
LABTOOL=${LABTOOL:-$top/build/tests/lab/labtool}
LAB=$top/tests/lab/lab.sh
LABLIB=$top/tests/lab/common.sh
LAB_ID=${LAB_ID:-abench}
export HOPWATCH LABTOOL LAB LABLIB LAB_ID
COUNT=${COUNT:-200}
LOSS_COUNT=${LOSS_COUNT:-900}
INTERVAL=${INTERVAL:-0.1}
. "$LABLIB"
[ -x "$HOPWATCH" ] || fail "$HOPWATCH is not built (run make)"
lab_require_root
lab_labtool

if ! command -v mtr >/dev/null 2>&1 || ! command -v fping >/dev/null 2>&1 ||
    ! command -v jq >/dev/null 2>&1; then
    note "installing mtr-tiny, fping and jq (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y mtr-tiny fping jq >/dev/null 2>&1 ||
        fail "apt-get install mtr-tiny fping jq failed"
fi
dir=$(mktemp -d) || fail "mktemp failed"
trap 'rm -rf "$dir"; lab_down' EXIT
fping_ms=$(awk -v i="$INTERVAL" 'BEGIN { printf "%d", i * 1000 }')

# ---- 1. RTT against known delays --------------------------------------------------------
lab_up chain 8 --delay 3:10 --delay 5:5
note "RTT: $COUNT probes per hop, interval $INTERVAL s; mtr $(mtr --version | awk '{print $2}')," \
    "fping $(fping --version | awk '{print $NF}')"
lab_timeout 600 lab_exec c "$HOPWATCH" --json -n -4 -c "$COUNT" -i "$INTERVAL" -Z 1 \
    target.lab >"$dir/hw.json" 2>"$dir/hw.err" || fail "hopwatch failed: $(cat "$dir/hw.err")"
lab_timeout 600 lab_exec c mtr --json -n -4 -c "$COUNT" -i "$INTERVAL" "$LAB_TARGET4" \
    >"$dir/mtr.json" 2>"$dir/mtr.err" || fail "mtr failed: $(cat "$dir/mtr.err")"
# fping -C prints every probe's RTT per target on stderr; -p is the gap between one
# target's probes, -i between any two (1 ms: 8 targets fit well inside -p).
# shellcheck disable=SC2086 # the hop list is split on purpose
lab_timeout 600 lab_exec c fping -C "$COUNT" -p "$fping_ms" -i 1 -t 1000 -q $LAB_HOPS4 \
    >"$dir/fping.out" 2>"$dir/fping.txt"

# hw_hop K: "avg sd" of hopwatch's hop K.
hw_hop() {
    jq -r ".targets[0].hops[$(($1 - 1))] | \"\(.avg_ms) \(.stddev_ms)\"" "$dir/hw.json"
}
mtr_hop() {
    jq -r ".report.hubs[$(($1 - 1))] | \"\(.Avg) \(.StDev)\"" "$dir/mtr.json"
}
# fping_hop ADDR: "mean sd" of the RTTs fping printed for ADDR (lost probes are "-").
fping_hop() {
    awk -v a="$1" '$1 == a { n = 0; s = 0; ss = 0
        for (i = 3; i <= NF; i++) if ($i != "-") { n++; s += $i; ss += $i * $i }
        if (n == 0) { print "- -"; exit }
        m = s / n; v = n > 1 ? (ss - n * m * m) / (n - 1) : 0
        printf "%.3f %.3f\n", m, sqrt(v > 0 ? v : 0) }' "$dir/fping.txt"
}
# cell MEAN SD EXPECTED: "mean  error  sd" for the table.
cell() {
    awk -v m="$1" -v s="$2" -v e="$3" 'BEGIN {
        if (m == "-" || m == "null") { printf "%8s %8s %7s", "-", "-", "-"; exit }
        printf "%8.3f %+8.3f %7.3f", m, m - e, s }'
}

printf '\nRTT (ms) against configured delays: mean, error (mean - configured), stddev\n'
printf '%-4s %5s | %-25s | %-25s | %-25s\n' hop conf hopwatch mtr fping
printf '%-4s %5s | %8s %8s %7s | %8s %8s %7s | %8s %8s %7s\n' "" "" mean error sd mean error sd \
    mean error sd
: >"$dir/err"
for k in 1 2 3 4 5 6 7 8; do
    want=$(lab_word "$LAB_EXPECT_RTT_MS" $k)
    addr=$(lab_word "$LAB_HOPS4" $k)
    # shellcheck disable=SC2046 # "mean sd" pairs are split on purpose
    line=$(printf '%-4s %5s | %s | %s | %s' "$k" "$want" \
        "$(cell $(hw_hop $k) "$want")" "$(cell $(mtr_hop $k) "$want")" \
        "$(cell $(fping_hop "$addr") "$want")")
    printf '%s\n' "$line"
    printf '%s\n' "$line" >>"$dir/err"
done
# Mean |error| and mean sd per tool over the 8 hops.
awk -F'|' '{ for (t = 2; t <= 4; t++) { split($t, f, " ")
        if (f[1] != "-") { e[t] += (f[2] < 0 ? -f[2] : f[2]); s[t] += f[3]; n[t]++ } } }
    END { printf "%-10s | %8s %8.3f %7.3f | %8s %8.3f %7.3f | %8s %8.3f %7.3f\n",
        "mean |err|", "", e[2] / n[2], s[2] / n[2], "", e[3] / n[3], s[3] / n[3],
        "", e[4] / n[4], s[4] / n[4] }' "$dir/err"
lab_down

# ---- 2. loss on a rate-limited route ----------------------------------------------------
lab_up --keep-ratelimits lossy
note "loss: $LOSS_COUNT rounds at $INTERVAL s, kernel ICMP rate limits kept; mtr first," \
    "then hopwatch (never both at once: they would share the routers' limits)"
lab_timeout 600 lab_exec c mtr --json -n -4 -c "$LOSS_COUNT" -i "$INTERVAL" "$LAB_TARGET4" \
    >"$dir/mtr2.json" 2>"$dir/mtr2.err" || fail "mtr failed: $(cat "$dir/mtr2.err")"
lab_timeout 600 lab_exec c "$HOPWATCH" --json -n -4 -c "$LOSS_COUNT" -i "$INTERVAL" -Z 1 \
    target.lab >"$dir/hw2.json" 2>"$dir/hw2.err" || fail "hopwatch failed: $(cat "$dir/hw2.err")"

# pct X: a percentage with one decimal, "-" for null.
pct() {
    awk -v x="$1" 'BEGIN { if (x == "null" || x == "") print "-"; else printf "%.1f\n", x }'
}
printf '\nLoss (%%) on the lossy route, kernel rate limits: true forwarding loss vs shown\n'
printf '%-4s %-12s %6s | %7s | %7s %7s %7s  %s\n' hop host true mtr hw-raw hw-fwd hw-sent \
    "hopwatch verdict"
for k in 1 2 3 4 5 6 7 8; do
    if [ "$k" -lt "$LAB_LOSS_HOP" ]; then
        true_loss=0
    else
        true_loss=$(awk -v p="$LAB_LOSS" 'BEGIN { printf "%g", 100 * p }')
    fi
    m=$(jq -r ".report.hubs[] | select(.count == $k) | .\"Loss%\"" "$dir/mtr2.json")
    h=$(jq -r ".targets[0].hops[$((k - 1))] | \"\(.loss_pct) \(.forward_loss_pct) \(.sent) \(.verdict)\"" \
        "$dir/hw2.json")
    # shellcheck disable=SC2086
    set -- $h
    host=$(lab_word "$LAB_HOPS4" $k)
    [ "$k" = "$LAB_SILENT_HOP" ] && host="(silent)"
    printf '%-4s %-12s %6s | %7s | %7s %7s %7s  %s\n' "$k" "$host" "$true_loss" \
        "${m:--}" "$(pct "$1")" "$(pct "$2")" "$3" "$4"
done
