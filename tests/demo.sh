#!/usr/bin/env bash
# make demo: the main job end to end. --veth makes a veth pair between two
# throwaway namespaces, runs a sink at the far end, sends for 5 seconds and
# prints both ends; the namespaces go away with the process.
set -u
BUILD=${BUILD:-build}
[ "$(id -u)" -eq 0 ] || { echo "make demo needs root (it creates network namespaces)" >&2; exit 1; }
set -x
exec "$BUILD/trafficgen" udp --veth -D 5 --stamp
