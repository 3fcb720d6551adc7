#!/bin/sh
# The sentry's memory stays flat under churn: a bounded run of each kind of
# bench/churn.c under the emulate backend, the sentry's VmRSS read after
# the first quarter and at the end (churn reads it through an fd on
# veil's /proc/<pid>/status, opened by the shell that execs veil). Each
# kind once grew the sentry without bound: a tombstone per file or
# directory the program ever opened (sentry/kernel/fdmap.c), one per /proc read,
# an fd and a file per tmpfs file ever watched (sentry/sys/sys_inotify.c).
# The full soak is bench/soak.sh. TAP output.
#
#   sentry_churn.sh VEIL CHURN_DIR
set -u
veil=$1
bin=$(cd "$2" && pwd)
B="--backend=emulate --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib
--symlink usr/lib64 /lib64 --tmpfs /tmp --proc /proc --ro-bind $bin /bench"
# Growth allowed after warm-up: the old code grew 2.5 MB or more in each
# of these runs (about 60 bytes per file, 1 kB per watched file).
bound=1024
n=0
echo "1..4"
for run in "files 60000" "dirs 40000" "proc 16000" "inotify 8000"; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	out=$( (VEIL_RSS_FD=3 exec "$veil" $B -- /bench/churn $run 3</proc/self/status) 2>&1)
	warm=$(echo "$out" | sed -n 's/^warm //p')
	end=$(echo "$out" | sed -n 's/^end //p')
	if [ -z "$warm" ] || [ -z "$end" ] || [ "$warm" -le 0 ]; then
		echo "not ok $n - churn $run: no figures"
		echo "$out" | sed 's/^/# /'
	elif [ $((end - warm)) -gt $bound ]; then
		echo "not ok $n - churn $run: the sentry grew $((end - warm)) kB after warm-up ($warm -> $end kB)"
	else
		echo "ok $n - churn $run: the sentry's RSS $warm -> $end kB"
	fi
done
