#!/bin/sh
# Random path syscalls (path_storm.py), natively on a fresh tmpfs and
# inside veil under each backend, compared line for line. Prints one TAP
# line per seed and backend, with the first differing lines.
#
#   path_storm.sh VEIL [SEEDS [COUNT [BACKENDS]]]
#
# SEEDS: a number of fresh random seeds (default 5), or a list "0x1 0x2";
# COUNT: calls per seed (default 2000); BACKENDS: "emulate kernel".
# As root (the native run mounts a tmpfs in a private mount namespace).
set -u
veil=$(realpath "$1")
seeds=${2:-5}
count=${3:-2000}
backends=${4:-emulate kernel}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d /var/tmp/veil-path-storm.XXXXXX)
trap 'rm -rf "$out"' EXIT
case $seeds in
*[!0-9]*) ;;
*) seeds=$(od -An -N$((4 * seeds)) -tx4 /dev/urandom | tr -s ' \n' ' ' | sed 's/ \([0-9a-f]\)/ 0x\1/g') ;;
esac
storm() { echo "python3 /fuzz/path_storm.py $1 $count /tmp/w/storm"; }
n=0
fail=0
for s in $seeds; do
	unshare -m --propagation private sh -c "mount -t tmpfs -o mode=755 tmpfs /tmp && mkdir -p /tmp/w;
		mount --bind '$here' /mnt && cd /tmp/w &&
		python3 /mnt/path_storm.py $s $count /tmp/w/storm" >"$out/native" 2>&1
	for b in $backends; do
		n=$((n + 1))
		"$veil" --backend="$b" --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib \
			--symlink usr/lib64 /lib64 --tmpfs /tmp --dir /tmp/w --chdir /tmp/w \
			--ro-bind "$here" /fuzz --dev /dev --proc /proc \
			sh -c "$(storm "$s")" >"$out/$b" 2>&1
		if cmp -s "$out/native" "$out/$b"; then
			echo "ok $n - seed $s: $b = native"
		else
			fail=$((fail + 1))
			echo "not ok $n - seed $s: $b differs from native"
			diff "$out/native" "$out/$b" | head -10 | sed 's/^/# /'
		fi
	done
done
echo "1..$n"
[ $fail = 0 ]
