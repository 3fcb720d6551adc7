#!/bin/sh
# bench/netns_loopback under --unshare-net: the kernel backend (a real
# network namespace) against the emulate backend (the sentry's, sentry/net/
# inet.h), best of RUNS each, with the ratio emulate/kernel (for rates:
# kernel/emulate, so above 1 is always slower). docs/performance.md.
#   bench/netns_bench.sh BUILD_DIR [SCALE] [RUNS]
set -eu
b=$1
scale=${2:-1}
runs=${3:-3}
exe=$(cd "$b" && pwd)/bench/netns_loopback
run() {
	for _ in $(seq "$runs"); do
		"$b/cmd/veil" --backend="$1" --unshare-net --ro-bind /usr /usr --symlink usr/lib /lib \
			--symlink usr/lib64 /lib64 --ro-bind "$(dirname "$exe")" /bench -- /bench/netns_loopback "$scale"
	done | awk '{ if ($3 == "us") { if (!($1 in v) || $2 < v[$1]) v[$1] = $2 }
		     else { if (!($1 in v) || $2 > v[$1]) v[$1] = $2 } u[$1] = $3; if (!($1 in o)) o[$1] = n++ }
		     END { for (k in v) print o[k], k, v[k], u[k] }' | sort -n | cut -d' ' -f2-
}
run kernel >/tmp/netns_bench.kernel.$$
run emulate >/tmp/netns_bench.emulate.$$
paste -d' ' /tmp/netns_bench.kernel.$$ /tmp/netns_bench.emulate.$$ | awk '{
	r = ($3 == "us") ? $5 / $2 : $2 / $5
	printf "%-15s kernel %9.2f %-5s emulate %9.2f %-5s  %5.2fx\n", $1, $2, $3, $5, $6, r }'
rm -f /tmp/netns_bench.kernel.$$ /tmp/netns_bench.emulate.$$
