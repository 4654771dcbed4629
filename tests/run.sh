#!/usr/bin/env bash
# Runs the test tiers (unit, bpf, e2e, or all) and ends with one line
# "N passed, N failed[, N skipped]". Every test speaks TAP: cmocka binaries
# through CMOCKA_MESSAGE_OUTPUT=TAP, shell tests through tests/e2e/lib.sh.
set -u
BUILD=${BUILD:-build}
export BUILD
tier=${1:-all}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
logdir=$BUILD/tests/logs
mkdir -p "$logdir"

pass=0 fail=0 skip=0

# Runs one test program; counts its TAP lines; shows failures in full.
run_one() {
	local name=$1 log="$logdir/$(basename "$1").log" rc p f s
	shift
	CMOCKA_MESSAGE_OUTPUT=TAP timeout -k 5 "${TEST_TIMEOUT:-300}" "$@" >"$log" 2>&1
	rc=$?
	p=$(grep -E '^ok ' "$log" | grep -vc '# SKIP')
	s=$(grep -E '^ok ' "$log" | grep -c '# SKIP')
	f=$(grep -cE '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		# A crash or a timeout after the last verdict still fails.
		echo "not ok - $name exited with status $rc" >>"$log"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	printf '%-40s %3d passed, %d failed%s\n' "$name" "$p" "$f" \
		"$([ "$s" -gt 0 ] && echo ", $s skipped")"
	if [ "$f" -gt 0 ]; then
		sed 's/^/    | /' "$log"
	fi
}

tier_unit() {
	local t
	for t in "$BUILD"/tests/unit/test_*; do
		[ -x "$t" ] && run_one "unit/$(basename "$t")" "$t"
	done
	for t in tests/unit/*.sh; do
		[ -f "$t" ] && run_one "unit/$(basename "$t")" bash "$t"
	done
}

tier_bpf() {
	local t
	for t in "$BUILD"/tests/bpf/test_*; do
		[ -x "$t" ] && run_one "bpf/$(basename "$t")" "$t"
	done
}

tier_e2e() {
	local t
	for t in tests/e2e/test_*.sh; do
		[ -f "$t" ] && run_one "e2e/$(basename "$t")" bash "$t"
	done
}

case $tier in
unit) tier_unit ;;
bpf) tier_bpf ;;
e2e) tier_e2e ;;
all) tier_unit; tier_bpf; tier_e2e ;;
*) echo "usage: $0 unit|bpf|e2e|all" >&2; exit 2 ;;
esac

if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
