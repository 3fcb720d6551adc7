#!/bin/sh
# socket_bench natively and under the emulate backend, one after the other,
# with the ratio per line (docs/performance.md).
#   bench/socket_bench.sh BUILD_DIR [ITERATIONS]
set -eu
b=$1
n=${2:-20000}
exe=$(cd "$b" && pwd)/bench/socket_bench
"$exe" "$n" > /tmp/socket_bench.native.$$
"$b/cmd/veil" --backend=emulate --ro-bind /usr /usr --symlink usr/lib /lib \
	--symlink usr/lib64 /lib64 --tmpfs /tmp --ro-bind "$(dirname "$exe")" /bench -- /bench/socket_bench "$n" > /tmp/socket_bench.emulate.$$
paste /tmp/socket_bench.native.$$ /tmp/socket_bench.emulate.$$ | awk -F'\t' '{
	split($1, a, / +/); nn = a[length(a) - 1]; split($2, e, / +/); en = e[length(e) - 1]
	name = substr($1, 1, 34)
	printf "%s native %8.0f ns  emulate %8.0f ns  %6.1fx\n", name, nn, en, en / nn }'
rm -f /tmp/socket_bench.native.$$ /tmp/socket_bench.emulate.$$
