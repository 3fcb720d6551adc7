#!/bin/sh
# The sentry's memory under churn: each kind of bench/churn.c (and a shell
# loop) runs under the emulate backend for SECONDS; the sentry's RSS
# (VmRSS of veil's own process: the sentry is veil, the program its forked
# child, platform/unotify) and fd count are sampled every INTERVAL. After
# the first quarter (warm-up) RSS may grow by at most BOUND_KB, else the
# kind fails (docs/performance.md, "Memory under churn").
#
#   bench/soak.sh BUILD_DIR [SECONDS] [KINDS...]
#   env: INTERVAL (s, default SECONDS/10), BOUND_KB (default 1024)
#
# KINDS: files dirs stat forkexec threads sockets sendfd inotify proc
# copyup (bench/churn.c; in the sandbox's tmpfs, copyup in an overlay),
# bindfiles (files in a writable bind of a host directory under $TMPDIR),
# shell (default: all). Exits 1 if any kind grew past the bound.
set -u
b=$(cd "$1" && pwd)
secs=${2:-60}
shift
[ $# -gt 0 ] && shift
kinds=${*:-files dirs stat forkexec threads sockets sendfd inotify proc copyup bindfiles shell}
interval=${INTERVAL:-$((secs / 10 > 0 ? secs / 10 : 1))}
bound=${BOUND_KB:-1024}
veil=$b/cmd/veil
lower=$(mktemp -d)
bound_dir=$(mktemp -d)
trap 'rm -rf "$lower" "$bound_dir"' EXIT
i=0
while [ $i -lt 200 ]; do echo lower >"$lower/c$i"; i=$((i + 1)); done
B="--backend=emulate --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib
--symlink usr/lib64 /lib64 --tmpfs /tmp --proc /proc --dev /dev
--ro-bind $b/bench /bench --overlay-src $lower --tmp-overlay /ov --bind $bound_dir /w"

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

failed=0
for kind in $kinds; do
	case $kind in
	shell)
		# Writes, cats, mkdir/rm -rf and ls, as a shell script does.
		# shellcheck disable=SC2016
		set -- /bin/sh -c 'end=$(($(date +%s) + $1)); n=0
			while [ "$(date +%s)" -lt "$end" ]; do
				mkdir -p /tmp/d/e; echo "$n" >/tmp/d/e/f; cat /tmp/d/e/f >/dev/null
				ls /tmp/d >/dev/null; rm -rf /tmp/d; n=$((n + 1)); done
			echo "iterations $n"' sh "$secs" ;;
	copyup) set -- env CHURN_LOWER_FILES=200 /bench/churn copyup "${secs}s" /ov ;;
	bindfiles) set -- /bench/churn files "${secs}s" /w ;;
	*) set -- /bench/churn "$kind" "${secs}s" ;;
	esac
	out=$(mktemp)
	# shellcheck disable=SC2086
	"$veil" $B -- "$@" >"$out" 2>&1 &
	pid=$!
	t=0 warm='' max=0 line=''
	while kill -0 "$pid" 2>/dev/null && [ $t -lt "$secs" ]; do
		sleep "$interval"
		t=$((t + interval))
		r=$(rss "$pid")
		[ -n "$r" ] || break
		line="$line $t:${r}k/$(fds "$pid")fd"
		if [ -z "$warm" ] && [ $((t * 4)) -ge "$secs" ]; then
			warm=$r
		elif [ -n "$warm" ] && [ "$r" -gt "$max" ]; then
			max=$r
		fi
	done
	wait "$pid"
	rc=$?
	grew=$(( ${max:-0} > ${warm:-0} ? ${max:-0} - ${warm:-0} : 0 ))
	verdict=ok
	if [ $rc -ne 0 ] || [ -z "$warm" ]; then
		verdict="FAILED (exit $rc)"
		failed=1
	elif [ "$grew" -gt "$bound" ]; then
		verdict="FAILED (grew ${grew} kB > ${bound} kB)"
		failed=1
	fi
	printf '%-9s %s, RSS after warm-up %s kB, grew %s kB: %s\n' "$kind" \
		"$(grep -o 'iterations [0-9]*' "$out" || echo 'no iterations')" "${warm:-?}" "$grew" "$verdict"
	echo "          samples (s:RSS/fds):$line"
	[ $rc -eq 0 ] || sed 's/^/          /' "$out" | tail -5
	rm -f "$out"
done
exit $failed
