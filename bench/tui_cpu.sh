#!/bin/sh
# tui_cpu.sh - a benchmark, not a test: the CPU time hopwatch's interactive screen uses
# over a fixed run, in a tmux pane inside the lab, on a 30-hop chain:
#   1. the trace view of one target (30 hops);
#   2. the hosts view of 100 targets, each 30 hops away (the chain's target answers for
#      100 addresses of its link);
#   3. the same 100 targets paused (the idle cost: the clock tick only).
# Usage (root, from the source tree, after make):
#   sh bench/tui_cpu.sh [SECONDS]        (default 60 s per run; HOPWATCH=path overrides)
# Prints one line per run: CPU seconds (user + system) and percent of one CPU.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
HOPWATCH=${HOPWATCH:-$top/build/hopwatch}
LAB=$top/tests/lab/lab.sh
LABLIB=$top/tests/lab/common.sh
LAB_ID=${LAB_ID:-tbench}
export HOPWATCH LAB LABLIB LAB_ID
secs=${1:-60}
. "$LABLIB"
[ -x "$HOPWATCH" ] || fail "$HOPWATCH is not built (run make)"
lab_require_root
command -v tmux >/dev/null 2>&1 || fail "tmux is not installed"
dir=$(mktemp -d) || fail "mktemp failed"
sock=$dir/tmux.sock
tmx() {
    timeout 10 tmux -S "$sock" -f /dev/null "$@"
}
lab_up chain 30
trap 'tmx kill-server >/dev/null 2>&1; rm -rf "$dir"; lab_down' EXIT

# 99 more addresses on the target's link: every router already routes the link's /24
# toward r29, so each is a 30-hop target like 198.18.29.2 itself.
targets=$LAB_TARGET4
i=3
while [ "$i" -le 101 ]; do
    lab_exec t ip addr add "198.18.29.$i/24" dev to-r29 || fail "ip addr add 198.18.29.$i failed"
    targets="$targets 198.18.29.$i"
    i=$((i + 1))
done

hz=$(getconf CLK_TCK)
# CPU ticks (user + system) of a process.
ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# run NAME KEYS ARGS...: hopwatch ARGS in a 120x40 pane; after a 5 s warm-up (and KEYS,
# if not "-"), measure for $secs seconds.
run() {
    _name=$1
    _keys=$2
    shift 2
    tmx kill-server >/dev/null 2>&1
    rm -f "$dir/pid"
    printf "sh -c 'echo \$\$ >%s/pid; exec env TERM=screen-256color \"\$0\" \"\$@\"' %s %s\n" \
        "$dir" "$HOPWATCH" "$*" >"$dir/run.sh"
    printf 'exec sleep 3600\n' >>"$dir/run.sh"
    ip netns exec "$LAB_NS_CLIENT" timeout 10 tmux -S "$sock" -f /dev/null new-session -d \
        -x 120 -y 40 "sh $dir/run.sh" || fail "tmux failed"
    _n=0
    while [ ! -s "$dir/pid" ] && [ "$_n" -lt 100 ]; do
        sleep 0.1
        _n=$((_n + 1))
    done
    _pid=$(cat "$dir/pid") || fail "hopwatch did not start"
    sleep 5
    [ "$_keys" = - ] || tmx send-keys "$_keys"
    sleep 1
    _t0=$(ticks "$_pid") || fail "hopwatch ended early"
    sleep "$secs"
    _t1=$(ticks "$_pid") || fail "hopwatch ended early"
    tmx capture-pane -p | head -n 6 >"$dir/screen"
    tmx send-keys q
    awk -v n="$_name" -v d=$((_t1 - _t0)) -v hz="$hz" -v s="$secs" 'BEGIN {
        printf "%-44s %6.2f s CPU over %d s = %5.2f%% of one CPU\n", n, d / hz, s,
            100 * d / hz / s }'
}

printf 'hopwatch TUI CPU use, %s s per run, 30-hop chain, interval 1 s (%s)\n' "$secs" \
    "$(uname -r)"
run "trace view, 1 target x 30 hops:" - -n -4 "$LAB_TARGET4"
run "hosts view, 100 targets x 30 hops:" - -n -4 $targets
grep -q '100 targets' "$dir/screen" || fail "the hosts view did not show 100 targets"
awk '$1 == ">" { exit !($(NF - 1) == 30 || $NF == 30) }' "$dir/screen" ||
    fail "the first target is not 30 hops away: $(cat "$dir/screen")"
run "hosts view, 100 targets, paused (idle):" p -n -4 $targets
