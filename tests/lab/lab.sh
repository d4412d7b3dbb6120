#!/bin/bash
# lab.sh - builds and removes hopwatch's test networks in Linux network namespaces.
# Every lab test, the README demo and the benchmarks use it; tests/lab/README has the details.
#
# Only bash, iproute2, iptables/ip6tables, coreutils, util-linux (setsid) and sysctl are used:
# CI machines may have nothing else.  The options that need more say so: --delay and
# --tcp-listen run our own tests/lab/labtool (built by "make check"), --dns runs dnsmasq.
# Addresses come only from 198.18.0.0/15 and 2001:2::/48, no namespace ever gets a default
# route, and nothing is sent from the root namespace.

set -u
set -o pipefail

PROG=lab.sh
RUN_BASE=/run/hwlab
ETC_NETNS=/etc/netns
# Every external command gets this time limit (seconds) so that a stuck tool cannot hang
# a test run; the lab commands themselves take milliseconds.
CMD_TIMEOUT=30
# Where this script lives: labtool is looked for in the build directory beside it.
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd) || exit 1
# The delay element's TUN device in a router, its routing table and rule priorities.
DLY_DEV=dly
DLY_TABLE=200
DLY_PREF=90
# Limits of --delay (milliseconds, per direction) and of the background helpers' start.
DLY_MAX_MS=5000
START_TRIES=50

usage() {
    cat <<'EOF'
usage: lab.sh [--id ID] [--keep-ratelimits] [--dns] COMMAND ...

Commands:
  up TOPOLOGY [OPTIONS]   build a lab (an existing lab with this ID is removed first)
      chain N                                   client, N-1 routers, target (1 <= N <= 60)
      lossy [--hops N] [--loss-hop L] [--loss P] [--silent-hop S]
                                                defaults N=8 L=3 P=0.2 S=5 (0 disables L/S)
      unreachable [--hops N] [--at R] [--reject admin|net|host]
                                                defaults N=6 R=4 admin
      ecmp                                      c - r1 - {r2a|r2b} - r3 - t
      many [--prefix4 CIDR] [--prefix6 CIDR]    defaults 198.19.0.0/16 2001:2:0:100::/64
    options of every topology (repeatable):
      --delay HOP:MS[:JITTER]   router rHOP delays what it forwards by MS ms (+- JITTER ms)
                                in each direction (chain, lossy, unreachable; labtool)
      --tcp-listen PORT         the target accepts TCP connections on PORT (labtool)
      --mtu HOP:SIZE            router rHOP's link toward the target gets MTU SIZE (both
                                ends; 1280..1500: IPv6 needs 1280): rHOP answers larger
                                don't-fragment packets "fragmentation needed" / "packet
                                too big" (chain, lossy, unreachable)
      --mtu-blackhole HOP:SIZE  router rHOP silently drops what it forwards toward the
                                target when larger than SIZE bytes (iptables length
                                match, 1280..1500): a path MTU black hole
  down                    remove the lab (succeeds when nothing is up)
  exec NODE CMD [ARG...]  run CMD in namespace hwl<ID>-NODE; its exit code is passed through
  env                     print the lab description as shell assignments (safe to eval)
  list                    print the namespace names of this lab
  dns stop | dns start    stop / start the client's DNS server (a lab built with --dns)
  dns pause | dns resume  make it silent (queries taken, never answered) / answer again
  link A B down | up      take the link between neighbours A and B down (routes through it
                          go, as on a real router) / bring it up with its routes again
  shortcut A B add | del  chain topologies: a direct link A-B (A before B on the chain) that
                          both route through, so the route gets shorter; del removes it and
                          puts the chain's routes back

Options:
  --id ID             lab ID, ^[a-z0-9]{1,6}$ (default: $LAB_ID, else 0)
  --keep-ratelimits   keep the kernel's ICMP rate limits (default: lift them)
  --dns               up: the client's names come from dnsmasq on its 127.0.0.1:53 only
  -h, --help          this text

labtool is $LABTOOL, else build/tests/lab/labtool beside the source tree.

Namespaces are named hwl<ID>-<node>; the lab is recorded in /run/hwlab/<ID>/.
See tests/lab/README for the addressing and the variables printed by env.
EOF
}

die() {
    printf '%s: %s\n' "$PROG" "$*" >&2
    exit 1
}

# Runs a command under the time limit.
tmo() {
    timeout -k 2 "$CMD_TIMEOUT" "$@"
}

# Collapses command output to one line so that every error is a single stderr line.
one_line() {
    local s=$1
    s=${s//$'\n'/; }
    s=${s%; }
    printf '%s' "${s:-no output}"
}

# True when the named namespace exists (iproute2 keeps them in /run/netns).
ns_exists() {
    [ -e "/run/netns/$1" ] || [ -e "/var/run/netns/$1" ]
}

# mkdir -p that survives a concurrent lab's "rmdir if empty" of a shared parent directory.
mkdir_retry() {
    local i
    for i in 1 2 3 4 5; do
        mkdir -p -- "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    mkdir -p -- "$1"
}

# ---- teardown ------------------------------------------------------------------------------

# Ends the processes still running inside a namespace: they would keep it alive after its
# name is gone.  Bounded: TERM, up to 2 s of waiting, then KILL (three rounds, for children
# started meanwhile).
ns_kill_pids() {
    local ns=$1 i
    ns_pids "$ns" || return 0
    kill -TERM "${PIDS[@]}" 2>/dev/null
    for i in $(seq 1 20); do
        sleep 0.1
        ns_pids "$ns" || return 0
    done
    for i in 1 2 3; do
        kill -KILL "${PIDS[@]}" 2>/dev/null
        sleep 0.1
        ns_pids "$ns" || return 0
    done
    return 0
}

# Sets PIDS to the processes inside namespace $1, except this script and its parent (for a
# "lab.sh down" run inside the lab); fails when there are none.
PIDS=()
ns_pids() {
    local p out
    PIDS=()
    out=$(tmo ip netns pids "$1" 2>/dev/null) || return 1
    for p in $out; do
        [[ $p =~ ^[0-9]+$ ]] || continue
        [ "$p" = "$$" ] || [ "$p" = "$PPID" ] || PIDS+=("$p")
    done
    [ "${#PIDS[@]}" -gt 0 ]
}

# Removes exactly the namespaces recorded for lab $LAB_ID, their /etc/netns directories
# and the lab's record.  Names that do not look like ours are left alone.
teardown() {
    local dir=$RUN_BASE/$LAB_ID name out rc=0
    if [ -f "$dir/nodes" ]; then
        while IFS= read -r name || [ -n "$name" ]; do
            if ! [[ $name =~ ^hwl${LAB_ID}-[a-z0-9]{1,6}$ ]]; then
                printf '%s: ignoring unexpected entry %q in %s\n' "$PROG" "$name" \
                    "$dir/nodes" >&2
                continue
            fi
            if ns_exists "$name"; then
                ns_kill_pids "$name"
                if ! out=$(tmo ip netns del "$name" 2>&1); then
                    printf '%s: ip netns del %s: %s\n' "$PROG" "$name" "$(one_line "$out")" >&2
                    rc=1
                fi
            fi
            if [ -d "$ETC_NETNS/$name" ]; then
                rm -rf -- "${ETC_NETNS:?}/$name" || rc=1
            fi
        done <"$dir/nodes"
    fi
    if [ -d "$dir" ] && [ "$rc" = 0 ]; then
        # The files lab.sh writes there: the record, and the helpers' logs and DNS data.
        rm -f -- "$dir/nodes" "$dir/env" "$dir/env.tmp" "$dir/dns.hosts" "$dir/dns.conf" \
            "$dir/dns.log" "$dir/dns.pid" "$dir/dns.out" "$dir/tcp-listen.log" "$dir"/delay-r*.log \
            "$dir"/routes-* "$dir"/addrs-*
        rmdir -- "$dir" 2>/dev/null || rc=1
    fi
    # Shared parents go only when empty, so parallel labs never disturb each other.
    rmdir -- "$RUN_BASE" 2>/dev/null
    rmdir -- "$ETC_NETNS" 2>/dev/null
    return "$rc"
}

# ---- build helpers -------------------------------------------------------------------------

# Set while "up" runs: a failure then tears down what was built before exiting.
BUILDING=0
# Counts build steps; LAB_TEST_FAIL_STEP=n makes step n fail (to test the cleanup).
STEP_NO=0

up_fail() {
    printf '%s: up %s: %s\n' "$PROG" "${TOPO:-?}" "$*" >&2
    if [ "$BUILDING" = 1 ]; then
        BUILDING=0
        teardown >/dev/null 2>&1 || teardown >&2
    fi
    exit 1
}

# step WHAT CMD...: runs one build command; on failure the build ends with a one-line error.
step() {
    local what=$1 out
    shift
    STEP_NO=$((STEP_NO + 1))
    if [ "${LAB_TEST_FAIL_STEP:-}" = "$STEP_NO" ]; then
        up_fail "$what: simulated failure (LAB_TEST_FAIL_STEP=$STEP_NO)"
    fi
    if ! out=$(tmo "$@" 2>&1 </dev/null); then
        up_fail "$what: $(one_line "$out")"
    fi
}

# batch WHAT NS TEXT: runs the ip commands in TEXT (one a line) inside namespace NS.
batch() {
    local what=$1 ns=$2 text=$3 out
    [ -n "$text" ] || return 0
    STEP_NO=$((STEP_NO + 1))
    if [ "${LAB_TEST_FAIL_STEP:-}" = "$STEP_NO" ]; then
        up_fail "$what: simulated failure (LAB_TEST_FAIL_STEP=$STEP_NO)"
    fi
    if ! out=$(printf '%s' "$text" | tmo ip -n "$ns" -batch - 2>&1); then
        up_fail "$what: $(one_line "$out")"
    fi
}

# ---- addresses ------------------------------------------------------------------------------

# Expands an IPv6 address (no embedded IPv4) into V6G[0..7] (integers); fails when invalid.
V6G=()
v6_parse() {
    local a=$1 head tail i n g
    local -a hg=() tg=()
    [[ $a =~ ^[0-9a-fA-F:]{2,39}$ ]] || return 1
    if [[ $a == *::* ]]; then
        head=${a%%::*}
        tail=${a#*::}
        [[ $tail == *::* ]] && return 1
        [ -n "$head" ] && IFS=: read -r -a hg <<<"$head"
        [ -n "$tail" ] && IFS=: read -r -a tg <<<"$tail"
        n=$((${#hg[@]} + ${#tg[@]}))
        [ "$n" -le 7 ] || return 1
    else
        IFS=: read -r -a hg <<<"$a"
        [ "${#hg[@]}" = 8 ] || return 1
        [[ $a == *: ]] && return 1
        n=8
    fi
    V6G=()
    for g in "${hg[@]}"; do
        [[ $g =~ ^[0-9a-fA-F]{1,4}$ ]] || return 1
        V6G+=("$((16#$g))")
    done
    for ((i = n; i < 8; i++)); do V6G+=(0); done
    for g in "${tg[@]}"; do
        [[ $g =~ ^[0-9a-fA-F]{1,4}$ ]] || return 1
        V6G+=("$((16#$g))")
    done
    [ "${#V6G[@]}" = 8 ]
}

# Sets V6STR to V6G in RFC 5952 form (what inet_ntop and hopwatch print): lower case, the
# longest run (the first on a tie) of two or more zero groups written as "::".
V6STR=
v6_format() {
    local i best=-1 bestlen=0 run=-1 len=0 out="" g
    for ((i = 0; i < 8; i++)); do
        if [ "${V6G[i]}" = 0 ]; then
            if [ "$run" -lt 0 ]; then run=$i len=0; fi
            len=$((len + 1))
            if [ "$len" -gt "$bestlen" ]; then best=$run bestlen=$len; fi
        else
            run=-1
        fi
    done
    [ "$bestlen" -ge 2 ] || best=-1
    for ((i = 0; i < 8; i++)); do
        if [ "$i" = "$best" ]; then
            out+="::"
            i=$((best + bestlen - 1))
            continue
        fi
        [ -n "$out" ] && [[ $out != *: ]] && out+=":"
        printf -v g '%x' "${V6G[i]}"
        out+=$g
    done
    V6STR=$out
}

# The lab addressing, computed once (bash forks are what makes building slow): link i has
# prefixes PFX4[i] and PFX6[i]; host 1 of the link (.1, ::1) has L4_1[i] and L6_1[i], host 2
# (.2, ::2) L4_2[i] and L6_2[i].
PFX4=() PFX6=() L4_1=() L4_2=() L6_1=() L6_2=()
addr_tables() {
    local i h
    for ((i = 0; i < 64; i++)); do
        PFX4[i]=198.18.$i.0/24
        L4_1[i]=198.18.$i.1
        L4_2[i]=198.18.$i.2
        for h in 0 1 2; do
            V6G=(8193 2 0 "$i" 0 0 0 "$h")
            v6_format
            case $h in
            0) PFX6[i]=$V6STR/64 ;;
            1) L6_1[i]=$V6STR ;;
            2) L6_2[i]=$V6STR ;;
            esac
        done
    done
}

# Validates an IPv4 prefix inside 198.18.0.0/15 that avoids the given link numbers; sets
# RESULT to it normalised, or fails with a message in ERRMSG.
ERRMSG=
RESULT=
v4_prefix_check() {
    local cidr=$1 len o1 o2 o3 o4 ip lo hi l llo lhi
    shift
    ERRMSG="bad IPv4 prefix '$cidr'"
    [[ $cidr =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})/([0-9]{1,2})$ ]] ||
        return 1
    o1=$((10#${BASH_REMATCH[1]})) o2=$((10#${BASH_REMATCH[2]}))
    o3=$((10#${BASH_REMATCH[3]})) o4=$((10#${BASH_REMATCH[4]}))
    len=$((10#${BASH_REMATCH[5]}))
    [ "$o1" -le 255 ] && [ "$o2" -le 255 ] && [ "$o3" -le 255 ] && [ "$o4" -le 255 ] &&
        [ "$len" -le 32 ] || return 1
    ip=$(((o1 << 24) | (o2 << 16) | (o3 << 8) | o4))
    lo=$ip
    hi=$((ip | ((1 << (32 - len)) - 1)))
    if [ $((ip & ((1 << (32 - len)) - 1))) != 0 ]; then
        ERRMSG="IPv4 prefix '$cidr' has host bits set"
        return 1
    fi
    if [ "$len" -lt 15 ] || [ $((ip >> 17)) != $(((198 << 7) | (18 >> 1))) ]; then
        ERRMSG="IPv4 prefix '$cidr' is not inside the lab range 198.18.0.0/15"
        return 1
    fi
    for l in "$@"; do
        llo=$(((198 << 24) | (18 << 16) | (l << 8)))
        lhi=$((llo + 255))
        if [ "$lo" -le "$lhi" ] && [ "$hi" -ge "$llo" ]; then
            ERRMSG="IPv4 prefix '$cidr' overlaps lab link ${PFX4[l]}"
            return 1
        fi
    done
    RESULT="$o1.$o2.$o3.$o4/$len"
}

# Validates an IPv6 prefix inside 2001:2::/48 that avoids the given link numbers; sets
# RESULT to it in RFC 5952 form, or fails with a message in ERRMSG.
v6_prefix_check() {
    local cidr=$1 addr len i bits g3lo g3hi l
    shift
    ERRMSG="bad IPv6 prefix '$cidr'"
    [[ $cidr =~ ^([0-9a-fA-F:]+)/([0-9]{1,3})$ ]] || return 1
    addr=${BASH_REMATCH[1]}
    len=$((10#${BASH_REMATCH[2]}))
    [ "$len" -le 128 ] || return 1
    v6_parse "$addr" || return 1
    for ((i = 0; i < 8; i++)); do
        bits=$((len - 16 * i))
        [ "$bits" -ge 16 ] && continue
        [ "$bits" -lt 0 ] && bits=0
        if [ $((V6G[i] & ((1 << (16 - bits)) - 1))) != 0 ]; then
            ERRMSG="IPv6 prefix '$cidr' has host bits set"
            return 1
        fi
    done
    if [ "$len" -lt 48 ] || [ "${V6G[0]}" != 8193 ] || [ "${V6G[1]}" != 2 ] ||
        [ "${V6G[2]}" != 0 ]; then
        ERRMSG="IPv6 prefix '$cidr' is not inside the lab range 2001:2::/48"
        return 1
    fi
    g3lo=${V6G[3]}
    g3hi=$g3lo
    [ "$len" -lt 64 ] && g3hi=$((g3lo | ((1 << (64 - len)) - 1)))
    for l in "$@"; do
        if [ "$l" -ge "$g3lo" ] && [ "$l" -le "$g3hi" ]; then
            ERRMSG="IPv6 prefix '$cidr' overlaps lab link ${PFX6[l]}"
            return 1
        fi
    done
    v6_format
    RESULT="$V6STR/$len"
}

# ---- the topology model ------------------------------------------------------------------
# A topology is described first (nodes, links, routes, names, rules), then built in one go.

NODES=()                 # node names in order
declare -A IS_ROUTER=()  # node -> 1 for routers (forwarding on), 0 for client and target
declare -A ROUTES=()     # node -> "ip -batch" lines for its routes
LINK_A=()                # link i joins node LINK_A[i] (.1, ::1) and node LINK_B[i] (.2, ::2)
LINK_B=()
declare -A NAME_OF=()    # node -> its name in the client's /etc/hosts
HOPS4=""                 # expected responders per hop ("|" between alternatives, "-" none)
HOPS6=""
NAMES=""                 # host names per hop
RESP_IDX=""              # chain-shaped topologies: the node number answering at each hop
CHAIN_N=""               # number of links of a chain-shaped topology

NSP=                     # namespace name prefix, hwl<ID>- (set once the ID is valid)

add_node() {
    NODES+=("$1")
    IS_ROUTER[$1]=$2
    NAME_OF[$1]=$3
    ROUTES[$1]=""
}

# add_link I A B: link I joins node A (.1) and node B (.2); interfaces are named after the
# node at the other end: "to-B" in A and "to-A" in B.
add_link() {
    LINK_A[$1]=$2
    LINK_B[$1]=$3
}

# route NODE I VIA_LINK VIA_HOST [WORDS...]: NODE reaches link I (both families) via host
# VIA_HOST of link VIA_LINK, through its interface to the node with that address.  WORDS
# (e.g. "table 101") are appended to both routes.
route() {
    local node=$1 i=$2 vl=$3 vh=$4 peer via4 via6
    shift 4
    if [ "$vh" = 1 ]; then
        peer=${LINK_A[vl]} via4=${L4_1[vl]} via6=${L6_1[vl]}
    else
        peer=${LINK_B[vl]} via4=${L4_2[vl]} via6=${L6_2[vl]}
    fi
    ROUTES[$node]+="route add ${PFX4[i]} via $via4 dev to-$peer${*:+ $*}"$'\n'
    ROUTES[$node]+="route add ${PFX6[i]} via $via6 dev to-$peer${*:+ $*}"$'\n'
}

# Describes a chain of N links: node 0 = c, 1..N-1 = r1.., N = t; link i joins node i and
# node i+1; every node routes each link it is not on toward the neighbour on that side.
chain_model() {
    local n=$1 i j
    local -a names=()
    for ((j = 0; j <= n; j++)); do
        if [ "$j" = 0 ]; then
            add_node c 0 client.lab
            names+=(c)
        elif [ "$j" = "$n" ]; then
            add_node t 0 target.lab
            names+=(t)
        else
            add_node "r$j" 1 "r$j.lab"
            names+=("r$j")
        fi
    done
    for ((i = 0; i < n; i++)); do
        add_link "$i" "${names[i]}" "${names[i + 1]}"
    done
    for ((j = 0; j <= n; j++)); do
        for ((i = 0; i < n; i++)); do
            if [ "$i" -lt $((j - 1)) ]; then
                route "${names[j]}" "$i" $((j - 1)) 1
            elif [ "$i" -gt "$j" ]; then
                route "${names[j]}" "$i" "$j" 2
            fi
        done
    done
    CHAIN_N=$n
}

# The expected trace over the first N links of a chain: HOPS4, HOPS6, NAMES and RESP_IDX.
chain_hops() {
    local n=$1 k
    HOPS4="" HOPS6="" NAMES="" RESP_IDX=""
    for ((k = 1; k <= n; k++)); do
        HOPS4+="${HOPS4:+ }${L4_2[k - 1]}"
        HOPS6+="${HOPS6:+ }${L6_2[k - 1]}"
        RESP_IDX+="${RESP_IDX:+ }$k"
        if [ "$k" = "$CHAIN_N" ]; then
            NAMES+="${NAMES:+ }target.lab"
        else
            NAMES+="${NAMES:+ }r$k.lab"
        fi
    done
}

# Replaces word K (1-based) of a space-separated list; prints the result.
set_word() {
    local list=$1 k=$2 w=$3
    local -a ws
    read -r -a ws <<<"$list"
    ws[k - 1]=$w
    printf '%s' "${ws[*]}"
}

# ---- topologies ------------------------------------------------------------------------------
# Each topo_X validates its arguments (dying before anything is touched), describes nodes,
# links and routes, sets its env values in EXTRA and queues with rule() the commands
# (iptables, ip rule, sysctl) to run in a node once links and routes are up.

RULE_NODE=()             # node of each queued command
RULE_CMD=()              # the command, quoted with printf %q for a later eval
declare -A EXTRA=()      # topology-specific env values
declare -A OPTS=()       # "up" options by name (without the leading --)

rule() {
    local node=$1
    shift
    RULE_NODE+=("$node")
    RULE_CMD+=("$(printf '%q ' "$@")")
}

# parse_opts "NAME..." ARGS...: fills OPTS from "--name value" / "--name=value" arguments.
parse_opts() {
    local allowed=" $1 " o v
    shift
    while [ $# -gt 0 ]; do
        o=$1
        if [[ $o == --*=* ]]; then
            v=${o#*=}
            o=${o%%=*}
            shift
        else
            [[ $o == --* ]] || die "up $TOPO: unexpected argument '$o'"
            [ $# -ge 2 ] || die "up $TOPO: option $o needs a value"
            v=$2
            shift 2
        fi
        [[ $allowed == *" ${o#--} "* ]] || die "up $TOPO: unknown option '$o'"
        OPTS[${o#--}]=$v
    done
}

# range VAR WHAT VALUE LO HI: checks an integer argument and stores it (decimal) in VAR.
range() {
    # The locals carry a prefix so that they never shadow the caller's VAR.
    local _r_var=$1 _r_what=$2 _r_v=$3 _r_lo=$4 _r_hi=$5
    [[ $_r_v =~ ^[0-9]{1,9}$ ]] || die "up $TOPO: $_r_what must be a number, got '$_r_v'"
    _r_v=$((10#$_r_v))
    if [ "$_r_v" -lt "$_r_lo" ] || [ "$_r_v" -gt "$_r_hi" ]; then
        die "up $TOPO: $_r_what must be in $_r_lo..$_r_hi, got $_r_v"
    fi
    printf -v "$_r_var" '%d' "$_r_v"
}

topo_chain() {
    local n
    [ $# = 1 ] || die "up chain: usage: chain N"
    range n N "$1" 1 60
    chain_model "$n"
    chain_hops "$n"
}

topo_lossy() {
    local n l p s v k
    parse_opts "hops loss-hop loss silent-hop" "$@"
    range n --hops "${OPTS[hops]:-8}" 2 60
    range l --loss-hop "${OPTS[loss-hop]:-3}" 0 $((n - 1))
    range s --silent-hop "${OPTS[silent-hop]:-5}" 0 $((n - 1))
    p=${OPTS[loss]:-0.2}
    if ! [[ $p =~ ^(0?\.[0-9]{1,6}|0|1|1\.0{1,6})$ ]]; then
        die "up lossy: --loss must be a fraction in 0..1, got '$p'"
    fi
    chain_model "$n"
    chain_hops "$n"
    if [ "$l" != 0 ]; then
        # Router L drops P of what arrives from the client side (so its own hop and all
        # behind it lose P).  IPv6 neighbour discovery is spared: losing it would add delays
        # and losses beyond P that the tests could not predict (ARP never meets iptables).
        if [ "$l" = 1 ]; then v=to-c; else v=to-r$((l - 1)); fi
        rule "r$l" iptables -w 10 -t mangle -A PREROUTING -i "$v" \
            -m statistic --mode random --probability "$p" -j DROP
        for k in neighbour-solicitation neighbour-advertisement; do
            rule "r$l" ip6tables -w 10 -t mangle -A PREROUTING -i "$v" \
                -p ipv6-icmp --icmpv6-type "$k" -j RETURN
        done
        rule "r$l" ip6tables -w 10 -t mangle -A PREROUTING -i "$v" \
            -m statistic --mode random --probability "$p" -j DROP
    fi
    if [ "$s" != 0 ]; then
        # Router S forwards but never says time-exceeded.
        rule "r$s" iptables -w 10 -A OUTPUT -p icmp --icmp-type time-exceeded -j DROP
        rule "r$s" ip6tables -w 10 -A OUTPUT -p ipv6-icmp --icmpv6-type time-exceeded -j DROP
        HOPS4=$(set_word "$HOPS4" "$s" -)
        HOPS6=$(set_word "$HOPS6" "$s" -)
    fi
    EXTRA[LAB_LOSS_HOP]=$l
    if [ "$l" = 0 ]; then EXTRA[LAB_LOSS]=0; else EXTRA[LAB_LOSS]=$p; fi
    EXTRA[LAB_SILENT_HOP]=$s
}

topo_unreachable() {
    local n r how w4 w6 t4 t6
    parse_opts "hops at reject" "$@"
    range n --hops "${OPTS[hops]:-6}" 2 60
    range r --at "${OPTS[at]:-4}" 1 $((n - 1))
    how=${OPTS[reject]:-admin}
    case $how in
    admin) w4=icmp-admin-prohibited w6=icmp6-adm-prohibited t4=3/13 t6=1/1 ;;
    net) w4=icmp-net-unreachable w6=icmp6-no-route t4=3/0 t6=1/0 ;;
    host) w4=icmp-host-unreachable w6=icmp6-addr-unreachable t4=3/1 t6=1/3 ;;
    *) die "up unreachable: --reject must be admin, net or host, got '$how'" ;;
    esac
    chain_model "$n"
    # A probe whose TTL ends at R still gets time-exceeded (the TTL check comes before the
    # FORWARD hook); the next hop shows R again, now answering with the unreachable.
    rule "r$r" iptables -w 10 -A FORWARD -d "${L4_2[n - 1]}" -j REJECT --reject-with "$w4"
    rule "r$r" ip6tables -w 10 -A FORWARD -d "${L6_2[n - 1]}" -j REJECT --reject-with "$w6"
    chain_hops "$r"
    HOPS4+=" ${L4_2[r - 1]}"
    HOPS6+=" ${L6_2[r - 1]}"
    NAMES+=" r$r.lab"
    RESP_IDX+=" $r"
    EXTRA[LAB_REJECT_HOP]=$r
    EXTRA[LAB_REJECT]=$how
    EXTRA[LAB_REJECT_ICMP4]=$t4
    EXTRA[LAB_REJECT_ICMP6]=$t6
}

topo_ecmp() {
    local i
    [ $# = 0 ] || die "up ecmp: takes no options"
    add_node c 0 client.lab
    add_node r1 1 r1.lab
    add_node r2a 1 r2a.lab
    add_node r2b 1 r2b.lab
    add_node r3 1 r3.lab
    add_node t 0 target.lab
    add_link 0 c r1
    add_link 1 r1 r2a
    add_link 2 r1 r2b
    add_link 3 r2a r3
    add_link 4 r2b r3
    add_link 5 r3 t
    for i in 1 2 3 4 5; do route c "$i" 0 2; done
    # r1: links 3-5 lie behind both r2a and r2b: a multipath route (L4 hash) in the main
    # table, plus one table per path for the ICMP echo requests steered by fwmark.
    for i in 3 4 5; do
        ROUTES[r1]+="route add ${PFX4[i]} nexthop via ${L4_2[1]} dev to-r2a"
        ROUTES[r1]+=" nexthop via ${L4_2[2]} dev to-r2b"$'\n'
        ROUTES[r1]+="route add ${PFX6[i]} nexthop via ${L6_2[1]} dev to-r2a"
        ROUTES[r1]+=" nexthop via ${L6_2[2]} dev to-r2b"$'\n'
        route r1 "$i" 1 2 table 101
        route r1 "$i" 2 2 table 102
    done
    for i in 0 2; do route r2a "$i" 1 1; done
    for i in 4 5; do route r2a "$i" 3 2; done
    for i in 0 1; do route r2b "$i" 2 1; done
    for i in 3 5; do route r2b "$i" 4 2; done
    # r3 sends everything toward the client via r2a only, and from its address on that
    # link, so hop 3 always answers from 198.18.3.2 / 2001:2:0:3::2 whichever way the
    # probe came.  The explicit "src" matters for IPv6: without it Linux (6.18) answers a
    # probe that came via r2b from r3's address on the r2b link.
    for i in 0 1 2; do
        ROUTES[r3]+="route add ${PFX4[i]} via ${L4_1[3]} dev to-r2a src ${L4_2[3]}"$'\n'
        ROUTES[r3]+="route add ${PFX6[i]} via ${L6_1[3]} dev to-r2a src ${L6_2[3]}"$'\n'
    done
    for i in 0 1 2 3 4; do route t "$i" 5 1; done
    rule r1 sysctl -q -w net.ipv4.fib_multipath_hash_policy=1 \
        net.ipv6.fib_multipath_hash_policy=1
    # Linux's L4 hash sees ICMP "ports" as 0; many routers hash the first four L4 bytes,
    # which for ICMP hold the checksum.  Emulated for echo requests from the client: mark 1
    # when the checksum's low bit is set, else 2 (xt_bpf sees packets from the IP header).
    #   IPv4: ldxb 4*([0]&0xf); ldb [x+3]; and #1; ret a
    #   IPv6: ldb [6]; jeq #58 (ICMPv6 right after the fixed header) or ret #0;
    #         ldb [43]; and #1; ret a
    rule r1 iptables -w 10 -t mangle -A PREROUTING -i to-c -p icmp --icmp-type echo-request \
        -m bpf --bytecode "4,177 0 0 0,80 0 0 3,84 0 0 1,22 0 0 0" -j MARK --set-mark 1
    rule r1 iptables -w 10 -t mangle -A PREROUTING -i to-c -p icmp --icmp-type echo-request \
        -m mark --mark 0 -j MARK --set-mark 2
    rule r1 ip6tables -w 10 -t mangle -A PREROUTING -i to-c -p ipv6-icmp \
        --icmpv6-type echo-request \
        -m bpf --bytecode "6,48 0 0 6,21 0 3 58,48 0 0 43,84 0 0 1,22 0 0 0,6 0 0 0" \
        -j MARK --set-mark 1
    rule r1 ip6tables -w 10 -t mangle -A PREROUTING -i to-c -p ipv6-icmp \
        --icmpv6-type echo-request -m mark --mark 0 -j MARK --set-mark 2
    rule r1 ip -4 rule add pref 100 fwmark 1 lookup 101
    rule r1 ip -4 rule add pref 101 fwmark 2 lookup 102
    rule r1 ip -6 rule add pref 100 fwmark 1 lookup 101
    rule r1 ip -6 rule add pref 101 fwmark 2 lookup 102
    HOPS4="${L4_2[0]} ${L4_2[1]}|${L4_2[2]} ${L4_2[3]} ${L4_2[5]}"
    HOPS6="${L6_2[0]} ${L6_2[1]}|${L6_2[2]} ${L6_2[3]} ${L6_2[5]}"
    NAMES="r1.lab r2a.lab|r2b.lab r3.lab target.lab"
}

topo_many() {
    local m4 m6
    parse_opts "prefix4 prefix6" "$@"
    v4_prefix_check "${OPTS[prefix4]:-198.19.0.0/16}" 0 1 || die "up many: $ERRMSG"
    m4=$RESULT
    v6_prefix_check "${OPTS[prefix6]:-2001:2:0:100::/64}" 0 1 || die "up many: $ERRMSG"
    m6=$RESULT
    chain_model 2
    chain_hops 2
    ROUTES[c]+="route add $m4 via ${L4_2[0]} dev to-r1"$'\n'
    ROUTES[c]+="route add $m6 via ${L6_2[0]} dev to-r1"$'\n'
    ROUTES[r1]+="route add $m4 via ${L4_2[1]} dev to-t"$'\n'
    ROUTES[r1]+="route add $m6 via ${L6_2[1]} dev to-t"$'\n'
    # The target answers for every address of the prefixes (local routes on lo).
    ROUTES[t]+="route add local $m4 dev lo"$'\n'
    ROUTES[t]+="route add local $m6 dev lo"$'\n'
    EXTRA[LAB_MANY4]=$m4
    EXTRA[LAB_MANY6]=$m6
}

# ---- options of every topology: --delay and --tcp-listen ------------------------------------

DELAY_SPECS=()           # the --delay values, as given
TCP_PORTS=()             # the --tcp-listen ports, in order
MTU_SPECS=()             # the --mtu values, as given
MTU_BH_SPECS=()          # the --mtu-blackhole values, as given
TOPO_ARGS=()             # the remaining arguments, for the topology
declare -A DLY_MS=()     # router number -> delay (ms, each direction)
declare -A DLY_JIT=()    # router number -> jitter (ms)
declare -A DLY_CMD=()    # router number -> labtool arguments, quoted with printf %q
LABTOOL_BIN=""           # labtool, when an option needs it
EXPECT_RTT=""            # expected extra RTT (ms) per hop

# Takes --delay and --tcp-listen out of the "up" arguments (every topology has them); the
# rest goes to TOPO_ARGS.
split_common_opts() {
    local v
    TOPO_ARGS=()
    while [ $# -gt 0 ]; do
        case $1 in
        --delay | --tcp-listen | --mtu | --mtu-blackhole)
            [ $# -ge 2 ] || die "up $TOPO: option $1 needs a value"
            v=$2
            case $1 in
            --delay) DELAY_SPECS+=("$v") ;;
            --tcp-listen) TCP_PORTS+=("$v") ;;
            --mtu) MTU_SPECS+=("$v") ;;
            *) MTU_BH_SPECS+=("$v") ;;
            esac
            shift 2
            ;;
        --mtu=*)
            MTU_SPECS+=("${1#--mtu=}")
            shift
            ;;
        --mtu-blackhole=*)
            MTU_BH_SPECS+=("${1#--mtu-blackhole=}")
            shift
            ;;
        --delay=*)
            DELAY_SPECS+=("${1#--delay=}")
            shift
            ;;
        --tcp-listen=*)
            TCP_PORTS+=("${1#--tcp-listen=}")
            shift
            ;;
        *)
            TOPO_ARGS+=("$1")
            shift
            ;;
        esac
    done
}

# Sets LABTOOL_BIN to $LABTOOL, else to build/tests/lab/labtool beside the source tree;
# dies when it is not an executable file.
find_labtool() {
    local why=$1 def=$SCRIPT_DIR/../../build/tests/lab/labtool
    if [ -n "${LABTOOL:-}" ]; then
        LABTOOL_BIN=$LABTOOL
    elif [ -x "$def" ]; then
        LABTOOL_BIN=$def
    else
        die "up $TOPO: $why needs labtool: set LABTOOL, or build it (make check builds" \
            "tests/lab/labtool)"
    fi
    [[ $LABTOOL_BIN == /* ]] || LABTOOL_BIN=$PWD/$LABTOOL_BIN
    if ! [ -f "$LABTOOL_BIN" ] || ! [ -x "$LABTOOL_BIN" ]; then
        die "up $TOPO: labtool '$LABTOOL_BIN' is not an executable file"
    fi
}

# Parses a --mtu / --mtu-blackhole value HOP:SIZE into MTU_HOP and MTU_SIZE (a router of the
# chain, 1280..1500 bytes) and sets MTU_DEV / MTU_PEER to router rHOP's veth toward the
# target and the node at its other end.
mtu_spec() {
    local opt=$1 spec=$2
    case $TOPO in
    chain | lossy | unreachable) ;;
    *) die "up $TOPO: $opt is for chain, lossy and unreachable" ;;
    esac
    [[ $spec =~ ^([0-9]{1,3}):([0-9]{1,5})$ ]] ||
        die "up $TOPO: $opt wants HOP:SIZE (integers), got '$spec'"
    MTU_HOP=$((10#${BASH_REMATCH[1]}))
    MTU_SIZE=$((10#${BASH_REMATCH[2]}))
    if [ "$MTU_HOP" -lt 1 ] || [ "$MTU_HOP" -ge "$CHAIN_N" ]; then
        die "up $TOPO: $opt $spec: HOP must be a router, 1..$((CHAIN_N - 1))"
    fi
    if [ "$MTU_SIZE" -lt 1280 ] || [ "$MTU_SIZE" -gt 1500 ]; then
        die "up $TOPO: $opt $spec: SIZE must be in 1280..1500 (IPv6 needs 1280)"
    fi
    if [ "$((MTU_HOP + 1))" = "$CHAIN_N" ]; then
        MTU_DEV=to-t MTU_PEER=t
    else
        MTU_DEV=to-r$((MTU_HOP + 1)) MTU_PEER=r$((MTU_HOP + 1))
    fi
}

# --mtu: the link's MTU on both ends (the router then says "too big" for larger DF
# packets); --mtu-blackhole: the router drops larger packets toward the target without a
# word (DROP sends nothing; answers toward the client pass).
mtu_model() {
    local spec
    declare -A seen=()
    EXTRA[LAB_MTU]=""
    EXTRA[LAB_MTU_BLACKHOLE]=""
    for spec in "${MTU_SPECS[@]}"; do
        mtu_spec --mtu "$spec"
        [ -z "${seen[$MTU_HOP]:-}" ] || die "up $TOPO: --mtu for router r$MTU_HOP given twice"
        seen[$MTU_HOP]=1
        rule "r$MTU_HOP" ip link set dev "$MTU_DEV" mtu "$MTU_SIZE"
        rule "$MTU_PEER" ip link set dev "to-r$MTU_HOP" mtu "$MTU_SIZE"
        EXTRA[LAB_MTU]+="${EXTRA[LAB_MTU]:+ }$MTU_HOP:$MTU_SIZE"
    done
    for spec in "${MTU_BH_SPECS[@]}"; do
        mtu_spec --mtu-blackhole "$spec"
        rule "r$MTU_HOP" iptables -w 10 -A FORWARD -o "$MTU_DEV" \
            -m length --length "$((MTU_SIZE + 1)):65535" -j DROP
        rule "r$MTU_HOP" ip6tables -w 10 -A FORWARD -o "$MTU_DEV" \
            -m length --length "$((MTU_SIZE + 1)):65535" -j DROP
        EXTRA[LAB_MTU_BLACKHOLE]+="${EXTRA[LAB_MTU_BLACKHOLE]:+ }$MTU_HOP:$MTU_SIZE"
    done
}

# Checks the --tcp-listen ports (1..65535, no repeats).
tcp_model() {
    local p i
    declare -A seen=()
    [ "${#TCP_PORTS[@]}" -gt 0 ] || return 0
    for i in "${!TCP_PORTS[@]}"; do
        range p --tcp-listen "${TCP_PORTS[i]}" 1 65535
        [ -z "${seen[$p]:-}" ] || die "up $TOPO: --tcp-listen $p given twice"
        seen[$p]=1
        TCP_PORTS[i]=$p
    done
    find_labtool --tcp-listen
}

# Describes the delay elements: router k sends what it forwards (from its veths) through
# TUN device dly, where "labtool delay" holds every packet MS (+- jitter) ms and writes it
# back (TTL + 1) to be forwarded as usual.  Its own packets (time-exceeded, echo replies)
# are routed by the main table and never delayed.
#   table 200: 198.18.0.0/15 and 2001:2::/48 dev dly
#   rules:     pref 90 iif dly lookup main; pref 91 iif <each veth> lookup 200
delay_model() {
    local spec k ms j i v fam sum idx node
    local -a cargs veths
    [ "${#DELAY_SPECS[@]}" -gt 0 ] || return 0
    case $TOPO in
    chain | lossy | unreachable) ;;
    *) die "up $TOPO: --delay is for chain, lossy and unreachable" ;;
    esac
    for spec in "${DELAY_SPECS[@]}"; do
        [[ $spec =~ ^([0-9]{1,3}):([0-9]{1,5})(:([0-9]{1,5}))?$ ]] ||
            die "up $TOPO: --delay wants HOP:MS[:JITTER] (integers), got '$spec'"
        k=$((10#${BASH_REMATCH[1]}))
        ms=$((10#${BASH_REMATCH[2]}))
        j=$((10#${BASH_REMATCH[4]:-0}))
        if [ "$k" -lt 1 ] || [ "$k" -ge "$CHAIN_N" ]; then
            die "up $TOPO: --delay $spec: HOP must be a router, 1..$((CHAIN_N - 1))"
        fi
        if [ "$ms" -gt "$DLY_MAX_MS" ] || [ "$j" -gt "$DLY_MAX_MS" ]; then
            die "up $TOPO: --delay $spec: MS and JITTER must be in 0..$DLY_MAX_MS"
        fi
        [ -z "${DLY_MS[$k]:-}" ] || die "up $TOPO: --delay for router r$k given twice"
        DLY_MS[$k]=$ms
        DLY_JIT[$k]=$j
    done
    find_labtool --delay
    for k in "${!DLY_MS[@]}"; do
        node=r$k
        veths=()
        if [ "$k" = 1 ]; then veths+=(to-c); else veths+=("to-r$((k - 1))"); fi
        if [ "$((k + 1))" = "$CHAIN_N" ]; then veths+=(to-t); else veths+=("to-r$((k + 1))"); fi
        ROUTES[$node]+="tuntap add dev $DLY_DEV mode tun"$'\n'
        ROUTES[$node]+="link set $DLY_DEV addrgenmode none"$'\n'
        ROUTES[$node]+="link set $DLY_DEV up"$'\n'
        ROUTES[$node]+="route add 198.18.0.0/15 dev $DLY_DEV table $DLY_TABLE"$'\n'
        ROUTES[$node]+="route add 2001:2::/48 dev $DLY_DEV table $DLY_TABLE"$'\n'
        for fam in -4 -6; do
            rule "$node" ip "$fam" rule add pref "$DLY_PREF" iif "$DLY_DEV" lookup main
            for v in "${veths[@]}"; do
                rule "$node" ip "$fam" rule add pref $((DLY_PREF + 1)) iif "$v" \
                    lookup "$DLY_TABLE"
            done
        done
        # Destinations on links 0..k-1 lie on the client's side of router k.
        cargs=()
        for ((i = 0; i < k; i++)); do cargs+=("${PFX4[i]}" "${PFX6[i]}"); done
        v=${DLY_MS[$k]}
        [ "${DLY_JIT[$k]}" = 0 ] || v+=":${DLY_JIT[$k]}"
        DLY_CMD[$k]=$(printf '%q ' "$LABTOOL_BIN" delay --dev "$DLY_DEV" \
            --toward-target "$v" --toward-client "$v" --client "${cargs[@]}")
    done
    EXTRA[LAB_DELAYS]=""
    for ((k = 1; k < CHAIN_N; k++)); do
        [ -n "${DLY_MS[$k]:-}" ] || continue
        v="$k:${DLY_MS[$k]}"
        [ "${DLY_JIT[$k]}" = 0 ] || v+=":${DLY_JIT[$k]}"
        EXTRA[LAB_DELAYS]+="${EXTRA[LAB_DELAYS]:+ }$v"
    done
    # Hop k's answer crosses the elements of the routers before its responder, twice.
    EXPECT_RTT=""
    for idx in $RESP_IDX; do
        sum=0
        for ((i = 1; i < idx; i++)); do sum=$((sum + 2 * ${DLY_MS[$i]:-0})); done
        EXPECT_RTT+="${EXPECT_RTT:+ }$sum"
    done
}

# True while process $1 exists and is not a zombie (a helper that failed at start stays a
# zombie child of this script until it ends, and kill -0 would still find it).
pid_alive() {
    local st
    st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    st=${st##*) }
    [ "${st%% *}" != Z ] && [ "${st%% *}" != X ]
}

# start_bg NODE LOG CMD...: starts CMD in the background in NODE's namespace, in its own
# session (so that nothing aimed at the caller's process group ends it; "down" does), its
# output appended to LOG.  Sets BG_PID (ip netns exec and setsid exec CMD in place).
BG_PID=""
start_bg() {
    local node=$1 log=$2
    shift 2
    setsid ip netns exec "$NSP$node" "$@" </dev/null >>"$log" 2>&1 &
    BG_PID=$!
}

# The last line a helper wrote to its log, for an error message.
log_tail() {
    local t
    t=$(tail -n 1 -- "$1" 2>/dev/null)
    printf '%s' "${t:-no output}"
}

# Starts the delay elements and waits (bounded) until each has attached to its device: the
# TUN device's carrier (LOWER_UP) goes on when labtool opens it.
start_delays() {
    local k try pending out log
    local -a argv
    declare -A pid=()
    [ "${#DLY_CMD[@]}" -gt 0 ] || return 0
    for k in "${!DLY_CMD[@]}"; do
        log=$RUN_BASE/$LAB_ID/delay-r$k.log
        eval "argv=(${DLY_CMD[$k]})"
        STEP_NO=$((STEP_NO + 1))
        if [ "${LAB_TEST_FAIL_STEP:-}" = "$STEP_NO" ]; then
            up_fail "delay element of r$k: simulated failure (LAB_TEST_FAIL_STEP=$STEP_NO)"
        fi
        start_bg "r$k" "$log" "${argv[@]}"
        pid[$k]=$BG_PID
    done
    for try in $(seq 1 "$START_TRIES"); do
        pending=""
        for k in "${!pid[@]}"; do
            log=$RUN_BASE/$LAB_ID/delay-r$k.log
            pid_alive "${pid[$k]}" ||
                up_fail "delay element of r$k ended: $(log_tail "$log")"
            out=$(tmo ip -n "${NSP}r$k" link show dev "$DLY_DEV" 2>&1) ||
                up_fail "delay element of r$k: $(one_line "$out")"
            [[ $out == *LOWER_UP* ]] || pending+=" r$k"
        done
        [ -z "$pending" ] && return 0
        sleep 0.1
    done
    up_fail "delay elements not running after $((START_TRIES / 10)) s in:$pending"
}

# True when every port of TCP_PORTS has a listener on 0.0.0.0 and [::] in the target.
tcp_listening() {
    local out p
    out=$(tmo ip netns exec "${NSP}t" ss -Hltn 2>/dev/null) || return 1
    for p in "${TCP_PORTS[@]}"; do
        [[ $out == *" 0.0.0.0:$p "* && $out == *" [::]:$p "* ]] || return 1
    done
}

# Starts "labtool tcp-listen" in the target and waits (bounded) until it listens.
start_tcp_listen() {
    local log=$RUN_BASE/$LAB_ID/tcp-listen.log try pid
    [ "${#TCP_PORTS[@]}" -gt 0 ] || return 0
    STEP_NO=$((STEP_NO + 1))
    if [ "${LAB_TEST_FAIL_STEP:-}" = "$STEP_NO" ]; then
        up_fail "tcp-listen: simulated failure (LAB_TEST_FAIL_STEP=$STEP_NO)"
    fi
    start_bg t "$log" "$LABTOOL_BIN" tcp-listen "${TCP_PORTS[@]}"
    pid=$BG_PID
    for try in $(seq 1 "$START_TRIES"); do
        pid_alive "$pid" || up_fail "tcp-listen ended: $(log_tail "$log")"
        tcp_listening && return 0
        sleep 0.1
    done
    up_fail "tcp-listen: not listening after $((START_TRIES / 10)) s"
}

# ---- DNS: dnsmasq in the client namespace, on 127.0.0.1:53 only --------------------------------

# The dnsmasq program, or empty.
dnsmasq_bin() {
    local b
    b=$(command -v dnsmasq 2>/dev/null) || b=""
    [ -z "$b" ] && [ -x /usr/sbin/dnsmasq ] && b=/usr/sbin/dnsmasq
    printf '%s' "$b"
}

# True when the lab's dnsmasq runs: the PID in dns.pid is a dnsmasq inside the client's
# namespace.  Sets DNS_PID.
DNS_PID=""
dns_running() {
    local f=$RUN_BASE/$LAB_ID/dns.pid p comm ns
    DNS_PID=""
    p=$(cat -- "$f" 2>/dev/null) || return 1
    [[ $p =~ ^[0-9]+$ ]] || return 1
    pid_alive "$p" || return 1
    comm=$(cat "/proc/$p/comm" 2>/dev/null) || return 1
    [ "$comm" = dnsmasq ] || return 1
    ns=$(tmo ip netns identify "$p" 2>/dev/null) || return 1
    [ "$ns" = "${NSP}c" ] || return 1
    DNS_PID=$p
}

# True when something in the client's namespace listens on UDP 127.0.0.1:53.
dns_listening() {
    local out
    out=$(tmo ip netns exec "${NSP}c" ss -Hlun 2>/dev/null) || return 1
    [[ $out == *" 127.0.0.1:53 "* ]]
}

# Starts dnsmasq (unless it runs) and waits (bounded) until it listens; fails with ERRMSG.
# It answers A, AAAA and PTR from dns.hosts only, for .lab and the lab's reverse zones
# (anything else there is NXDOMAIN), TXT from dns.conf (the origin AS of every lab address,
# see write_as_records), and has no upstream server: nothing leaves the lab.
dns_start() {
    local dir=$RUN_BASE/$LAB_ID bin try pid conf=/dev/null
    ERRMSG=""
    [ -f "$dir/dns.conf" ] && conf=$dir/dns.conf
    if ! dns_running; then
        bin=$(dnsmasq_bin)
        if [ -z "$bin" ]; then
            ERRMSG="dnsmasq is not installed (Debian package dnsmasq-base)"
            return 1
        fi
        rm -f -- "$dir/dns.pid"
        start_bg c "$dir/dns.out" "$bin" --conf-file="$conf" --keep-in-foreground \
            --listen-address=127.0.0.1 --bind-interfaces --port=53 --no-resolv --no-hosts \
            --addn-hosts="$dir/dns.hosts" --local=/lab/ --local=/18.198.in-addr.arpa/ \
            --local=/19.198.in-addr.arpa/ --local=/0.0.0.0.2.0.0.0.1.0.0.2.ip6.arpa/ \
            --log-facility="$dir/dns.log" --log-queries --pid-file="$dir/dns.pid"
        pid=$BG_PID
    else
        pid=$DNS_PID
    fi
    for try in $(seq 1 "$START_TRIES"); do
        if ! pid_alive "$pid"; then
            ERRMSG="dnsmasq ended: $(log_tail "$dir/dns.out")"
            return 1
        fi
        dns_listening && dns_running && return 0
        sleep 0.1
    done
    ERRMSG="dnsmasq not answering on 127.0.0.1:53 after $((START_TRIES / 10)) s"
    return 1
}

# Stops the lab's dnsmasq (bounded: TERM, 2 s, KILL) and waits until port 53 is free.
dns_stop() {
    local i
    ERRMSG=""
    if dns_running; then
        kill -TERM "$DNS_PID" 2>/dev/null
        for i in $(seq 1 20); do
            pid_alive "$DNS_PID" || break
            sleep 0.1
        done
        pid_alive "$DNS_PID" && kill -KILL "$DNS_PID" 2>/dev/null
    fi
    for i in $(seq 1 20); do
        if ! dns_listening; then
            # dnsmasq runs as nobody and cannot remove its pid file itself.
            rm -f -- "$RUN_BASE/$LAB_ID/dns.pid"
            return 0
        fi
        sleep 0.1
    done
    ERRMSG="something still listens on 127.0.0.1:53 in ${NSP}c"
    return 1
}

# ---- up ----------------------------------------------------------------------------------------

# Sysctls of a namespace; forwarding for routers only.  The defaults are set before any
# interface exists so that every veth inherits them.
ns_sysctls() {
    local node=$1 fwd=${IS_ROUTER[$1]}
    local -a kv=(
        "net.ipv4.ip_forward=$fwd"
        "net.ipv6.conf.all.forwarding=$fwd"
        "net.ipv6.conf.default.forwarding=$fwd"
        net.ipv4.conf.all.rp_filter=0
        net.ipv4.conf.default.rp_filter=0
        net.ipv6.conf.all.disable_ipv6=0
        net.ipv6.conf.default.disable_ipv6=0
        net.ipv6.conf.all.accept_dad=0
        net.ipv6.conf.default.accept_dad=0
        net.ipv6.conf.all.accept_ra=0
        net.ipv6.conf.default.accept_ra=0
    )
    if [ "$RATELIMITS" = lifted ]; then
        kv+=(net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0)
    fi
    step "sysctls of $NSP$node" ip netns exec "$NSP$node" sysctl -q -w "${kv[@]}"
    if [ "$RATELIMITS" = lifted ]; then
        # The global ICMP budget (shared by IPv4 and IPv6) is per namespace on recent
        # kernels; older ones do not show these keys in a namespace: tolerated.
        # shellcheck disable=SC2016 # the script is for the inner sh
        tmo ip netns exec "$NSP$node" sh -c '
            for k in icmp_msgs_per_sec icmp_msgs_burst; do
                f=/proc/sys/net/ipv4/$k
                if [ -w "$f" ]; then echo 1000000 >"$f"; fi
            done; exit 0' >/dev/null 2>&1
    fi
}

# The AS numbers of the lab (private use, RFC 6996): node k of NODES is AS 64512+k.  The
# origin of an address is Team Cymru's TXT format under origin.asn.lab (IPv4, reversed
# octets) and origin6.asn.lab (IPv6, reversed nibbles), the AS's name under asn.lab:
#   2.0.18.198.origin.asn.lab  "64513 | 198.18.0.0/24 | ZZ | lab | 2026-12-04"
#   AS64513.asn.lab            "64513 | ZZ | lab | 2026-12-04 | LAB-R1 - hopwatch lab r1.lab"
# The target's AS name holds an escape sequence (ESC [ 2 J, clear screen), as a hostile
# zone might: whatever shows it must sanitise it.
LAB_AS_BASE=64512
write_as_records() {
    local hdr=$1 f=$RUN_BASE/$LAB_ID/dns.conf i k h node asn nib g name out=""
    declare -A as_of=()
    for k in "${!NODES[@]}"; do as_of[${NODES[k]}]=$((LAB_AS_BASE + k)); done
    for i in "${!LINK_A[@]}"; do
        for h in 1 2; do
            if [ "$h" = 1 ]; then node=${LINK_A[i]}; else node=${LINK_B[i]}; fi
            asn=${as_of[$node]}
            out+="txt-record=$h.$i.18.198.origin.asn.lab,\"$asn | ${PFX4[i]} | ZZ | lab | 2026-12-04\""$'\n'
            # 2001:2:0:i::h as 32 hex digits, then reversed, a dot after each.
            printf -v g '%04x%04x%04x%04x%04x%04x%04x%04x' 8193 2 0 "$i" 0 0 0 "$h"
            nib=""
            for ((k = 31; k >= 0; k--)); do nib+="${g:k:1}."; done
            out+="txt-record=${nib}origin6.asn.lab,\"$asn | ${PFX6[i]} | ZZ | lab | 2026-12-04\""$'\n'
        done
    done
    for node in "${NODES[@]}"; do
        name="LAB-${node^^} - hopwatch lab ${NAME_OF[$node]}"
        [ "$node" = t ] && name="LAB-T \\e[2J - hopwatch lab ${NAME_OF[$node]}"
        out+="txt-record=AS${as_of[$node]}.asn.lab,\"${as_of[$node]} | ZZ | lab | 2026-12-04 | $name\""$'\n'
    done
    printf '%s\n%s' "${hdr//$'\n'/ }" "$out" >"$f" || up_fail "cannot write $f"
}

# Writes the client's /etc/netns files (ip netns exec bind-mounts them over /etc).  With
# --dns the lab's names go to dns.hosts for dnsmasq instead, and /etc/hosts has only
# localhost, so that names can only come from DNS.
write_client_etc() {
    local d f i a b hdr lines=""
    d=$ETC_NETNS/${NSP}c
    mkdir_retry "$d" || up_fail "cannot create $d"
    printf -v hdr '# hopwatch lab %s (%s): written by lab.sh up, removed by lab.sh down' \
        "$LAB_ID" "$TOPO"
    for i in "${!LINK_A[@]}"; do
        a=${LINK_A[i]} b=${LINK_B[i]}
        printf -v f '%s\t%s\n' "${L4_1[i]}" "${NAME_OF[$a]}" "${L6_1[i]}" "${NAME_OF[$a]}" \
            "${L4_2[i]}" "${NAME_OF[$b]}" "${L6_2[i]}" "${NAME_OF[$b]}"
        lines+=$f
    done
    if [ "$DNS" = 1 ]; then
        f=$RUN_BASE/$LAB_ID/dns.hosts
        printf '%s\n%s' "$hdr" "$lines" >"$f" || up_fail "cannot write $f"
        lines=""
        write_as_records "$hdr"
    fi
    {
        printf '%s\n' "$hdr"
        printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'
        printf '%s' "$lines"
    } >"$d/hosts" || up_fail "cannot write $d/hosts"
    printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$d/resolv.conf" ||
        up_fail "cannot write $d/resolv.conf"
    # Host names come from files, then DNS (127.0.0.1 inside the lab: nothing there, so it
    # fails at once, or the lab's dnsmasq with --dns), never from a resolver daemon of the
    # host that would ask the real network.
    if [ -f /etc/nsswitch.conf ]; then
        f=$(sed -E 's/^hosts:.*/hosts: files dns/' /etc/nsswitch.conf) ||
            up_fail "cannot read /etc/nsswitch.conf"
        [[ $f == *$'\n'hosts:* || $f == hosts:* ]] || f+=$'\n''hosts: files dns'
        printf '%s\n' "$f" >"$d/nsswitch.conf" || up_fail "cannot write $d/nsswitch.conf"
    fi
}

# Writes /run/hwlab/ID/env: every key is always present, empty or 0 when not applicable.
write_env() {
    local envf=$RUN_BASE/$LAB_ID/env k v node last hops
    local -a nss=() keys
    declare -A e=()
    for node in "${NODES[@]}"; do nss+=("$NSP$node"); done
    last=$((${#LINK_A[@]} - 1))
    hops=$(wc -w <<<"$HOPS4")
    e=(
        [LAB_ID]=$LAB_ID [LAB_TOPOLOGY]=$TOPO [LAB_ARGS]=$* [LAB_RATELIMITS]=$RATELIMITS
        [LAB_NODES]="${NODES[*]}" [LAB_NAMESPACES]="${nss[*]}"
        [LAB_NS_CLIENT]=${NSP}c [LAB_NS_TARGET]=${NSP}t [LAB_CHAIN_LEN]=$CHAIN_N
        [LAB_CLIENT4]=${L4_1[0]} [LAB_CLIENT6]=${L6_1[0]}
        [LAB_TARGET4]=${L4_2[last]} [LAB_TARGET6]=${L6_2[last]}
        [LAB_HOPS]=$hops [LAB_HOPS4]=$HOPS4 [LAB_HOPS6]=$HOPS6 [LAB_NAMES]=$NAMES
        [LAB_END_HOP]=$hops [LAB_END4]=${HOPS4##* } [LAB_END6]=${HOPS6##* }
        [LAB_LOSS_HOP]=0 [LAB_LOSS]=0 [LAB_SILENT_HOP]=0
        [LAB_REJECT_HOP]=0 [LAB_REJECT]="" [LAB_REJECT_ICMP4]="" [LAB_REJECT_ICMP6]=""
        [LAB_MANY4]="" [LAB_MANY6]=""
        [LAB_HOSTS_FILE]=$ETC_NETNS/${NSP}c/hosts
        [LAB_DELAYS]="" [LAB_EXPECT_RTT_MS]="" [LAB_DNS]=$DNS [LAB_TCP_PORTS]="${TCP_PORTS[*]}"
        [LAB_MTU]="" [LAB_MTU_BLACKHOLE]=""
    )
    # Without delay elements every hop's extra RTT is 0.
    if [ -z "$EXPECT_RTT" ]; then
        for ((k = 0; k < hops; k++)); do EXPECT_RTT+="${EXPECT_RTT:+ }0"; done
    fi
    e[LAB_EXPECT_RTT_MS]=$EXPECT_RTT
    for k in "${!EXTRA[@]}"; do e[$k]=${EXTRA[$k]}; done
    keys=(LAB_ID LAB_TOPOLOGY LAB_ARGS LAB_RATELIMITS LAB_NODES LAB_NAMESPACES
        LAB_NS_CLIENT LAB_NS_TARGET LAB_CHAIN_LEN LAB_CLIENT4 LAB_CLIENT6
        LAB_TARGET4 LAB_TARGET6 LAB_HOPS LAB_HOPS4 LAB_HOPS6 LAB_NAMES
        LAB_END_HOP LAB_END4 LAB_END6 LAB_LOSS_HOP LAB_LOSS LAB_SILENT_HOP
        LAB_REJECT_HOP LAB_REJECT LAB_REJECT_ICMP4 LAB_REJECT_ICMP6 LAB_MANY4 LAB_MANY6
        LAB_HOSTS_FILE LAB_DELAYS LAB_EXPECT_RTT_MS LAB_DNS LAB_TCP_PORTS LAB_MTU
        LAB_MTU_BLACKHOLE)
    {
        printf '# hopwatch lab %s: lab.sh up %s%s\n' "$LAB_ID" "$TOPO" "${*:+ $*}"
        for k in "${keys[@]}"; do
            v=${e[$k]}
            # Values are built from validated words only; refuse anything that would need
            # more than single quotes, so the output is always safe to eval.
            [[ $v =~ ^[-A-Za-z0-9_.:/|=\ ]*$ ]] || up_fail "internal: bad value for $k: $v"
            printf "%s='%s'\n" "$k" "$v"
        done
    } >"$envf.tmp" || up_fail "cannot write $envf.tmp"
    mv -f -- "$envf.tmp" "$envf" || up_fail "cannot write $envf"
}

# True when every veth of a namespace is ready: operationally up (the kernel reports the
# carrier asynchronously, up to a second after "link set up"; until then IPv6 drops what it
# sends there), with its IPv6 link-local address, and no address is tentative.
ns_ready() {
    local ns=$1 out name state addrs
    out=$(tmo ip -n "$ns" -6 addr show tentative 2>&1) || return 1
    [ -z "$out" ] || return 1
    out=$(tmo ip -n "$ns" -6 -br addr show 2>&1) || return 1
    while read -r name state addrs; do
        # A delay element's TUN device has no IPv6 address and no carrier until labtool runs.
        case $name in lo | "$DLY_DEV") continue ;; esac
        [ "$state" = UP ] || return 1
        [[ " $addrs" == *" fe80:"* ]] || return 1
    done <<<"$out"
    return 0
}

# Waits (bounded: 10 s) until the namespaces named are ready; false if they are not.
wait_ns_ready() {
    local try ns pending
    for try in $(seq 1 100); do
        pending=""
        for ns in "$@"; do
            ns_ready "$ns" || pending+=" $ns"
        done
        [ -z "$pending" ] && return 0
        [ "$try" = 100 ] || sleep 0.1
    done
    return 1
}

# Waits (bounded: 10 s) until every namespace of the lab is ready.
wait_ready() {
    local node try pending
    for try in $(seq 1 100); do
        pending=""
        for node in "${NODES[@]}"; do
            ns_ready "$NSP$node" || pending+=" $NSP$node"
        done
        [ -z "$pending" ] && return 0
        [ "$try" = 100 ] || sleep 0.1
    done
    up_fail "links not ready after 10 s in:$pending"
}

cmd_up() {
    local node i a b out k
    local -a argv
    [ $# -ge 1 ] || die "up: missing topology (chain, lossy, unreachable, ecmp, many)"
    TOPO=$1
    shift
    addr_tables
    split_common_opts "$@"
    case $TOPO in
    chain) topo_chain "${TOPO_ARGS[@]}" ;;
    lossy) topo_lossy "${TOPO_ARGS[@]}" ;;
    unreachable) topo_unreachable "${TOPO_ARGS[@]}" ;;
    ecmp) topo_ecmp "${TOPO_ARGS[@]}" ;;
    many) topo_many "${TOPO_ARGS[@]}" ;;
    *) die "up: unknown topology '$TOPO' (chain, lossy, unreachable, ecmp, many)" ;;
    esac
    delay_model
    tcp_model
    mtu_model
    if [ "$DNS" = 1 ] && [ -z "$(dnsmasq_bin)" ]; then
        die "up $TOPO: --dns needs dnsmasq (Debian package dnsmasq-base)"
    fi

    teardown || die "up $TOPO: could not remove the previous lab $LAB_ID"
    for node in "${NODES[@]}"; do
        if ns_exists "$NSP$node"; then
            die "up $TOPO: namespace $NSP$node exists but is not recorded in" \
                "$RUN_BASE/$LAB_ID/nodes; remove it with: ip netns del $NSP$node"
        fi
    done

    BUILDING=1
    trap 'up_fail interrupted' INT TERM HUP
    mkdir_retry "$RUN_BASE/$LAB_ID" || up_fail "cannot create $RUN_BASE/$LAB_ID"
    : >"$RUN_BASE/$LAB_ID/nodes" || up_fail "cannot write $RUN_BASE/$LAB_ID/nodes"

    # Each namespace is recorded before it is created, so that at any point of a failure
    # the record covers everything built.
    for node in "${NODES[@]}"; do
        printf '%s\n' "$NSP$node" >>"$RUN_BASE/$LAB_ID/nodes" ||
            up_fail "cannot write $RUN_BASE/$LAB_ID/nodes"
        step "ip netns add $NSP$node" ip netns add "$NSP$node"
    done
    for node in "${NODES[@]}"; do
        ns_sysctls "$node"
        step "lo up in $NSP$node" ip -n "$NSP$node" link set lo up
    done

    # Links: veth pairs are created directly in the namespaces, never in the root one.
    # Addresses and link state come next, routes last (their gateways must be on-link).
    declare -A create=() addrs=()
    for i in "${!LINK_A[@]}"; do
        a=${LINK_A[i]} b=${LINK_B[i]}
        create[$a]+="link add to-$b type veth peer name to-$a netns $NSP$b"$'\n'
        addrs[$a]+="addr add ${L4_1[i]}/24 dev to-$b"$'\n'
        addrs[$a]+="addr add ${L6_1[i]}/64 dev to-$b nodad"$'\n'"link set to-$b up"$'\n'
        addrs[$b]+="addr add ${L4_2[i]}/24 dev to-$a"$'\n'
        addrs[$b]+="addr add ${L6_2[i]}/64 dev to-$a nodad"$'\n'"link set to-$a up"$'\n'
    done
    for node in "${NODES[@]}"; do
        batch "veths of $NSP$node" "$NSP$node" "${create[$node]:-}"
    done
    for node in "${NODES[@]}"; do
        batch "addresses of $NSP$node" "$NSP$node" "${addrs[$node]:-}"
    done
    for node in "${NODES[@]}"; do
        batch "routes of $NSP$node" "$NSP$node" "${ROUTES[$node]}"
        # For "link ... up" and "shortcut ... del", which put them back.
        printf '%s' "${ROUTES[$node]}" >"$RUN_BASE/$LAB_ID/routes-$node" &&
            printf '%s' "${addrs[$node]:-}" >"$RUN_BASE/$LAB_ID/addrs-$node" ||
            up_fail "cannot write $RUN_BASE/$LAB_ID/routes-$node"
    done
    for i in "${!RULE_CMD[@]}"; do
        eval "argv=(${RULE_CMD[i]})"
        out="${argv[*]}"
        step "${out%% -j *} in $NSP${RULE_NODE[i]}" \
            ip netns exec "$NSP${RULE_NODE[i]}" "${argv[@]}"
    done
    write_client_etc
    wait_ready
    # The background helpers start last, on a lab whose links are ready.
    start_delays
    start_tcp_listen
    if [ "$DNS" = 1 ]; then
        STEP_NO=$((STEP_NO + 1))
        if [ "${LAB_TEST_FAIL_STEP:-}" = "$STEP_NO" ]; then
            up_fail "dns: simulated failure (LAB_TEST_FAIL_STEP=$STEP_NO)"
        fi
        dns_start || up_fail "dns: $ERRMSG"
    fi
    write_env "$@"
    BUILDING=0
    trap - INT TERM HUP
}

# ---- other commands ------------------------------------------------------------------------

cmd_down() {
    [ $# = 0 ] || die "down: takes no arguments"
    teardown || die "down: could not remove all of lab $LAB_ID"
}

cmd_exec() {
    local node name
    [ $# -ge 2 ] || die "exec: usage: exec NODE CMD [ARG...]"
    node=$1
    shift
    [[ $node =~ ^[a-z0-9]{1,6}$ ]] || die "exec: bad node name '$node'"
    name=$NSP$node
    ns_exists "$name" || die "exec: no namespace $name (is lab $LAB_ID up?)"
    exec ip netns exec "$name" "$@"
}

cmd_env() {
    [ $# = 0 ] || die "env: takes no arguments"
    [ -f "$RUN_BASE/$LAB_ID/env" ] || die "env: lab $LAB_ID is not up"
    cat -- "$RUN_BASE/$LAB_ID/env"
}

cmd_list() {
    [ $# = 0 ] || die "list: takes no arguments"
    [ -f "$RUN_BASE/$LAB_ID/nodes" ] || return 0
    cat -- "$RUN_BASE/$LAB_ID/nodes"
}

cmd_dns() {
    [ $# = 1 ] || die "dns: usage: dns stop | start | pause | resume"
    [ -f "$RUN_BASE/$LAB_ID/env" ] || die "dns: lab $LAB_ID is not up"
    grep -qx "LAB_DNS='1'" "$RUN_BASE/$LAB_ID/env" ||
        die "dns: lab $LAB_ID was built without --dns"
    case $1 in
    start)
        # A paused server runs: let it answer again too.
        if dns_running; then kill -CONT "$DNS_PID" 2>/dev/null; fi
        dns_start || die "dns start: $ERRMSG"
        ;;
    stop) dns_stop || die "dns stop: $ERRMSG" ;;
    # A paused server keeps its socket: queries are taken and never answered, as from a
    # server that went silent (lookups time out), unlike stop (refused at once).
    pause | resume)
        dns_running || die "dns $1: the lab's dnsmasq is not running"
        if [ "$1" = pause ]; then
            kill -STOP "$DNS_PID" || die "dns pause: kill -STOP $DNS_PID failed"
        else
            kill -CONT "$DNS_PID" || die "dns resume: kill -CONT $DNS_PID failed"
        fi
        ;;
    *) die "dns: unknown action '$1' (stop, start, pause, resume)" ;;
    esac
}

# Puts back what "up" configured on NODE: its addresses and its routes (replacing what is
# there; a route through a link that is down fails and is left out, ip -force goes on).
restore_node() {
    local node=$1 dir=$RUN_BASE/$LAB_ID text
    [ -f "$dir/routes-$node" ] || die "no record of $node's routes in $dir"
    text=$(sed -e 's/^addr add /addr replace /' -e 's/^route add /route replace /' \
        "$dir/addrs-$node" "$dir/routes-$node")
    printf '%s\n' "$text" | tmo ip -n "$NSP$node" -force -batch - >/dev/null 2>&1
    return 0
}

# Checks that A and B are nodes of the lab that is up and that A has an interface to B.
neighbours() {
    local a=$1 b=$2
    [[ $a =~ ^[a-z0-9]{1,6}$ && $b =~ ^[a-z0-9]{1,6}$ ]] || die "bad node names '$a' '$b'"
    ns_exists "$NSP$a" && ns_exists "$NSP$b" || die "no nodes $a and $b in lab $LAB_ID"
    tmo ip -n "$NSP$a" link show "to-$b" >/dev/null 2>&1 || die "$a and $b are not neighbours"
}

cmd_link() {
    local a=${1:-} b=${2:-} state=${3:-}
    [ $# = 3 ] || die "link: usage: link A B down | up"
    neighbours "$a" "$b"
    case $state in
    down)
        tmo ip -n "$NSP$a" link set "to-$b" down || die "link: cannot take $a-$b down"
        tmo ip -n "$NSP$b" link set "to-$a" down || die "link: cannot take $a-$b down"
        ;;
    up)
        tmo ip -n "$NSP$a" link set "to-$b" up || die "link: cannot bring $a-$b up"
        tmo ip -n "$NSP$b" link set "to-$a" up || die "link: cannot bring $a-$b up"
        wait_ns_ready "$NSP$a" "$NSP$b" || die "link: $a-$b did not come up"
        restore_node "$a"
        restore_node "$b"
        ;;
    *) die "link: unknown state '$state' (down, up)" ;;
    esac
}

# The index of a chain node: c 0, rK K, t the chain's length.
chain_index() {
    case $1 in
    c) echo 0 ;;
    t) echo "$CHAIN_LEN" ;;
    r[0-9]*) echo "${1#r}" ;;
    *) return 1 ;;
    esac
}

# The shortcut's link: the last of the address tables, never one of a chain's (<= 60).
SC_LINK=63

cmd_shortcut() {
    local a=${1:-} b=${2:-} what=${3:-} ia ib i text_a="" text_b=""
    [ $# = 3 ] || die "shortcut: usage: shortcut A B add | del"
    [ -f "$RUN_BASE/$LAB_ID/env" ] || die "shortcut: lab $LAB_ID is not up"
    CHAIN_LEN=$(sed -n "s/^LAB_CHAIN_LEN='\([0-9]*\)'$/\1/p" "$RUN_BASE/$LAB_ID/env")
    [ -n "$CHAIN_LEN" ] || die "shortcut: lab $LAB_ID is not a chain"
    ia=$(chain_index "$a") && ib=$(chain_index "$b") || die "shortcut: '$a' '$b' are not chain nodes"
    [ "$ia" -lt $((ib - 1)) ] && [ "$ib" -le "$CHAIN_LEN" ] ||
        die "shortcut: $a must come before $b on the chain, with a node between them"
    ns_exists "$NSP$a" && ns_exists "$NSP$b" || die "shortcut: no nodes $a and $b in lab $LAB_ID"
    addr_tables
    case $what in
    add)
        tmo ip -n "$NSP$a" link add "sc-$b" type veth peer name "sc-$a" netns "$NSP$b" ||
            die "shortcut: cannot add the link $a-$b"
        text_a="addr add ${L4_1[SC_LINK]}/24 dev sc-$b"$'\n'
        text_a+="addr add ${L6_1[SC_LINK]}/64 dev sc-$b nodad"$'\n'"link set sc-$b up"$'\n'
        text_b="addr add ${L4_2[SC_LINK]}/24 dev sc-$a"$'\n'
        text_b+="addr add ${L6_2[SC_LINK]}/64 dev sc-$a nodad"$'\n'"link set sc-$a up"$'\n'
        printf '%s' "$text_a" | tmo ip -n "$NSP$a" -batch - || die "shortcut: cannot set up $a"
        printf '%s' "$text_b" | tmo ip -n "$NSP$b" -batch - || die "shortcut: cannot set up $b"
        wait_ns_ready "$NSP$a" "$NSP$b" || die "shortcut: the link $a-$b did not come up"
        text_a="" text_b=""
        # A reaches the links from B on through B; B the links before A through A.
        for ((i = ib; i < CHAIN_LEN; i++)); do
            text_a+="route replace ${PFX4[i]} via ${L4_2[SC_LINK]} dev sc-$b"$'\n'
            text_a+="route replace ${PFX6[i]} via ${L6_2[SC_LINK]} dev sc-$b"$'\n'
        done
        for ((i = 0; i < ia; i++)); do
            text_b+="route replace ${PFX4[i]} via ${L4_1[SC_LINK]} dev sc-$a"$'\n'
            text_b+="route replace ${PFX6[i]} via ${L6_1[SC_LINK]} dev sc-$a"$'\n'
        done
        printf '%s' "$text_a" | tmo ip -n "$NSP$a" -batch - || die "shortcut: routes of $a"
        if [ -n "$text_b" ]; then
            printf '%s' "$text_b" | tmo ip -n "$NSP$b" -batch - || die "shortcut: routes of $b"
        fi
        ;;
    del)
        tmo ip -n "$NSP$a" link del "sc-$b" || die "shortcut: no shortcut $a-$b"
        restore_node "$a"
        restore_node "$b"
        ;;
    *) die "shortcut: unknown action '$what' (add, del)" ;;
    esac
}

# ---- main --------------------------------------------------------------------------------------

LAB_ID=${LAB_ID:-0}
RATELIMITS=lifted
DNS=0
while [ $# -gt 0 ]; do
    case $1 in
    --id)
        [ $# -ge 2 ] || die "--id needs a value"
        LAB_ID=$2
        shift 2
        ;;
    --id=*)
        LAB_ID=${1#--id=}
        shift
        ;;
    --keep-ratelimits)
        RATELIMITS=kernel
        shift
        ;;
    --dns)
        DNS=1
        shift
        ;;
    -h | --help)
        usage
        exit 0
        ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) break ;;
    esac
done
[[ $LAB_ID =~ ^[a-z0-9]{1,6}$ ]] || die "bad lab ID '$LAB_ID' (want ^[a-z0-9]{1,6}\$)"
NSP=hwl$LAB_ID-
[ $# -ge 1 ] || {
    usage >&2
    exit 2
}
cmd=$1
shift
case $cmd in
up | down | dns | link | shortcut)
    [ "$(id -u)" = 0 ] || die "$cmd: needs root"
    "cmd_$cmd" "$@"
    ;;
exec | env | list) "cmd_$cmd" "$@" ;;
help)
    usage
    exit 0
    ;;
*) die "unknown command '$cmd' (see --help)" ;;
esac
