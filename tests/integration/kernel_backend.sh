#!/bin/sh
# The kernel backend through the real CLI: `veil --backend=kernel` on
# bubblewrap command lines, compared with /usr/bin/bwrap where both support
# the flags (outputs normalised where they legitimately differ: namespace
# ids, pids, veil's extra /proc hardening mounts and its seccomp filter).
#
#   kernel_backend.sh VEIL MKBPF [--unprivileged]
# emits TAP. MKBPF writes seccomp programs (mkbpf.c). With --unprivileged
# (as root) it re-runs itself as uid 65534 from world-readable copies.
set -u
case $1 in /*) VEIL=$1 ;; *) VEIL=$(pwd)/$1 ;; esac
case $2 in /*) MKBPF=$2 ;; *) MKBPF=$(pwd)/$2 ;; esac
if [ "${3:-}" = --unprivileged ]; then
	[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP not root"; exit 0; }
	command -v setpriv >/dev/null || { echo "1..0 # SKIP no setpriv"; exit 0; }
	d=$(mktemp -d /tmp/veil-integ-XXXXXX)
	cp "$VEIL" "$d/veil"
	cp "$MKBPF" "$d/mkbpf"
	cp "$0" "$d/test.sh"
	chmod 755 "$d" "$d/veil" "$d/mkbpf" "$d/test.sh"
	cd /
	setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent \
		sh "$d/test.sh" "$d/veil" "$d/mkbpf"
	rc=$?
	rm -rf "$d"
	exit $rc
fi

BWRAP=/usr/bin/bwrap
[ -x "$BWRAP" ] || BWRAP=
T=$(mktemp -d /tmp/veil-integ-run-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T"
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	[ -f "$T/diff" ] && sed 's/^/# /' "$T/diff"
	rm -f "$T/diff"
}
check() { # NAME COMMAND... : passes when the command succeeds
	name=$1; shift
	if "$@" >"$T/diff" 2>&1; then ok "$name"; else not_ok "$name"; fi
	rm -f "$T/diff"
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

veil() { "$VEIL" --backend=kernel "$@"; }
BASE="--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib
      --symlink usr/lib64 /lib64 --symlink usr/sbin /sbin --dev /dev"

# Both tools on the same arguments; stdout+stderr (program name normalised)
# and exit status must match after `filter`.
same() { # NAME FILTER ARGS...
	name=$1; filter=$2; shift 2
	if [ -z "$BWRAP" ]; then skip "$name" "no bwrap"; return; fi
	# FDS: redirections (e.g. data for --file) opened afresh for each tool.
	# veil as the drop-in it is, named bwrap: its own start-failure status
	# (125) is bubblewrap's 1 then (bwrap_parity.sh checks both).
	ln -sf "$VEIL" "$T/bwrap"
	eval "\"\$T/bwrap\" --backend=kernel \"\$@\" ${FDS:-}" >"$T/v.out" 2>&1; echo "exit $?" >>"$T/v.out"
	eval "\"\$BWRAP\" \"\$@\" ${FDS:-}" >"$T/b.out" 2>&1; echo "exit $?" >>"$T/b.out"
	sed -i 's/^veil: /PROG: /; s/^bwrap: /PROG: /' "$T/v.out" "$T/b.out"
	$filter <"$T/v.out" >"$T/v.f"; $filter <"$T/b.out" >"$T/b.f"
	if diff -u "$T/b.f" "$T/v.f" >"$T/diff"; then ok "$name (same as bwrap)"; rm -f "$T/diff"
	else not_ok "$name (differs from bwrap: - bwrap, + veil)"; fi
}
as_is() { cat; }
# mount table as "mountpoint options fstype", minus /proc submounts
# (veil also makes /proc/sys... read-only and masks /proc/keys...).
mounts() {
	awk '/^[0-9]+ [0-9]+ / { split($0, h, " - "); split(h[2], t, " ");
		split($6, o, ","); if ($5 ~ /^\/proc\/./) next;
		print $5, o[1], t[1]; next } { print }'
}

echo "# veil=$VEIL uid=$(id -u)"

# --- basics -------------------------------------------------------------
same "runs a command" as_is $BASE /bin/echo hello
same "exit status passes through" as_is $BASE /bin/sh -c 'exit 42'
same "killed by a signal: 128+N" as_is $BASE /bin/sh -c 'kill -TERM $$'
same "command not found" as_is $BASE /nonexistent
same "missing bind source" as_is $BASE --bind /nonexistent /x /bin/true
same "bind-try skips a missing source" as_is $BASE --bind-try /nonexistent /x \
	/bin/sh -c 'test -e /x || echo skipped'
same "chmod of a missing path" as_is $BASE --chmod 0755 /nope /bin/true
# bubblewrap 0.8 refuses any existing destination; 0.11 (veil's reference)
# accepts the same target and names a different one.
veil $BASE --symlink /x /bin --symlink usr/bin /bin /bin/true >"$T/sl.out" 2>&1
check "symlink over a different one" grep -qx \
	"veil: Can't make symlink at /bin: existing destination is usr/bin" "$T/sl.out"
same "uid/gid/hostname in namespaces" as_is $BASE --unshare-all --uid 1234 --gid 4321 \
	--hostname box /bin/sh -c 'id -u; id -g; uname -n'
same "pid namespace: pid 2 under an init, 1 with --as-pid-1" as_is $BASE --unshare-pid \
	--proc /proc /bin/sh -c 'echo $$'
# mount inside: a program holding CAP_SYS_ADMIN in its user namespace
# mounts there, as bubblewrap lets it (nested sandboxes, issue 11 cause 6);
# without it the kernel refuses, and so does the deny list.
same "mount with CAP_SYS_ADMIN" as_is $BASE --unshare-user --uid 0 --tmpfs /tmp \
	/bin/sh -c 'mkdir /tmp/m && mount -t tmpfs none /tmp/m && echo mounted && umount /tmp/m && echo done'
same "mount without CAP_SYS_ADMIN" as_is $BASE --unshare-user --uid 0 --cap-drop ALL --tmpfs /tmp \
	/bin/sh -c 'mkdir /tmp/m && mount -t tmpfs none /tmp/m; echo $?'
same "--as-pid-1" as_is $BASE --unshare-pid --as-pid-1 --proc /proc /bin/sh -c 'echo $$'
same "environment and cwd" as_is $BASE --clearenv --setenv A 1 --setenv B 'two words' \
	--chdir /usr/share /bin/sh -c 'env | sort; pwd'
# bubblewrap 0.8 has neither --argv0 nor the overlay options: veil alone.
veil $BASE --argv0 renamed /bin/sh -c 'echo $0' >"$T/argv0.out" 2>&1
check "argv0" grep -qx renamed "$T/argv0.out"

# --- mount ops ----------------------------------------------------------
mkdir -p "$T/lower1" "$T/lower2" "$T/up" "$T/work"
echo "motd text" >"$T/d3"; echo "ro data" >"$T/d4"; echo "rw data" >"$T/d5"
FDS="3<'$T/d3' 4<'$T/d4' 5<'$T/d5'"
echo low >"$T/lower1/f"; echo high >"$T/lower2/f"
same "ro-bind, tmpfs, dir, file, symlink, bind-data, chmod, remount-ro" mounts $BASE \
	--proc /proc --dev /dev --tmpfs /tmp --size 1048576 --perms 01777 --tmpfs /scratch \
	--perms 0700 --dir /a/b --file 3 /etc/motd --ro-bind-data 4 /etc/ro --bind-data 5 /etc/rw \
	--symlink /etc/motd /motd --chmod 0711 /a --bind "$T" /out \
	--tmpfs /data --tmpfs /data/sub --remount-ro /data \
	/bin/sh -c 'stat -c "%n %a" /a /a/b /scratch /etc/motd /etc/ro; cat /motd /etc/ro;
		touch /data/x 2>/dev/null || echo data-ro; touch /data/sub/x && echo sub-rw;
		echo x >>/etc/ro 2>/dev/null || echo ro; echo y >>/etc/rw && cat /etc/rw;
		touch /usr/x 2>/dev/null || echo usr-ro; ls /dev; cat /proc/self/mountinfo'
FDS=
same "ro-bind under a tmpfs" as_is $BASE --tmpfs /opt --ro-bind /usr/share /opt/share \
	/bin/sh -c 'touch /opt/x && echo tmpfs-rw; touch /opt/share/x 2>/dev/null || echo bind-ro'
veil $BASE --overlay-src "$T/lower1" --tmp-overlay /t \
	--overlay-src "$T/lower1" --overlay-src "$T/lower2" --ro-overlay /r \
	--overlay-src "$T/lower1" --overlay "$T/up" "$T/work" /w \
	/bin/sh -c 'echo new >/t/f; cat /t/f /r/f; touch /r/g 2>/dev/null || echo ro; echo kept >/w/k' \
	>"$T/ov.out" 2>&1
check "overlays: tmp, ro, host upper" sh -c "printf 'new\\nhigh\\nro\\n' | diff - '$T/ov.out'"
check "host overlay upper kept the write, lower untouched" \
	sh -c "test \"\$(cat '$T/up/k')\" = kept && test \"\$(cat '$T/lower1/f')\" = low"
same "bind-fd" as_is $BASE --ro-bind-fd 3 /fd /bin/sh -c 'test -d /fd/man && echo ok' 3</usr/share
same "dev: nodes, pts, ptmx" as_is $BASE --dev /dev --proc /proc --unshare-pid \
	/bin/sh -c 'ls /dev; readlink /dev/ptmx /dev/stdin; grep -o "mode=620,ptmxmode=666" /proc/self/mountinfo'
same "mqueue" as_is $BASE --unshare-ipc --mqueue /dev/mqueue /bin/sh -c 'test -d /dev/mqueue && echo ok'
same "disable-userns" as_is $BASE --unshare-user --disable-userns \
	/bin/sh -c 'unshare -U true 2>/dev/null && echo allowed || echo denied'

# --- seccomp and caps ----------------------------------------------------
"$MKBPF" 13 uname >"$T/deny-uname.bpf" && "$MKBPF" 1 getcwd >"$T/deny-getcwd.bpf"
FDS="3<'$T/deny-uname.bpf'"
same "--seccomp program" as_is $BASE --seccomp 3 /bin/sh -c 'uname -n; echo rc=$?'
FDS="3<'$T/deny-uname.bpf' 4<'$T/deny-getcwd.bpf'"
same "--add-seccomp-fd twice" as_is $BASE --add-seccomp-fd 3 --add-seccomp-fd 4 \
	/bin/sh -c 'uname -n; echo rc=$?; /bin/pwd; echo rc=$?'
FDS=
same "caps: default" as_is $BASE --proc /proc --unshare-pid /bin/sh -c 'grep -E "^Cap(Eff|Amb)" /proc/self/status'
same "caps: --cap-drop ALL" as_is $BASE --proc /proc --unshare-pid --cap-drop ALL \
	/bin/sh -c 'grep -E "^Cap(Eff|Amb)" /proc/self/status'
same "caps: --uid 0 --cap-add one" as_is $BASE --proc /proc --unshare-all --uid 0 --cap-drop ALL \
	--cap-add CAP_NET_RAW /bin/sh -c 'grep -E "^Cap(Eff|Amb)" /proc/self/status'

# --- fds ----------------------------------------------------------------
# info-fd / json-status-fd: the same keys and layout (ids and pids differ)
ids() { sed -E 's/[0-9]{2,}/N/g; s/"child-pid": [0-9]+/"child-pid": N/'; }
for tool in veil bwrap; do
	[ $tool = bwrap ] && [ -z "$BWRAP" ] && continue
	if [ $tool = veil ]; then cmd=veil; else cmd=$BWRAP; fi
	$cmd $BASE --unshare-all --info-fd 3 --json-status-fd 4 /bin/sh -c 'exit 3' \
		3>"$T/$tool.info" 4>"$T/$tool.json"
done
if [ -n "$BWRAP" ]; then
	if ids <"$T/veil.info" | diff -u - "$T/bwrap.info.n" >/dev/null 2>&1; then :; fi
	ids <"$T/bwrap.info" >"$T/b"; ids <"$T/veil.info" >"$T/v"
	if diff -u "$T/b" "$T/v" >"$T/diff"; then ok "--info-fd (same as bwrap)"; rm -f "$T/diff"
	else not_ok "--info-fd (differs from bwrap)"; fi
	ids <"$T/bwrap.json" >"$T/b"; ids <"$T/veil.json" >"$T/v"
	if diff -u "$T/b" "$T/v" >"$T/diff"; then ok "--json-status-fd (same as bwrap)"; rm -f "$T/diff"
	else not_ok "--json-status-fd (differs from bwrap)"; fi
fi
check "json-status ends with the exit code" grep -qx '{ "exit-code": 3 }' "$T/veil.json"

# --sync-fd: EOF once the sandbox is gone; --block-fd: waits for a byte
check "--block-fd and --sync-fd" sh -c "
	echo go | '$VEIL' --backend=kernel $(echo $BASE) --block-fd 0 --sync-fd 3 /bin/echo ran 3>/dev/null"

# --- signals and lifecycle ----------------------------------------------
"$VEIL" --backend=kernel $BASE --unshare-pid --proc /proc /bin/sh -c \
	'trap "echo got-TERM; exit 5" TERM; echo ready; sleep 5 & wait' >"$T/sig.out" 2>&1 &
vpid=$!
i=0; while ! grep -q ready "$T/sig.out" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.05; i=$((i + 1)); done
kill -TERM $vpid; wait $vpid; rc=$?
check "SIGTERM to veil reaches the program" sh -c "test $rc = 5 && grep -q got-TERM '$T/sig.out'"

# --die-with-parent: killing veil (the sandbox's parent) ends the sandbox
sh -c "'$VEIL' --backend=kernel $(echo $BASE) --unshare-pid --die-with-parent /bin/sh -c 'sleep 31.$$' & echo \$! >'$T/vp'; wait" &
outer=$!
started=no; i=0
while [ $i -lt 100 ]; do
	pgrep -f "^sleep 31.$$\$" >/dev/null && { started=yes; break; }
	sleep 0.05; i=$((i + 1))
done
kill -KILL "$(cat "$T/vp")" 2>/dev/null
wait $outer 2>/dev/null
i=0; while pgrep -f "^sleep 31.$$\$" >/dev/null && [ $i -lt 40 ]; do sleep 0.05; i=$((i + 1)); done
check "--die-with-parent leaves no sandbox behind" \
	sh -c "test $started = yes && ! pgrep -f '^sleep 31.$$\$' >/dev/null"

# --- real-world command lines -------------------------------------------
# Flatpak-style: everything unshared, a private /run/user, app data bound,
# metadata as read-only data files, a lock file, info fd, new session.
mkdir -p "$T/app/files" "$T/home"
echo '[Application]' >"$T/flatpak-info"
flatpak_args="--unshare-all --share-net --die-with-parent --new-session
	--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib
	--symlink usr/lib64 /lib64 --symlink usr/sbin /sbin
	--proc /proc --dev /dev --tmpfs /tmp --dir /run/user/1000 --perms 0700 --dir /var/tmp
	--ro-bind $T/app /app --bind $T/home /home/user
	--ro-bind $T/flatpak-info /.flatpak-info --lock-file /.flatpak-info
	--setenv HOME /home/user --setenv XDG_RUNTIME_DIR /run/user/1000 --unsetenv DISPLAY
	--hostname flatpak --chdir /home/user --info-fd 9"
same "flatpak-style command line" mounts $flatpak_args /bin/sh -c \
	'echo app-ran; uname -n; pwd; stat -c %a /run/user/1000; echo hi >/home/user/f; cat /.flatpak-info;
	 env | grep -E "^(HOME|XDG_RUNTIME_DIR|DISPLAY)=" | sort; ls /; cat /proc/self/mountinfo' 9>/dev/null
# Build-sandbox-style: the host read-only, the source tree writable, a
# compile and run of a program inside.
mkdir -p "$T/src"
printf '#include <stdio.h>\nint main(void){puts("built");return 0;}\n' >"$T/src/hello.c"
printf 'hello: hello.c\n\tcc -o hello hello.c\n' >"$T/src/Makefile"
build_args="--unshare-all --die-with-parent --ro-bind / / --tmpfs /tmp --proc /proc
	--dev /dev --bind $T/src $T/src --chdir $T/src --setenv TMPDIR /tmp"
if command -v make >/dev/null && command -v cc >/dev/null; then
	veil $build_args /bin/sh -c 'make -s && ./hello && touch /etc/x 2>/dev/null || echo host-ro' \
		>"$T/build.out" 2>&1
	check "build-sandbox-style: compiles in the bound tree, host read-only" \
		sh -c "grep -q built '$T/build.out' && grep -q host-ro '$T/build.out' && test -x '$T/src/hello'"
	rm -f "$T/src/hello"
	same "build-sandbox-style (same as bwrap)" as_is $build_args /bin/sh -c \
		'make -s && ./hello; touch /etc/x 2>/dev/null || echo host-ro; rm -f hello'
else
	skip "build-sandbox-style" "no make/cc"
fi

echo "1..$n"
[ $failed = 0 ]
