#!/usr/bin/env bash
# The folders say what may include what (lib/README): generic lib/ includes
# no command's folder and nothing of the CLI; a command's folder includes
# generic lib/ and, where that command runs another's piece, that folder
# (udp and tcp start a sink at the far end of --veth); nothing in lib/
# includes the CLI's headers; the product's programs in bpf/ include
# nothing from tests/.
set -u
cd "$(dirname "$0")/../.." || exit 1
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; printf '# %s\n' "$@"; }

# Prints "file: header" for each quoted include in the files given whose
# header matches the extended regex $1.
includes() {
	local re=$1
	shift
	grep -HoE "^#include \"($re)\"" "$@" /dev/null | sed 's/#include //; s/"//g'
}

# The CLI's own headers, by name: lib/ must never need them.
cli_hdrs=$(cd trafficgen && ls *.h | sed 's/\./\\./g' | paste -sd'|')

check() { # name, offending lines
	if [ -z "$2" ]; then ok "$1"; else not_ok "$1" $2; fi
}

generic=$(ls lib/*.c lib/*.h)
check "generic lib/ includes no command folder" \
	"$(includes '(udp|tcp|sink)/[^"]*' $generic)"
check "lib/ includes none of the CLI's headers" \
	"$(includes "$cli_hdrs" $generic lib/*/*.[ch])"
check "lib/sink includes no other command's folder" \
	"$(includes '(udp|tcp)/[^"]*' lib/sink/*.[ch])"
check "lib/udp includes no tcp/ header" "$(includes 'tcp/[^"]*' lib/udp/*.[ch])"
check "lib/tcp includes no udp/ header" "$(includes 'udp/[^"]*' lib/tcp/*.[ch])"
# xdptest's xsk check runs sink --xsk's receiver, and nothing else of the sink.
check "lib/xdptest includes no tcp/ header, and of sink/ only its AF_XDP receiver" \
	"$(includes '(tcp|sink)/[^"]*' lib/xdptest/*.[ch] | grep -v ':sink/xsk_sink\.h$')"
# A folder's headers are named with their folder, never bare: a bare name
# would find a generic header of the same name, or nothing.
for d in udp tcp sink xdptest; do
	bare=$(for h in lib/$d/*.h; do
		b=$(basename "$h")
		[ -e "lib/$b" ] && continue
		grep -lE "^#include \"$b\"" lib/*.[ch] lib/*/*.[ch] trafficgen/* tests/*/*.[ch] 2>/dev/null |
			sed "s|\$|: $b|"
	done)
	check "lib/$d headers included as $d/NAME.h" "$bare"
done
check "bpf/ includes nothing from tests/" "$(grep -HoE '^#include "[^"]*tests/[^"]*"' bpf/*.[ch] bpf/*/*.c)"
check "no test-only program among the product's (bpf/*.bpf.c all loaded by lib/ or trafficgen/)" \
	"$(for p in bpf/*.bpf.c; do s=$(basename "$p" .bpf.c); grep -qE "\"$s\.skel\.h\"" lib/*.c lib/*/*.c trafficgen/*.c || echo "$p"; done)"

echo "1..$n"
[ "$failed" -eq 0 ]
