# tui.sh - helpers of the tmux-driven screen tests (tests/tui/*.test), sourced after
# tests/lab/common.sh ('. "$(dirname "$0")/tui.sh"').  POSIX sh.
#
# hopwatch runs in a tmux pane whose server lives in the lab's client namespace, so the
# program sees the lab's network and hosts file.  The pane runs a small script that records
# the tty modes before and after hopwatch, its exit status and its PID, then sleeps, so the
# pane (and its tty) stay for inspection after hopwatch has ended.  Every wait is a bounded
# poll of the screen; nothing sleeps blindly before an assertion.
# shellcheck shell=sh

command -v tmux >/dev/null 2>&1 || lab_skip "tmux is not installed"

TUI_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hwtui.XXXXXX") || fail "mktemp failed"
# The server's socket lives in the test's own directory (tmux leaves its socket file
# behind after kill-server), so the clean-up removes it and parallel tests never meet.
TUI_SOCK=$TUI_DIR/tmux.sock

tmux_() {
    timeout 10 tmux -S "$TUI_SOCK" -f /dev/null "$@"
}

# The EXIT trap: the tmux server first (it holds processes in the lab), then the lab.
tui_cleanup() {
    tmux_ kill-server >/dev/null 2>&1
    rm -rf "$TUI_DIR"
    lab_down
}

# lab_up with the tmux clean-up added to its trap.
tui_lab_up() {
    lab_up "$@"
    trap 'tui_cleanup' EXIT
}

# tui_start COLS ROWS [ENV=VALUE...] -- ARGS...: starts hopwatch ARGS in a new pane of
# COLS x ROWS (any earlier one is ended first), with TERM=screen-256color (what tmux
# emulates, so keys such as Home and End arrive as terminfo says) and the given environment
# (LANG, NO_COLOR ...), and waits until its screen shows the title.
tui_start() {
    _cols=$1
    _rows=$2
    shift 2
    _env="TERM=screen-256color"
    while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
        _env="$_env $1"
        shift
    done
    [ "$1" = -- ] && shift
    tmux_ kill-server >/dev/null 2>&1
    rm -f "$TUI_DIR/pid" "$TUI_DIR/rc" "$TUI_DIR/stty.before" "$TUI_DIR/stty.after" \
        "$TUI_DIR/stderr"
    {
        # Ctrl-C must reach hopwatch only (it installs its own handler).
        printf "trap '' INT\n"
        printf 'stty -g >%s/stty.before\n' "$TUI_DIR"
        printf "sh -c 'echo \$\$ >%s/pid; exec env %s \"\$0\" \"\$@\"' %s" "$TUI_DIR" "$_env" \
            "$HOPWATCH"
        printf ' %s' "$@"
        printf ' 2>%s/stderr\n' "$TUI_DIR"
        printf 'echo $? >%s/rc\n' "$TUI_DIR"
        printf 'stty -g >%s/stty.after\n' "$TUI_DIR"
        printf 'exec sleep 3600\n'
    } >"$TUI_DIR/run.sh"
    ip netns exec "$LAB_NS_CLIENT" timeout 10 tmux -S "$TUI_SOCK" -f /dev/null new-session -d \
        -x "$_cols" -y "$_rows" "sh $TUI_DIR/run.sh" || fail "tmux new-session failed"
    tui_wait 10 "the screen" tui_has 'hopwatch: ' ||
        fail "hopwatch did not start: $(cat "$TUI_DIR/stderr" 2>/dev/null)"
}

# The pane as text.
tui_screen() {
    tmux_ capture-pane -p
}

# The pane with its colours and attributes as escape sequences.
tui_screen_e() {
    tmux_ capture-pane -p -e
}

# tui_has TEXT: true when the pane shows TEXT (a fixed string).
tui_has() {
    tui_screen | grep -qF -- "$1"
}

# tui_keys KEY...: tmux send-keys (key names: Tab Enter Up Down Space C-c C-l ...).
tui_keys() {
    tmux_ send-keys "$@" || fail "send-keys $* failed"
}

# tui_wait SECS WHAT CMD [ARGS...]: polls CMD every 0.1 s until it succeeds; false (with a
# note and the screen) after SECS seconds.
tui_wait() {
    _secs=$1
    _what=$2
    shift 2
    _n=0
    while [ "$_n" -lt $((_secs * 10)) ]; do
        "$@" && return 0
        sleep 0.1
        _n=$((_n + 1))
    done
    note "waited $_secs s for $_what; the screen:"
    tui_screen
    return 1
}

# tui_expect SECS TEXT: fails the test unless TEXT shows within SECS seconds.
tui_expect() {
    tui_wait "$1" "'$2'" tui_has "$2" || fail "'$2' did not appear"
}

# tui_gone SECS TEXT: fails the test unless TEXT is gone within SECS seconds.
tui_gone() {
    tui_wait "$1" "'$2' to go" tui_not_has "$2" || fail "'$2' is still shown"
}

tui_not_has() {
    ! tui_has "$1"
}

# The hop rows of the trace view: "TTL HOST LOSS SNT", one line each.
tui_hops() {
    tui_screen | awk '$1 ~ /^[0-9]+\.$/ { sub(/\.$/, "", $1); print $1, $2, $3, $4 }'
}

# tui_snt TTL: Snt of hop TTL now (empty if the row is not shown).
tui_snt() {
    tui_hops | awk -v t="$1" '$1 == t { print $4 }'
}

# tui_hosts_shown LIST: true when the hop rows show exactly the addresses (or names) of
# LIST, in order.
tui_hosts_shown() {
    [ "$(tui_hops | awk '{ printf "%s ", $2 }')" = "$1 " ]
}

# hopwatch's PID in the pane, and whether it still runs.
tui_pid() {
    cat "$TUI_DIR/pid" 2>/dev/null
}

tui_running() {
    [ ! -f "$TUI_DIR/rc" ]
}

tui_exited() {
    [ -f "$TUI_DIR/rc" ]
}

# tui_wait_exit SECS: waits until hopwatch has ended and the pane's script has read the tty
# modes after it; prints its exit status.
tui_wait_exit() {
    tui_wait "$1" "hopwatch to exit" test -s "$TUI_DIR/stty.after" >/dev/null ||
        fail "hopwatch did not exit"
    cat "$TUI_DIR/rc"
}

# The pane's tty modes, read from outside, as stty -a prints them.
tui_tty_modes() {
    stty -a -F "$(tmux_ display -p '#{pane_tty}')"
}

# tui_check_tty_restored: the modes after hopwatch equal those before, and echo and icanon
# are on.
tui_check_tty_restored() {
    _before=$(cat "$TUI_DIR/stty.before")
    _after=$(cat "$TUI_DIR/stty.after")
    [ "$_before" = "$_after" ] || fail "tty modes not restored: before $_before, after $_after"
    _modes=$(tui_tty_modes) || fail "cannot read the pane's tty modes"
    printf '%s\n' "$_modes" | tr ' ' '\n' | grep -qx echo || fail "echo is off: $_modes"
    printf '%s\n' "$_modes" | tr ' ' '\n' | grep -qx icanon || fail "icanon is off: $_modes"
}
