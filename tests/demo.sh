#!/usr/bin/env bash
# make demo: the main job end to end on a veth pair in throwaway namespaces.
# A sink counts what arrives at the far end; both ends are printed; the
# namespaces go away on every exit path.
. "$(dirname "$0")/e2e/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "make demo needs root (it creates network namespaces)" >&2; exit 1; }
setup_pair none || { echo "could not create the veth pair" >&2; exit 1; }

echo "== receiver: trafficgen sink on $VR (namespace $NSR)"
ip netns exec "$NSR" "$TG" sink -D 7 -I 0 "$VR" >"$TMP/sink.out" 2>&1 &
sink=$!
CLEANUP_EXTRA="kill -9 $sink 2>/dev/null"
# The sink's XDP program is what lets the veth take redirected frames.
for i in $(seq 50); do ip -n "$NSR" link show dev "$VR" | grep -q prog/xdp && break; sleep 0.1; done

echo "== sender: trafficgen udp --stamp -D 5 -t 2 on $VG (namespace $NSG)"
in_g "$TG" udp -D 5 -t 2 --stamp -m "$VR_MAC" -a "$R4" -A "$G4" -p 1000 -d 100 "$VG"
kill -INT "$sink"
wait "$sink"
echo "== what the far end received"
cat "$TMP/sink.out"
