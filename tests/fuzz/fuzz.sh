#!/bin/sh
# tests/fuzz/fuzz.sh - the shell half of `make fuzz` (see fuzz.am), run from
# the top build directory:
#   fuzz.sh check-tools CLANG           can CLANG build libFuzzer harnesses?
#   fuzz.sh run NAME SECONDS SRCDIR [LIBFUZZER FLAGS...]
#                                       build the corpus of fuzz_NAME and
#                                       run it; non-zero exit on a finding
set -u

# check-tools CLANG: a one-line message naming the Debian packages when
# clang or its libFuzzer/sanitizer runtime is missing.
check_tools() {
    cc=$1
    if [ -z "$cc" ] || ! command -v "$cc" >/dev/null 2>&1; then
        echo "make fuzz: clang not found: apt-get install clang libclang-rt-dev" \
             "(or make fuzz CLANG=/path/to/clang)" >&2
        exit 1
    fi
    mkdir -p tests/fuzz
    cat > tests/fuzz/toolcheck.c <<'EOF'
int LLVMFuzzerTestOneInput(const unsigned char *data, unsigned long size);
int LLVMFuzzerTestOneInput(const unsigned char *data, unsigned long size)
{
    return data == 0 && size > 0;
}
EOF
    if ! "$cc" -fsanitize=fuzzer,address,undefined -o tests/fuzz/toolcheck \
            tests/fuzz/toolcheck.c >/dev/null 2>&1; then
        # Debian ships the runtime of clang N >= 14 in libclang-rt-N-dev
        # (only recommended by clang, so --no-install-recommends skips it),
        # of older ones in libclang-common-N-dev.
        v=$("$cc" -dumpversion 2>/dev/null | sed 's/\..*//')
        case $v in
        [0-9]|1[0-3]) pkg=libclang-common-$v-dev ;;
        [0-9]*) pkg=libclang-rt-$v-dev ;;
        *) pkg=libclang-rt-dev ;;
        esac
        echo "make fuzz: $cc cannot link -fsanitize=fuzzer,address,undefined" \
             "(no libFuzzer runtime): apt-get install $pkg" >&2
        rm -f tests/fuzz/toolcheck tests/fuzz/toolcheck.c
        exit 1
    fi
    rm -f tests/fuzz/toolcheck tests/fuzz/toolcheck.c
}

# corpus NAME SRCDIR: tests/fuzz/corpus/NAME gets the hand seeds of
# tests/fuzz/seeds/NAME and the golden packets tests/data/NAME_*.hex as
# binary; fuzz_icmp4 also gets the ICMP part of every ip4_*.hex.  Inputs the
# fuzzer added on earlier runs stay.
corpus() {
    name=$1
    src=$2
    dir=tests/fuzz/corpus/$name
    mkdir -p "$dir" || exit 1
    # Copied by content: in a distcheck the sources are read-only, and a
    # read-only copy could not be replaced on the next run.
    for f in "$src/tests/fuzz/seeds/$name"/*; do
        [ -f "$f" ] || continue
        rm -f "$dir/${f##*/}"
        cat "$f" > "$dir/${f##*/}" || exit 1
    done
    for f in "$src"/tests/data/*.hex; do
        [ -f "$f" ] || continue
        b=$(basename "$f" .hex)
        case $b in
        "$name"_*)
            tests/fuzz/hex2bin "$b.hex" "$dir/$b" || exit 1 ;;
        esac
        # Packets whose outer header is malformed have no ICMP part.
        case $name:$b in
        icmp4:ip4_*)
            tests/fuzz/hex2bin -s "$b.hex" "$dir/$b" 2>/dev/null || rm -f "$dir/$b" ;;
        tcp4:ip4_tcp_*)
            tests/fuzz/hex2bin "$b.hex" "$dir/$b" || exit 1 ;;
        esac
    done
}

# run NAME SECONDS SRCDIR [FLAGS...]
run() {
    name=$1
    secs=$2
    src=$3
    shift 3
    corpus "$name" "$src"
    art=$(pwd)/tests/fuzz/artifacts/$name
    log=tests/fuzz/logs/$name.log
    mkdir -p "$art" tests/fuzz/logs || exit 1
    dict=
    if [ -f "$src/tests/fuzz/$name.dict" ]; then
        dict=-dict=$src/tests/fuzz/$name.dict
    fi
    seeds=$(ls "tests/fuzz/corpus/$name" | wc -l)
    echo "fuzz_$name: $secs s from $seeds inputs, log in $log"
    # -timeout: an input that hangs is a finding too; the total stays
    # bounded by max_total_time plus that.
    UBSAN_OPTIONS=print_stacktrace=1 \
    "tests/fuzz/fuzz_$name" -max_total_time="$secs" -timeout=25 \
        -artifact_prefix="$art/" -print_final_stats=1 ${dict:+"$dict"} "$@" \
        "tests/fuzz/corpus/$name" > "$log" 2>&1
    rc=$?
    # libFuzzer's last status line: runs, coverage (cov: edges, ft:
    # features), corpus size and executions per second.
    grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 | sed "s/^/fuzz_$name: /"
    if [ "$rc" -ne 0 ]; then
        grep -E 'invariant failed|^==[0-9]+==ERROR|^SUMMARY|runtime error' "$log" | head -n 5 \
            | sed "s/^/fuzz_$name: /" >&2
        repro=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
        echo "fuzz_$name: FAILED (exit $rc); reproducer: ${repro:-none, see $log}" >&2
        if [ -n "$repro" ]; then
            echo "fuzz_$name: reproduce with: tests/fuzz/fuzz_$name $repro" >&2
        fi
        exit 1
    fi
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
check-tools) check_tools "${1:-}" ;;
run) run "$@" ;;
*) echo "usage: fuzz.sh check-tools CLANG | run NAME SECONDS SRCDIR [FLAGS...]" >&2; exit 2 ;;
esac
