#!/bin/sh
# pidns_bench under the kernel backend with --unshare-pid (the reference),
# the emulate backend without it, and the emulate backend with it (the
# sentry's pid namespace): the mean per operation and the ratios
# (docs/performance.md, "The pid namespace").
#   bench/pidns_bench.sh BUILD_DIR [ITERATIONS]
set -eu
b=$1
n=${2:-20000}
exe=$(cd "$b" && pwd)/bench/pidns_bench
run() {
	"$b/cmd/veil" "$@" --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib \
		--symlink usr/lib64 /lib64 --tmpfs /tmp --proc /proc \
		--ro-bind "$(dirname "$exe")" /bench -- /bench/pidns_bench "$n"
}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
run --backend=kernel --unshare-pid >"$t/k"
run --backend=emulate >"$t/e"
run --backend=emulate --unshare-pid >"$t/p"
paste "$t/k" "$t/e" "$t/p" | awk -F'\t' '{
	split($1, k, / +/); split($2, e, / +/); split($3, p, / +/)
	kn = k[length(k) - 1]; en = e[length(e) - 1]; pn = p[length(p) - 1]
	printf "%-16s kernel+pidns %8.0f ns  emulate %8.0f ns  emulate+pidns %8.0f ns  %5.2fx kernel  %5.2fx emulate\n",
		substr($1, 1, 16), kn, en, pn, pn / kn, pn / en }'
