#!/bin/sh
# The host's / and the host's /proc under --backend=emulate (issue 11):
#   - `--ro-bind / /` (bubblewrap's most common command line) is the root
#     every walk starts from, with later ops on top;
#   - the host's procfs is never served by the sentry (a confused deputy:
#     its files mean what they mean to their opener, and the sentry would
#     be the opener): a bind of it, or a host /proc under a bound tree,
#     is the sandbox's own proc; a source inside it is refused.
# TAP output.
#
#   emulate_host_proc.sh VEIL
set -u
veil=$1
work=$(mktemp -d /var/tmp/veil-hostproc.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

usr() {
	"$veil" --backend=emulate --ro-bind /usr /usr --symlink usr/bin /bin \
		--symlink usr/lib /lib --symlink usr/lib64 /lib64 "$@"
}

n=0
check() { # name, want, got
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		echo "# want: $2"
		echo "# got:  $3" | head -5
	fi
}

# What /proc/self is to the program, and whether /proc/self/mem reaches
# anything but its own memory: the first mapping /proc/self/maps names is
# read through /proc/self/mem and compared with the program's own bytes
# there; then written back unchanged (the lead's reproducer wrote the
# sentry's memory).
mem='import ctypes, errno, os
maps = open("/proc/self/maps").read().splitlines()
name = [l for l in open("/proc/self/status") if l.startswith("Name:")][0].split()[1]
out = [name, "veil-maps" if "veil" in maps[0] else "own-maps"]
lo = int(maps[0].split("-")[0], 16)
try:
    fd = os.open("/proc/self/mem", os.O_RDWR)
except OSError as e:
    out.append("no-mem")
else:
    os.lseek(fd, lo, 0)
    got = os.read(fd, 4)
    same = got == ctypes.string_at(lo, 4)
    out.append("own-mem" if same else "SENTRY-MEM")
    if same:
        os.lseek(fd, lo, 0)
        os.write(fd, got)
print(" ".join(out))'
own="python3 own-maps"

echo "1..17"
for b in "--bind /proc /proc" "--ro-bind /proc /proc"; do
	got=$(usr $b -- /usr/bin/python3 -c "$mem" 2>&1)
	case "$got" in "$own no-mem" | "$own own-mem") got=safe ;; esac
	check "$b: /proc/self is the program, /proc/self/mem never the sentry's" safe "$got"
done
got=$("$veil" --backend=emulate --ro-bind / / -- /usr/bin/python3 -c "$mem" 2>&1)
case "$got" in "$own no-mem" | "$own own-mem") got=safe ;; esac
check "--ro-bind / / without --proc: the same" safe "$got"

# Other processes of the host: pid 1 and this shell (same uid as veil).
host='import errno, os, sys
r = []
for p in sys.argv[1:]:
    try:
        open("/proc/%s/environ" % p, "rb").read(); r.append("READ")
    except OSError as e:
        r.append(errno.errorcode[e.errno])
print(" ".join(r))'
check "--ro-bind /proc /proc: host processes' environ" "ENOENT ENOENT" \
	"$(usr --ro-bind /proc /proc -- /usr/bin/python3 -c "$host" 1 $$ 2>&1)"
check "--ro-bind / /: host processes' environ" "ENOENT ENOENT" \
	"$("$veil" --backend=emulate --ro-bind / / -- /usr/bin/python3 -c "$host" 1 $$ 2>&1)"
check "--bind / / --proc /proc: host processes' environ" "ENOENT ENOENT" \
	"$("$veil" --backend=emulate --bind / / --proc /proc -- /usr/bin/python3 -c "$host" 1 $$ 2>&1)"
check "--ro-bind / /: /proc/self/status is the program's" "Name:	cat" \
	"$("$veil" --backend=emulate --ro-bind / / -- cat /proc/self/status 2>&1 | head -1)"

# A source inside the host's procfs: refused by name, before the program.
for src in /proc/self/fd /proc/1 /proc/sys; do
	got=$(usr --ro-bind "$src" /x -- /usr/bin/true 2>&1; echo "exit $?")
	case "$got" in *"inside the host's procfs"*"exit 1") got=refused ;; esac
	check "--ro-bind $src /x is refused" refused "$got"
done
exec 3</proc/self
got=$(usr --ro-bind-fd 3 /x -- /usr/bin/true 2>&1; echo "exit $?")
exec 3<&-
case "$got" in *"inside the host's procfs"*"exit 1") got=refused ;; esac
check "--ro-bind-fd on a procfs fd is refused" refused "$got"

# bubblewrap's common line, the program's view.
mkdir "$work/pwd"
common() {
	(cd "$work/pwd" && "$veil" --backend="$1" --ro-bind / / --bind "$work/pwd" "$work/pwd" \
		--tmpfs /tmp --dev /dev --proc /proc -- sh -c '
		[ "$(ls /)" = "$(ls /..)" ] && ls / | grep -qx usr && echo root
		python3 -c "print(\"python\")"
		echo data > f && cat f
		touch /tmp/mine && ls /tmp
		ls /dev | tr "\n" " "; echo
		grep "^Name:" /proc/self/status
		touch /usr/x 2>/dev/null || echo ro')
}
want="root
python
data
mine
console core fd full null ptmx pts random shm stderr stdin stdout tty urandom zero 
Name:	grep
ro"
[ -t 1 ] || want=$(echo "$want" | sed 's/console //')
check "the common line under emulate" "$want" "$(common emulate 2>&1)"
check "the common line under auto" "$want" "$(common auto 2>&1)"
check "/tmp stayed private" "" "$(ls /tmp/mine 2>/dev/null)"

# veil's own scratch directory (its tmpfs's data files, shadows) is on a
# host filesystem the bind shows: the program must not find its tmpfs
# data there (with the host's modes, aliasing the VFS's files).
check "--ro-bind / /: the sandbox's tmpfs data is not found through the host's view" \
	"not found" "$(VEIL_SCRATCH=$work "$veil" --backend=emulate --ro-bind / / --tmpfs /tmp -- \
		sh -c 'echo "MARK-$$" > /tmp/f; grep -rls "MARK-$$" "$0" || echo not found' \
		"$work" 2>&1)"

# The mount table: the root line as under the kernel backend (where it
# runs), and the binds on top of it in order.
mi() {
	"$veil" --backend="$1" --ro-bind / / --bind "$work/pwd" "$work/pwd" --tmpfs /tmp \
		-- cat /proc/self/mountinfo 2>&1 |
		awk '$5 == "/" || $5 == "/tmp" || $5 == "'"$work/pwd"'" { print $4, $5, $6, $9 }'
}
if "$veil" --backend=kernel --ro-bind / / -- /usr/bin/true 2>/dev/null; then
	check "mountinfo's root and binds as under the kernel backend" "$(mi kernel)" "$(mi emulate)"
	# --backend=auto takes the kernel backend for a source emulate refuses.
	check "--backend=auto: a source in /proc goes to the kernel backend" "Name:	cat" \
		"$("$veil" --backend=auto --ro-bind / / --ro-bind /proc/sys /proc/sys -- \
			cat /proc/self/status 2>&1 | head -1)"
else
	n=$((n + 1)); echo "ok $n - # SKIP no kernel backend here"
	n=$((n + 1)); echo "ok $n - # SKIP no kernel backend here"
fi
