#!/bin/bash
# The filesystem-syscall part of LTP's runtest/syscalls (~266 tests: access,
# chdir, chmod, chown, ..., utimensat, utimes; issue 11) against a veil build:
# natively and under each backend, as root and as uid 65534 with a fakeroot
# (--unshare-user --uid 0 --cap-add ALL), with a bubblewrap-like command
# line. Prints one
# line of counts per run and the tests that pass natively but not in a
# sandbox. Needs root (it switches to 65534 itself) and a built LTP tree:
# this script never downloads it.
#
#   ltp.sh VEIL LTP [CONFIG...]
#     LTP     an LTP source tree where lib/ and the tests' directories under
#             testcases/kernel/syscalls/ are built (docs/conformance.md)
#     CONFIG  native emulate kernel (default: all three); each runs as
#             every user in LTP_USERS (default "0 65534")
#   LTP_TESTS='access01 open*'  limits the run to those runtest names (globs)
#   LTP_TIMEOUT=120             seconds per test (then it counts as broken)
#   LTP_KEEP=1                  keeps the logs (one per test and run)
#   LTP_SET=ipc                 the SysV IPC tests of runtest/syscalls-ipc
#                               (msgctl*, msgget*, ..., shmget*) instead: the
#                               native reference then runs in `unshare --ipc`
#                               too, and the sandbox gets --unshare-ipc;
#                               msgstress01 (~2 min natively) only when
#                               LTP_TESTS names it
#   LTP_SET=proc                the fd, process, signal, socket and memory
#                               calls of runtest/syscalls (fcntl, pipe*, read,
#                               write, p{read,write}v*, sendfile, splice, kill,
#                               wait*, fork, clone*, prctl, poll, epoll*,
#                               socket calls, mmap, execve*, ...; see procs)
#
# A run's reference is the native run as the same user: as root, the tests
# run on a fresh tmpfs in a mount namespace of their own; as 65534, inside
# `unshare --user --map-root-user --mount` (the kernel's own fakeroot: root
# with every capability in its user namespace, which bubblewrap gives only
# with --cap-add ALL), on a tmpfs likewise. In a sandbox:
#   veil --backend=B [--unshare-user --uid 0 --gid 0 --cap-add ALL] \
#        --ro-bind / / --perms 1777 --tmpfs /tmp --dev /dev --proc /proc -- TEST
# with TMPDIR=/tmp (1777 as a host's /tmp: tests drop to nobody and make
# their directories there) and LTPROOT set. A test's result is its exit
# status, LTP's bits: 0 pass, 32 only TCONF (skip), &2 TBROK (broken), &1
# TFAIL (fail), else &4 TWARN (warn); a timeout is broken. One warning is
# no result: root in a user namespace has CAP_SYS_RESOURCE there but
# cannot lower its oom_score_adj, which LTP's library warns about
# ("Can't adjust score, even with capabilities!?") before every test, so
# a warning that is only that one counts for what the rest of the status
# says.
set -u
if [ $# -lt 2 ]; then
	sed -n '2,29p' "$0" >&2
	exit 2
fi
[ "$(id -u)" = 0 ] || { echo "$0: needs root" >&2; exit 2; }
veil=$(realpath "$1")
ltp=$(realpath "$2")
shift 2
if [ ! -f "$ltp/runtest/syscalls" ] || [ ! -d "$ltp/testcases/kernel/syscalls" ]; then
	echo "$0: $ltp: not an LTP tree" >&2
	exit 2
fi
[ $# -gt 0 ] || set -- native emulate kernel
users=${LTP_USERS:-0 65534}
limit=${LTP_TIMEOUT:-120}
set=${LTP_SET:-fs}
case $set in
fs|ipc|proc) ;;
*) echo "$0: LTP_SET=$set: fs, ipc or proc" >&2; exit 2 ;;
esac

# The tests: runtest/syscalls lines whose program is one of these calls'.
calls='access|chdir|chmod|chown|close|creat|dup[0-9]*|faccessat2?|fchdir|fchmod|fchmodat2?|fchown|fchownat'
calls="$calls|[fl]?getxattr|[fl]?listxattr|[fl]?removexattr|f?setxattr|fstat|fstatat|fstatfs|ftruncate"
calls="$calls|getcwd|getdents|lchown|link|linkat|lseek|lstat|mkdir|mkdirat|mknod|mknodat|open|openat2?"
calls="$calls|readlink|readlinkat|rename|renameat2?|rmdir|stat|statfs|statvfs|statx|symlink|symlinkat"
calls="$calls|truncate|umask|unlink|unlinkat|utime|utimensat|utimes"
# LTP_SET=proc: the calls beyond the filesystem the sentry traps or
# translates (fd, process, signal, socket, memory, limits).
procs='fcntl|pipe2?|read|write|pread|pwrite|preadv2?|pwritev2?|readv|writev|sendfile|splice|tee'
procs="$procs|kill|wait4|waitpid|waitid|v?fork|clone3?|getpid|getppid|setpgid|getpgid|setsid|getsid"
procs="$procs|prctl|chroot|poll|select|epoll_create1?|epoll_ctl|epoll_p?wait|eventfd2?|signalfd4?"
procs="$procs|inotify_init|inotify|socket|socketpair|bind|connect|accept4?|getsockname|getpeername"
procs="$procs|sendmsg|recvmsg|sendto|recvfrom|[gs]etsockopt|memfd_create|mmap|mprotect|munmap|madvise"
procs="$procs|execve|execveat|[gs]etrlimit|prlimit|sched_getaffinity|[gs]etpriority|ioprio_[gs]et"
procs="$procs|pidfd_open|pidfd_send_signal|close_range|copy_file_range|fallocate|fsync|fdatasync"
procs="$procs|sync_file_range|flock"
out=$(mktemp -d /var/tmp/veil-ltp.XXXXXX)
if [ -n "${LTP_KEEP:-}" ]; then echo "# logs in $out/logs"; else trap 'rm -rf "$out"' EXIT; fi
chmod 755 "$out"
mkdir -p "$out/testcases/bin" "$out/logs"
if [ "$set" = ipc ]; then
	# every line; msgstress01 (testcases/kernel/ipc) when asked for
	grep -v '^#' "$ltp/runtest/syscalls-ipc" |
		awk -v all="${LTP_TESTS:+1}" 'NF >= 2 && (all || $2 != "msgstress01")' > "$out/list"
	dirs=("$ltp/testcases/kernel/syscalls" "$ltp/testcases/kernel/ipc")
else
	[ "$set" = proc ] && calls=$procs
	grep -v '^#' "$ltp/runtest/syscalls" |
		awk -v re="^($calls)[0-9_]*(64)?$" 'NF >= 2 && $2 ~ re' > "$out/list"
	dirs=("$ltp/testcases/kernel/syscalls")
fi
if [ -n "${LTP_TESTS:-}" ]; then
	while read -r name rest; do
		for g in $LTP_TESTS; do
			# shellcheck disable=SC2254 # $g: a glob
			case $name in $g) echo "$name $rest"; break ;; esac
		done
	done < "$out/list" > "$out/list.some"
	mv "$out/list.some" "$out/list"
fi
# Every executable of the tests' directories (children such as
# creat07_child too) in one directory any user may read: $LTPROOT/testcases/bin.
awk '{ print $2 }' "$out/list" | sort -u | while read -r t; do
	find "${dirs[@]}" -type f -perm -u+x -name "$t" -printf '%h\n'
done | sort -u | while read -r d; do
	find "$d" -maxdepth 1 -type f -perm -u+x -exec cp {} "$out/testcases/bin/" \;
done
missing=$(awk '{ print $2 }' "$out/list" | while read -r t; do
	[ -x "$out/testcases/bin/$t" ] || echo "$t"; done)
[ -z "$missing" ] || echo "# not built, counted broken:" "$(printf '%s' "$missing" | tr '\n' ' ')"
cp "$veil" "$out/veil"
chmod -R a+rX "$out"
echo "# $(wc -l < "$out/list") tests, $limit s each at most"

# run CONFIG UID NAME PROG ARGS...: one test; its status in the log's last line.
run() {
	local config=$1 uid=$2 log=$out/logs/$1-$2/$3.log
	shift 3
	local tmp=/tmp
	[ "$config" = native ] && tmp=$out/native-$uid
	local envs=(env -i PATH="$out/testcases/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
		HOME=/ LTPROOT="$out" TMPDIR="$tmp" LTP_COLORIZE_OUTPUT=0)
	local as=()
	[ "$uid" = 0 ] || as=(setpriv --reuid="$uid" --regid="$uid" --clear-groups)
	local sandbox=(--ro-bind / / --perms 1777 --tmpfs /tmp --dev /dev --proc /proc --chdir /tmp)
	[ "$uid" = 0 ] || sandbox=(--unshare-user --uid 0 --gid 0 --cap-add ALL "${sandbox[@]}")
	[ "$set" = ipc ] && sandbox=(--unshare-ipc "${sandbox[@]}")
	case $config in
	native)
		mkdir -p "$tmp" && chmod 777 "$tmp"
		local ns=(unshare --mount)
		[ "$uid" = 0 ] || ns=(unshare --user --map-root-user --mount)
		[ "$set" = ipc ] && ns+=(--ipc)
		# shellcheck disable=SC2016 # expanded by that sh
		(cd / && "${as[@]}" timeout -k 5 "$limit" "${ns[@]}" sh -c \
			'mount -t tmpfs tmpfs "$0" && cd "$0" && exec "$@"' \
			"$tmp" "${envs[@]}" "$@") ;;
	emulate|kernel)
		(cd / && "${as[@]}" timeout -k 5 "$limit" "${envs[@]}" "$out/veil" \
			--backend="$config" "${sandbox[@]}" -- "$@") ;;
	*)
		echo "unknown configuration $config"; return ;;
	esac > "$log" 2>&1 < /dev/null
	echo "exit $?" >> "$log"
}

# result LOG: pass, skip, fail, broken or warn.
result() {
	local rc
	rc=$(tail -1 "$1" | sed -n 's/^exit //p')
	# (the oom_score_adj warning alone: see the top)
	if [ -n "$rc" ] && [ "$rc" -lt 64 ] && [ $((rc & 4)) != 0 ] &&
	   [ "$(grep -c 'TWARN' "$1")" = "$(grep -c "TWARN: Can't adjust score, even with capabilities" "$1")" ]; then
		rc=$((rc & ~4))
	fi
	case $rc in
	0) echo pass ;;
	32) echo skip ;;
	124|137|'') echo broken ;;
	*) if [ $((rc & 2)) != 0 ]; then echo broken
	   elif [ $((rc & 1)) != 0 ]; then echo fail
	   elif [ $((rc & 4)) != 0 ]; then echo warn
	   else echo broken; fi ;;
	esac
}

for c in "$@"; do
	for u in $users; do
		mkdir -p "$out/logs/$c-$u"
		chmod 777 "$out/logs/$c-$u"
		start=$(date +%s)
		while read -r name prog args; do
			# shellcheck disable=SC2086 # $args: the runtest line's words
			run "$c" "$u" "$name" "$prog" $args
			echo "$name $(result "$out/logs/$c-$u/$name.log")" >> "$out/logs/$c-$u.results"
		done < "$out/list"
		echo "$(($(date +%s) - start))" > "$out/logs/$c-$u.secs"
	done
done

echo "run            pass  fail  skip  broken  warn  seconds"
for c in "$@"; do
	for u in $users; do
		r=$out/logs/$c-$u.results
		printf '%-14s %-5s %-5s %-5s %-7s %-5s %s\n' "$c-$u" \
			"$(grep -c ' pass$' "$r")" "$(grep -c ' fail$' "$r")" \
			"$(grep -c ' skip$' "$r")" "$(grep -c ' broken$' "$r")" \
			"$(grep -c ' warn$' "$r")" "$(cat "$out/logs/$c-$u.secs")"
	done
done
# What passes natively (or only warns there) and does worse in a sandbox,
# per run, with what it gave there; the reference is the native run as the
# same user.
for c in "$@"; do
	[ "$c" = native ] && continue
	for u in $users; do
		ref=$out/logs/native-$u.results
		[ -f "$ref" ] || continue
		bad=$(awk 'NR == FNR { if ($2 == "pass" || $2 == "warn") ok[$1] = $2; next }
			$1 in ok && $2 != "pass" && $2 != ok[$1] { printf " %s(%s)", $1, $2 }' \
			"$ref" "$out/logs/$c-$u.results")
		[ -n "$bad" ] && echo "$c-$u does worse than natively:$bad"
		# grouped by the first message that says why (addresses and
		# temporary names blanked, so one cause is one line; a skip's
		# is its TCONF)
		# shellcheck disable=SC2086 # $bad: the tests, words
		for tr in $bad; do
			t=${tr%%(*} why='TBROK|TFAIL|TWARN'
			[ "$tr" = "$t(skip)" ] && why=TCONF
			why=$(grep -E "$why" "$out/logs/$c-$u/$t.log" |
				grep -v "Child process reported\|Can't adjust score" | head -1 |
				sed 's/^[^ ]*: //; s/0x[0-9a-f]*/ADDR/g; s/LTP_[A-Za-z0-9]*/LTP_X/g; s/^ *//')
			printf '%s\t%s\n' "${why:-(no message)}" "$t"
		done | sort | awk -F'\t' '$1 != p { if (p != "") print ""; printf "    %s:", $1; p = $1 }
			{ printf " %s", $2 } END { if (p != "") print "" }'
	done
done
exit 0
