#!/usr/bin/env bash
# Runs test tiers (unit, bpf, e2e, bench, or all: unit, bpf and e2e; several
# may be named) and ends with one line "N passed, N failed[, N skipped]".
# Every test speaks TAP: cmocka binaries through CMOCKA_MESSAGE_OUTPUT=TAP,
# shell tests through tests/e2e/lib.sh.
#
# The tests run in parallel, TEST_JOBS at a time (default: one more than
# the CPUs, as the end-to-end scripts spend much of their time waiting on
# the kernel): each end-to-end script makes its own uniquely named
# namespaces, and none changes anything outside them. A script with a line
# "# run alone: WHY" (its timings measure the machine) runs after the others,
# with nothing beside it. The bench smoke test (tier bench) flips
# kernel.bpf_stats_enabled, so it is not in `all`. The report comes once
# all have ended, in a fixed order.
set -u
BUILD=${BUILD:-build}
export BUILD
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
logdir=$BUILD/tests/logs
mkdir -p "$logdir"
jobs=${TEST_JOBS:-$(($(nproc) + 1))}

names=() cmds=() alone=()

# add NAME CMD...: a test to run (CMD's words kept as given); alone if its
# script (CMD's last word) says "# run alone".
add() {
	names+=("$1")
	shift
	cmds+=("$(printf '%q ' "$@")")
	alone+=("$(grep -qsx '# run alone:.*' "${!#}" && echo 1)")
}

log_of() { echo "$logdir/$(echo "$1" | tr / _).log"; }

# run_one NAME CMD...: runs it into its log, then its TAP counts into
# LOG.res: "passed failed skipped".
run_one() {
	local log rc p f s
	log=$(log_of "$1")
	shift
	CMOCKA_MESSAGE_OUTPUT=TAP timeout -k 5 "${TEST_TIMEOUT:-300}" "$@" >"$log" 2>&1 </dev/null
	rc=$?
	p=$(grep -E '^ok ' "$log" | grep -vc '# SKIP')
	s=$(grep -E '^ok ' "$log" | grep -c '# SKIP')
	f=$(grep -cE '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		# A crash or a timeout after the last verdict still fails.
		echo "not ok - $(basename "$log" .log) exited with status $rc" >>"$log"
		f=1
	fi
	echo "$p $f $s" >"$log.res"
}

tier_unit() {
	local t
	for t in "$BUILD"/tests/unit/test_*; do
		[ -x "$t" ] && add "unit/$(basename "$t")" "$t"
	done
	for t in tests/unit/*.sh; do
		[ -f "$t" ] && add "unit/$(basename "$t")" bash "$t"
	done
}

tier_bpf() {
	local t
	for t in "$BUILD"/tests/bpf/test_*; do
		[ -x "$t" ] && add "bpf/$(basename "$t")" "$t"
	done
}

tier_e2e() {
	local t
	for t in tests/e2e/test_*.sh; do
		[ -f "$t" ] && add "e2e/$(basename "$t")" bash "$t"
	done
}

tier_bench() { add bench/smoke.sh bash tests/bench/smoke.sh; }

[ $# -gt 0 ] || set -- all
for tier in "$@"; do
	case $tier in
	unit) tier_unit ;;
	bpf) tier_bpf ;;
	e2e) tier_e2e ;;
	bench) tier_bench ;;
	all) tier_unit; tier_bpf; tier_e2e ;;
	*) echo "usage: $0 [unit|bpf|e2e|bench|all]..." >&2; exit 2 ;;
	esac
done

# The slowest first, so that they do not start last: by their last run's
# time, which each test leaves beside its log; with none yet, end-to-end
# scripts (seconds to a minute) before the rest (a second or two).
guess() {
	cat "$(log_of "$1").time" 2>/dev/null && return
	case $1 in e2e/*|bench/*) echo 30 ;; *) echo 0 ;; esac
}
order=$(for i in "${!names[@]}"; do
	echo "$(guess "${names[i]}") $i"
done | sort -s -rn -k1,1 | awk '{ print $2 }')

# start I: test I in the background.
start() {
	rm -f "$(log_of "${names[$1]}").res"
	(
		t0=$(date +%s)
		eval "run_one \"\${names[$1]}\" ${cmds[$1]}"
		echo $(($(date +%s) - t0)) >"$(log_of "${names[$1]}").time"
	) &
}

trap 'kill $(jobs -p) 2>/dev/null; exit 130' INT TERM
for i in $order; do
	[ -n "${alone[i]}" ] && continue
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	start "$i"
done
wait
for i in $order; do
	[ -n "${alone[i]}" ] || continue
	start "$i"
	wait
done

pass=0 fail=0 skip=0
for i in "${!names[@]}"; do
	log=$(log_of "${names[i]}")
	read -r p f s <"$log.res" || { p=0 f=1 s=0; }
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	printf '%-40s %3d passed, %d failed%s\n' "${names[i]}" "$p" "$f" \
		"$([ "$s" -gt 0 ] && echo ", $s skipped")"
	if [ "$f" -gt 0 ]; then
		sed 's/^/    | /' "$log"
	fi
done

if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
