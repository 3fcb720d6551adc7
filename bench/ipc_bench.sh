#!/bin/sh
# bench/ipc_pingpong under --unshare-ipc: the kernel backend (a real IPC
# namespace) against the emulate backend (the sentry's, sentry/kernel/
# ipcns.h): bench/ns_compare.sh. docs/performance.md.
#   bench/ipc_bench.sh BUILD_DIR [SCALE] [RUNS]
set -eu
exec "$(dirname "$0")/ns_compare.sh" "$1" ipc_pingpong --unshare-ipc "${2:-1}" "${3:-3}"
