#!/bin/sh
# tools/dev.sh - one entry point for a fresh Debian machine (run as root):
#   tools/dev.sh demo [TARGET]  install what is needed, build, bring up a lab
#                               route in network namespaces and run
#                               `hopwatch --report` across it (or, with
#                               TARGET, against that real host)
#   tools/dev.sh test           install what is needed, build, and run every
#                               test: unit, lab, the sanitizer build, the
#                               fuzzers (FUZZ_SECONDS each), distcheck
#   tools/dev.sh deps | build   the first steps alone
set -eu

cd "$(dirname "$0")/.."
TOP=$(pwd)

# Build and test dependencies, all Debian packages.  jq and python3 are for
# tests that check JSON output; locales for the decimal-comma locale that
# tests/lab/locale.test runs hopwatch under.
DEPS="build-essential autoconf automake libtool pkg-config libncurses-dev \
libcap-dev libcap2-bin libseccomp-dev libc-ares-dev libcmocka-dev iproute2 iptables tmux jq python3 \
dnsmasq-base iputils-ping clang libclang-rt-14-dev locales"

need_root() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "tools/dev.sh: run as root (apt-get and network namespaces need it)" >&2
        exit 1
    fi
}

deps() {
    need_root
    missing=""
    for p in $DEPS; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        echo "== installing:$missing"
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
    fi
    test_locale
}

# A decimal-comma locale (de_DE.UTF-8) for tests/lab/locale.test: enabled in
# /etc/locale.gen and generated, only when it is missing.
test_locale() {
    if ! locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\{0,1\}8'; then
        echo "== generating the de_DE.UTF-8 locale"
        sed -i 's/^# *de_DE.UTF-8 UTF-8/de_DE.UTF-8 UTF-8/' /etc/locale.gen
        locale-gen
    fi
}

# build DIR [CONFIGURE FLAGS...]: an out-of-tree build in DIR.
build() {
    dir=$1
    shift
    [ -x configure ] || ./autogen.sh
    mkdir -p "$dir"
    (cd "$dir" && { [ -f Makefile ] || ../configure "$@"; } && make -j"$(nproc)")
}

demo() {
    deps
    build build --enable-werror
    if [ $# -gt 0 ]; then
        exec build/hopwatch --report "$@"
    fi
    LAB_ID=demo
    export LAB_ID
    trap 'tests/lab/lab.sh down >/dev/null 2>&1 || true' EXIT INT TERM
    tests/lab/lab.sh up chain 6
    echo "== hopwatch --report across a 6-hop lab route (IPv4, then IPv6)"
    tests/lab/lab.sh exec c "$TOP/build/hopwatch" --report -c 5 -i 0.2 target.lab
    tests/lab/lab.sh exec c "$TOP/build/hopwatch" --report -c 5 -i 0.2 -6 target.lab
}

test_all() {
    deps
    # The sanitizer build first, then distcheck, then the plain build, so
    # the last thing printed is the test runner's summary.
    build build-asan --enable-werror --enable-sanitizers
    check build-asan check
    build build --enable-werror
    # Every parser under libFuzzer for a bounded time.
    check build fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-15}"
    check build distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror
    check build check
}

# check DIR TARGET...: run make, and show the logs of what failed.
check() {
    dir=$1
    shift
    if ! (cd "$dir" && make "$@"); then
        find "$dir" -name 'test-suite.log' -newer "$dir/Makefile" -exec cat {} + >&2 || true
        echo "tools/dev.sh: 'make $*' failed in $dir" >&2
        exit 1
    fi
}

case "${1:-}" in
deps) deps ;;
build) deps && build build --enable-werror ;;
demo) shift && demo "$@" ;;
test) test_all ;;
*)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    exit 1
    ;;
esac
