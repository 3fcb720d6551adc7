#!/bin/sh
# The emulate backend as an unprivileged user: --uid 0 is a fakeroot whose
# root the sentry keeps (chown to any ids, device nodes, setuid that cannot
# come back), with no namespace and no privilege. TAP output.
#
#   emulate_fakeroot.sh VEIL
set -u
veil=$1
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null || { echo "1..0 # SKIP no setpriv"; exit 0; }
	dir=$(mktemp -d /tmp/veil-fakeroot.XXXXXX)
	trap 'rm -rf "$dir"' EXIT
	cp "$veil" "$dir/veil"
	cp "$0" "$dir/test.sh"
	chmod 755 "$dir" "$dir/veil" "$dir/test.sh"
	cd /
	setpriv --reuid=65534 --regid=65534 --clear-groups sh "$dir/test.sh" "$dir/veil"
	exit $?
fi
run() {
	"$veil" --backend=emulate --uid 0 --gid 0 --ro-bind /usr /usr \
		--symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 \
		--tmpfs /tmp --dev /dev --chdir /tmp -- /bin/sh -c "$1" 2>&1
}
n=0
check() {
	n=$((n + 1))
	if [ "$3" = "$2" ]; then echo "ok $n - $1"; else
		echo "not ok $n - $1"; echo "# want: $2"; echo "# got:  $3"; fi
}
echo "1..5"
check "the host user is not root" "65534" "$(id -u)"
check "inside, root" "uid=0 gid=0 groups=0" "$(run id)"
check "chown to any ids" "123 45" "$(run 'touch f; chown 123:45 f; stat -c "%u %g" f')"
check "device nodes" "c 1:3" "$(run 'mknod n c 1 3; stat -c "%F %t:%T" n | sed "s/character special file/c/"')"
check "a dropped root does not come back" "1000 EPERM" \
	"$(run 'python3 -c "
import os, errno
os.setgid(1000); os.setuid(1000)
try:
    os.setuid(0); print(\"BACK\")
except OSError as e:
    print(os.getuid(), errno.errorcode[e.errno])"')"
