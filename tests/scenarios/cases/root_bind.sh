# The most common bubblewrap command line: the host's / read-only on /,
# then a writable bind, a private /tmp, /dev and /proc on top. Under the
# emulate backend the mount on "/" is the root every walk starts from.
# veil: --ro-bind / / --bind $SCRATCH $SCRATCH --tmpfs /tmp --dir /tmp/w --dev /dev --proc /proc --setenv SCR $SCRATCH
# native: export SCR=$SCRATCH
set -u
PATH=/usr/bin:/bin
[ "$(ls /)" = "$(ls /..)" ] && echo "/.. is /"
ls / | grep -qx usr && ls / | grep -qx etc && echo "the host's root is seen"
sh -c 'echo "a shell: $((6 * 7))"'
python3 -c 'import sys; print("python3", sys.version_info[0])'
cd / && cd .. && pwd
cd /tmp/w
echo written > "$SCR/u/f" && cat "$SCR/u/f"
ls /tmp
ls -d /usr/bin/env /etc/passwd
grep -q x: /etc/passwd && echo "etc read"
test -c /dev/null && echo null > /dev/null && echo "/dev/null"
grep '^Name:' /proc/self/status
readlink /proc/self/exe
touch /usr/x 2>/dev/null || echo "/usr is read-only"
