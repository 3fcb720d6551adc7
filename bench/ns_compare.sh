#!/bin/sh
# A bench program (lines NAME VALUE UNIT) under a namespace flag: the
# kernel backend (real namespaces) against the emulate backend (the
# sentry's), best of RUNS each, with the ratio emulate/kernel (for rates:
# kernel/emulate, so above 1 is always slower). docs/performance.md.
#   bench/ns_compare.sh BUILD_DIR PROGRAM FLAG [SCALE] [RUNS]
set -eu
b=$1
exe=$(cd "$b" && pwd)/bench/$2
flag=$3
scale=${4:-1}
runs=${5:-3}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
run() {
	for _ in $(seq "$runs"); do
		"$b/cmd/veil" --backend="$1" "$flag" --ro-bind /usr /usr --symlink usr/lib /lib \
			--symlink usr/lib64 /lib64 --ro-bind "$(dirname "$exe")" /bench -- \
			"/bench/$(basename "$exe")" "$scale"
	done | awk '{ if ($3 == "us") { if (!($1 in v) || $2 < v[$1]) v[$1] = $2 }
		     else { if (!($1 in v) || $2 > v[$1]) v[$1] = $2 } u[$1] = $3; if (!($1 in o)) o[$1] = n++ }
		     END { for (k in v) print o[k], k, v[k], u[k] }' | sort -n | cut -d' ' -f2-
}
run kernel >"$t/kernel"
run emulate >"$t/emulate"
paste -d' ' "$t/kernel" "$t/emulate" | awk '{
	r = ($3 == "us") ? $5 / $2 : $2 / $5
	printf "%-15s kernel %9.2f %-5s emulate %9.2f %-5s  %5.2fx\n", $1, $2, $3, $5, $6, r }'
