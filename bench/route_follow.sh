#!/bin/sh
# route_follow.sh - a demonstration, not a test: hopwatch and mtr side by side on the same
# 8-hop lab route while it changes, each in its own tmux pane in the client namespace, with
# their screens captured at the moments that matter:
#   1. outage: r4's link towards r5 goes down for 10 s (r4 answers "network unreachable");
#      captured 8 s into the outage and 5 s after the link is back;
#   2. shrink and grow: a shortcut r2-r5 makes the route 6 hops for 10 s, then goes;
#      captured 8 s into it and 5 s after;
#   3. a flapping route: the shortcut comes and goes every 4 s, four times; hopwatch's
#      timeline view ('l') captured at the end.
# Both tools probe once every INTERVAL seconds (default 0.5).
#
# Usage (root, from the source tree, after make):  sh bench/route_follow.sh
# Environment: HOPWATCH (default build/hopwatch), INTERVAL, LAB_ID (default rfbench).
# It installs mtr-tiny and tmux with apt-get when they are missing.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
HOPWATCH=${HOPWATCH:-$top/build/hopwatch}
LAB=$top/tests/lab/lab.sh
LABLIB=$top/tests/lab/common.sh
LAB_ID=${LAB_ID:-rfbench}
INTERVAL=${INTERVAL:-0.5}
export HOPWATCH LAB LABLIB LAB_ID
. "$LABLIB"
[ -x "$HOPWATCH" ] || fail "$HOPWATCH is not built (run make)"
lab_require_root
for p in mtr-tiny tmux; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$p" >/dev/null ||
        fail "cannot install $p"
done
dir=$(mktemp -d)
SOCK=$dir/tmux.sock
tm() { timeout 10 tmux -S "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server >/dev/null 2>&1; rm -rf "$dir"; lab_down' EXIT
lab_up chain 8

# start NAME CMD...: a 100x30 pane running CMD in the client namespace.
start() {
    name=$1
    shift
    if tm has-session 2>/dev/null; then
        ip netns exec "$LAB_NS_CLIENT" timeout 10 tmux -S "$SOCK" -f /dev/null new-window -d \
            -t main -n "$name" "env TERM=screen-256color $*"
    else
        ip netns exec "$LAB_NS_CLIENT" timeout 10 tmux -S "$SOCK" -f /dev/null new-session -d \
            -s main -n "$name" -x 100 -y 30 "env TERM=screen-256color $*"
    fi
}

# show WHAT: both screens now.
show() {
    for w in hopwatch mtr; do
        printf '\n=== %s: %s\n' "$w" "$1"
        tm capture-pane -p -t "main:$w" | sed -e 's/[[:space:]]*$//' | awk 'NF || n++ < 1'
    done
}

start hopwatch "$HOPWATCH" -n -4 -i "$INTERVAL" target.lab
start mtr mtr -n -4 -i "$INTERVAL" target.lab
sleep 8
show "steady (8 s in)"

lab_sh link r4 r5 down || fail "link down"
sleep 8
show "8 s into the outage (r4's link to r5 down)"
sleep 2
lab_sh link r4 r5 up || fail "link up"
sleep 5
show "5 s after the link came back"

lab_sh shortcut r2 r5 add || fail "shortcut add"
sleep 8
show "8 s into the shortcut r2-r5 (6 hops)"
sleep 2
lab_sh shortcut r2 r5 del || fail "shortcut del"
sleep 5
show "5 s after the shortcut went (8 hops)"

for i in 1 2 3 4; do
    lab_sh shortcut r2 r5 add || fail "shortcut add"
    sleep 4
    lab_sh shortcut r2 r5 del || fail "shortcut del"
    sleep 4
done
tm send-keys -t main:hopwatch l
sleep 1
printf '\n=== hopwatch timeline after a route that flapped four times\n'
tm capture-pane -p -t main:hopwatch | sed -e 's/[[:space:]]*$//'
