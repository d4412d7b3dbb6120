# common.sh - helpers every hopwatch lab test sources (". "$LABLIB"").
# POSIX sh: automake runs the tests with $SHELL, which need not be bash.  The environment
# provides HOPWATCH (the built program), LAB (lab.sh), LABLIB (this file) and LABTOOL (the
# lab's helper program, tests/lab/labtool, for --delay and --tcp-listen).
# shellcheck shell=sh

# Prints a line to the test log.
note() {
    printf 'NOTE: %s\n' "$*"
}

# Ends the test as failed (the EXIT trap of lab_up still removes the lab).
fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

# Ends the test as skipped (automake: exit status 77).
lab_skip() {
    printf 'SKIP: %s\n' "$*"
    exit 77
}

if [ -z "${LAB:-}" ] && [ -n "${LABLIB:-}" ]; then
    LAB=$(dirname "$LABLIB")/lab.sh
fi

# The lab ID: a test run under "make -j" must not share namespaces with another test, nor
# with the same test of another build tree (distcheck, a sanitizer build) running at the
# same time, so unless LAB_ID is set it is derived from the test's name and the directory
# it runs in (cksum, 6 digits at most).
if [ -z "${LAB_ID:-}" ]; then
    LAB_ID=$(printf '%s/%s' "$(pwd)" "$(basename "$0")" | cksum | cut -d' ' -f1)
    LAB_ID=$((LAB_ID % 1000000))
fi
export LAB_ID

# Runs lab.sh through bash, so that neither its mode bits nor $SHELL matter.
lab_sh() {
    bash "$LAB" "$@"
}

# Skips the test unless it can build labs: root, the tools lab.sh needs, and a network
# namespace that can really be created (and holds an iptables table).
lab_require_root() {
    if [ "$(id -u)" != 0 ]; then
        lab_skip "lab tests need root (they build network namespaces)"
    fi
    for _lab_tool in bash ip iptables ip6tables sysctl timeout; do
        command -v "$_lab_tool" >/dev/null 2>&1 || lab_skip "$_lab_tool is not installed"
    done
    if [ -z "${LAB:-}" ] || [ ! -f "$LAB" ]; then
        fail "LAB does not name tests/lab/lab.sh (LAB='${LAB:-}')"
    fi
    # A namespace of this test's own ID, created and removed by its exact name.
    _lab_probe=hwl$LAB_ID-probe
    if [ -e "/run/netns/$_lab_probe" ]; then
        timeout 10 ip netns del "$_lab_probe" 2>/dev/null
    fi
    if ! timeout 10 ip netns add "$_lab_probe" 2>/dev/null; then
        lab_skip "cannot create network namespaces (ip netns add failed)"
    fi
    if ! timeout 10 ip netns exec "$_lab_probe" iptables -w 10 -t mangle -S >/dev/null 2>&1
    then
        timeout 10 ip netns del "$_lab_probe" 2>/dev/null
        lab_skip "iptables does not work inside a network namespace"
    fi
    timeout 10 ip netns del "$_lab_probe" || fail "cannot remove namespace $_lab_probe"
}

# Removes the lab (the EXIT trap of lab_up).  LAB_KEEP=1 leaves it up for a post mortem.
lab_down() {
    if [ "${LAB_KEEP:-0}" = 1 ]; then
        note "LAB_KEEP=1: lab $LAB_ID left up; remove it with: $LAB --id $LAB_ID down"
        return 0
    fi
    lab_sh down || printf 'WARNING: lab.sh down failed for lab %s\n' "$LAB_ID" >&2
}

# lab_up [--dns] [--keep-ratelimits] TOPOLOGY [ARGS...]: builds the lab, makes sure it goes
# away however the test ends, and loads its description (LAB_HOPS4, LAB_TARGET4, ... see
# tests/lab/README).  The leading options are lab.sh's global ones.
lab_up() {
    _lab_glob=""
    while :; do
        case ${1:-} in
        --dns | --keep-ratelimits)
            _lab_glob="$_lab_glob $1"
            shift
            ;;
        *) break ;;
        esac
    done
    trap 'lab_down' EXIT
    trap 'exit 129' HUP
    trap 'exit 130' INT
    trap 'exit 143' TERM
    # shellcheck disable=SC2086 # _lab_glob holds whole options, split on purpose
    _lab_out=$(lab_sh $_lab_glob up "$@" 2>&1) || fail "lab.sh$_lab_glob up $*: $_lab_out"
    _lab_out=$(lab_sh env) || fail "lab.sh env failed"
    eval "$_lab_out"
    note "lab $LAB_ID up: $LAB_TOPOLOGY${LAB_ARGS:+ $LAB_ARGS} ($LAB_HOPS hops," \
        "target $LAB_TARGET4 $LAB_TARGET6)"
}

# lab_exec NODE CMD [ARGS...]: runs CMD in the lab's namespace of NODE (c, r1, t, ...).
lab_exec() {
    lab_sh exec "$@"
}

# lab_labtool: skips the test unless labtool (needed by --delay and --tcp-listen) is built;
# sets and exports LABTOOL ($LABTOOL, else build/tests/lab/labtool beside the source tree,
# where lab.sh looks too).
lab_labtool() {
    if [ -z "${LABTOOL:-}" ] && [ -n "${LAB:-}" ]; then
        _lab_t=$(dirname "$LAB")/../../build/tests/lab/labtool
        if [ -x "$_lab_t" ]; then LABTOOL=$_lab_t; fi
    fi
    if [ -z "${LABTOOL:-}" ] || [ ! -f "$LABTOOL" ] || [ ! -x "$LABTOOL" ]; then
        lab_skip "labtool is not built (LABTOOL='${LABTOOL:-}'; make check builds it)"
    fi
    export LABTOOL
}

# lab_require_dnsmasq: skips the test unless dnsmasq (for lab_up --dns) is installed.
lab_require_dnsmasq() {
    if ! command -v dnsmasq >/dev/null 2>&1 && [ ! -x /usr/sbin/dnsmasq ]; then
        lab_skip "dnsmasq is not installed (Debian package dnsmasq-base)"
    fi
}

# lab_dns stop|start|pause|resume: stops / starts / silences / wakes the client's DNS
# server of a lab built with --dns (lab.sh dns).
lab_dns() {
    lab_sh dns "$@"
}

# lab_near VALUE EXPECTED TOLERANCE: true when |VALUE - EXPECTED| <= TOLERANCE (decimal
# numbers, e.g. a measured RTT in ms against a word of LAB_EXPECT_RTT_MS).
lab_near() {
    awk -v v="$1" -v e="$2" -v t="$3" 'BEGIN {
        if (v !~ /^-?[0-9]+(\.[0-9]+)?$/) exit 1
        d = v - e; if (d < 0) d = -d; exit !(d <= t) }'
}

# lab_timeout SECS CMD [ARGS...]: runs CMD with a time limit (KILL 5 s after TERM) and
# says so when the limit fired.  CMD may be lab_exec (functions cannot be run by timeout).
lab_timeout() {
    _lab_secs=$1
    shift
    if [ "$1" = lab_exec ]; then
        shift
        set -- bash "$LAB" exec "$@"
    fi
    timeout -k 5 "$_lab_secs" "$@"
    _lab_rc=$?
    if [ "$_lab_rc" = 124 ] || [ "$_lab_rc" = 137 ]; then
        printf 'TIMEOUT: still running after %s s, killed: %s\n' "$_lab_secs" "$*" >&2
    fi
    return "$_lab_rc"
}

# lab_word LIST N: prints word N (1-based) of a space-separated list such as LAB_HOPS4.
lab_word() {
    printf '%s\n' "$1" | tr -s ' ' '\n' | sed -n "${2}p"
}

# lab_matches VALUE ALTERNATIVES: true when VALUE is one of the "|"-separated alternatives
# (the form LAB_HOPS4 and LAB_NAMES use for ECMP hops).
lab_matches() {
    case "|$2|" in
    *"|$1|"*) return 0 ;;
    esac
    return 1
}
