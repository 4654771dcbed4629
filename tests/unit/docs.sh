#!/usr/bin/env bash
# The man page is assembled from its parts and documents every option of
# every command's table (read back from --help, which the table generates).
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
TG=$BUILD/trafficgen
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; printf '# %s\n' "$@"; }

# Rebuilt from the parts: a stale committed page shows up as a diff.
make -s --no-print-directory -B man >/dev/null 2>&1
if ! git rev-parse --git-dir >/dev/null 2>&1 || git diff --quiet -- man/trafficgen.8; then
	ok "man/trafficgen.8 is up to date with its parts"
else
	not_ok "man/trafficgen.8 is up to date with its parts" "run 'make man' and commit it"
fi

page=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' man/trafficgen.8)
cmds=$("$TG" --help | awk '/^Commands:/ { on = 1; next } on && !NF { exit } on { print $1 }')
[ -n "$cmds" ] && ok "trafficgen --help lists commands" || not_ok "trafficgen --help lists commands"
for c in $cmds; do
	grep -q "^\.SH $(echo "$c" | tr a-z A-Z)\$" man/trafficgen.8 &&
		ok "man page has a section for $c" || not_ok "man page has a section for $c"
	for o in $("$TG" "$c" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+'); do
		[ "$o" = --help ] && continue
		if grep -qF -- "$o" <<<"$page"; then
			ok "man page documents $c $o"
		else
			not_ok "man page documents $c $o"
		fi
	done
done
echo "1..$n"
[ "$failed" -eq 0 ]
