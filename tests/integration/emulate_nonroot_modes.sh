#!/bin/sh
# The emulate backend run by an unprivileged user (the sentry is not root):
# an open that creates a file may read or write it whatever the new mode
# says, as natively (git's object store, tar, cp -a: O_CREAT|O_WRONLY with
# 0444, `umask 0277; echo > f`), on the sandbox's tmpfs, a host bind and an
# overlay whose upper is on the host; a failed one left the file behind
# (issue 11 cause 9). And under --uid 0 (fakeroot), a write by a user
# without CAP_FSETID clears root's setuid bits on the tmpfs (cause 5).
# Each case runs natively too, as the same user, and must print the same.
# TAP output.
#
#   emulate_nonroot_modes.sh VEIL
set -u
veil=$1
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null || { echo "1..0 # SKIP no setpriv"; exit 0; }
	dir=$(mktemp -d /tmp/veil-nonroot-modes.XXXXXX)
	trap 'rm -rf "$dir"' EXIT
	cp "$veil" "$dir/veil"
	cp "$0" "$dir/test.sh"
	chmod 755 "$dir" "$dir/veil" "$dir/test.sh"
	chown 65534:65534 "$dir"
	cd /
	setpriv --reuid=65534 --regid=65534 --clear-groups sh "$dir/test.sh" "$dir/veil"
	exit $?
fi
command -v python3 >/dev/null || { echo "1..0 # SKIP no python3"; exit 0; }
work=$(mktemp -d "${TMPDIR:-/tmp}/veil-modes.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/native" "$work/h" "$work/lo" "$work/up" "$work/wk"
creates='
import os, stat, sys
for d in sys.argv[1:]:
    p = d + "/ro"
    try:
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        os.write(fd, b"data\n")
        os.close(fd)
        print("create 0444 for writing:", oct(stat.S_IMODE(os.stat(p).st_mode)), os.stat(p).st_size)
    except OSError as e:
        print("create 0444 for writing:", e.strerror, os.path.exists(p))
    old = os.umask(0o277)
    try:
        with open(d + "/um", "w") as f:
            f.write("echo\n")
        print("umask 0277 then write:", oct(stat.S_IMODE(os.stat(d + "/um").st_mode)))
    except OSError as e:
        print("umask 0277 then write:", e.strerror, os.path.exists(d + "/um"))
    os.umask(old)
    try:
        fd = os.open(d + "/wo", os.O_RDONLY | os.O_CREAT | os.O_EXCL, 0o222)
        print("create 0222 for reading:", os.read(fd, 5))
    except OSError as e:
        print("create 0222 for reading:", e.strerror, os.path.exists(d + "/wo"))
    try:
        os.open(p, os.O_WRONLY)
    except OSError as e:
        print("reopen 0444 for writing:", e.strerror)
'
n=0
check() {
	n=$((n + 1))
	if [ "$3" = "$2" ]; then echo "ok $n - $1"; else
		echo "not ok $n - $1"; echo "# want: $2" | head -20; echo "# got:  $3" | head -20; fi
}
echo "1..6"
check "the host user is not root" "65534" "$(id -u)"
native=$(python3 -c "$creates" "$work/native" 2>&1)
for d in /tmp /h /o; do
	check "a creating open on $d writes whatever the mode" "$native" \
		"$("$veil" --backend=emulate --ro-bind /usr /usr --symlink usr/bin /bin \
			--symlink usr/lib /lib --symlink usr/lib64 /lib64 --tmpfs /tmp \
			--bind "$work/h" /h --overlay-src "$work/lo" --overlay "$work/up" "$work/wk" /o \
			-- python3 -c "$creates" "$d" 2>&1)"
done
# fakeroot: root writes any file it may open (natively CAP_DAC_OVERRIDE),
# here one of its own the sentry must reopen against the host mode.
check "fakeroot's root writes a 0444 file on /h" "0o444 2" \
	"$("$veil" --backend=emulate --uid 0 --gid 0 --ro-bind /usr /usr --symlink usr/bin /bin \
		--symlink usr/lib /lib --symlink usr/lib64 /lib64 --bind "$work/h" /h -- python3 -c '
import os, stat
with open("/h/ro", "w") as f:
    f.write("x\n")
print(oct(stat.S_IMODE(os.stat("/h/ro").st_mode)), os.stat("/h/ro").st_size)' 2>&1)"
# A write by a user without CAP_FSETID takes S_ISUID, and S_ISGID with
# group-exec, off root's files on the tmpfs (pjdfstest chmod/12).
check "a non-root write clears setuid and setgid on the tmpfs" "0o777 0o777 0o2767" \
	"$("$veil" --backend=emulate --uid 0 --gid 0 --ro-bind /usr /usr --symlink usr/bin /bin \
		--symlink usr/lib /lib --symlink usr/lib64 /lib64 --tmpfs /tmp --chdir /tmp -- python3 -c '
import os, stat
os.chmod(".", 0o1777)
for n, m in (("su", 0o4777), ("sg", 0o2777), ("sgnx", 0o2767)):
    open(n, "w").close()
    os.chmod(n, m)
if os.fork() == 0:
    os.setgid(65534)
    os.setuid(65534)
    for n in ("su", "sg"):
        with open(n, "a") as f:
            f.write("y")
    os._exit(0)
os.wait()
print(*[oct(stat.S_IMODE(os.stat(n).st_mode)) for n in ("su", "sg", "sgnx")])' 2>&1)"
