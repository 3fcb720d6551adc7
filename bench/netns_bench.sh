#!/bin/sh
# bench/netns_loopback under --unshare-net: the kernel backend (a real
# network namespace) against the emulate backend (the sentry's, sentry/net/
# inet.h): bench/ns_compare.sh. docs/performance.md.
#   bench/netns_bench.sh BUILD_DIR [SCALE] [RUNS]
set -eu
exec "$(dirname "$0")/ns_compare.sh" "$1" netns_loopback --unshare-net "${2:-1}" "${3:-3}"
