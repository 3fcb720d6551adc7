#!/bin/sh
# The black-box differential harness: every scenario (a shell script in
# cases/) runs natively on a fresh tmpfs, and inside veil under each
# backend given, with the same working directory (/tmp/w, on a tmpfs) and
# the same view of /usr; stdout, stderr and the exit status must be the
# same everywhere. Output is TAP, one test per scenario and backend.
#
#   run.sh VEIL [BACKEND...]        BACKEND: kernel, emulate (default: kernel)
#
# A case may add to its sandbox's command line (`# veil: ARGS`) and do the
# same natively in its private mount namespace before it starts
# (`# native: SHELL COMMANDS`), and natively run the case through a
# command that gives it what the veil arguments give it (`# native-exec:
# unshare --cgroup`, say); $TESTS in either, and in the environment of
# every run, is a copy of this repository's tests/ (`# veil: --ro-bind
# $TESTS $TESTS` shows it the same inside; a copy, in /var/tmp, because
# the repository may be under /tmp, which a native run covers). A case that needs what a native run
# cannot give (a pid namespace of bubblewrap's shape: `# veil:
# --unshare-pid`) says `# reference: kernel`: the kernel backend's run is
# then the reference the others are compared with, and is not compared
# itself. A case written ahead of a backend's support for it names that
# backend in `# pending: BACKEND...`: its run there is skipped (a TAP
# SKIP), to be dropped when the support lands. $SCRATCH in either stands for a host
# directory made fresh for every run, holding two small trees l1 and l2
# (overlay lowers, say) and empty u and w.
#
# Native runs need a private mount namespace for the tmpfs on /tmp: as root
# that is `unshare -m`, otherwise `unshare -rm` (a user namespace).
set -u
veil=$1
shift
[ $# -gt 0 ] || set -- kernel
here=$(cd "$(dirname "$0")" && pwd)
cases="$here/cases"
TESTS=$(mktemp -d /var/tmp/veil-tests.XXXXXX)
cp -r "$(dirname "$here")/." "$TESTS"
export TESTS
out=$(mktemp -d /tmp/veil-scenarios.XXXXXX)
# Not under /tmp: a native run mounts a fresh tmpfs there.
scratch=$(mktemp -d /var/tmp/veil-scratch.XXXXXX)
trap 'rm -rf "$out" "$scratch" "$TESTS"' EXIT

fresh_scratch() {
	rm -rf "$scratch" && mkdir -p "$scratch/l1/d" "$scratch/l1/lo" "$scratch/l2/d" \
		"$scratch/l2/m2" "$scratch/u" "$scratch/w" &&
	(cd "$scratch" && echo a1 > l1/a && echo low > l1/both && echo x > l1/d/x &&
	 echo y > l1/d/y && echo gone > l1/gone && echo f > l1/lo/f && echo high > l2/both &&
	 echo z > l2/d/z && echo m > l2/m2/f)
}

if [ "$(id -u)" = 0 ]; then unshare_native="unshare -m --propagation private"
else unshare_native="unshare -rm --propagation private"; fi

# The sandbox every backend builds: the host's /usr and /etc read-only with
# the merged-usr links, a private /tmp and /dev, a /proc (the kernel
# backend binds the host's, as bubblewrap without --unshare-pid; the
# emulate backend shows its own processes), cwd /tmp/w.
sandbox() {
	backend=$1
	shift
	# shellcheck disable=SC2086 # the case's extra arguments are words
	"$veil" --backend="$backend" \
		--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib \
		--symlink usr/lib64 /lib64 --symlink usr/sbin /sbin \
		--ro-bind /etc /etc --tmpfs /tmp --dir /tmp/w --chdir /tmp/w --dev /dev --proc /proc $extra \
		--setenv HOME /tmp/w --setenv LC_ALL C --setenv TZ UTC \
		-- "$@"
}

native() {
	# The same view as sandbox(): /usr and /etc read-only, /tmp a fresh
	# tmpfs with --tmpfs's default mode, and ptys of its own (a devpts
	# instance as --dev mounts one, which the host's /dev/ptmx then uses).
	$unshare_native sh -c 'mount --bind /usr /usr && mount -o remount,bind,ro /usr &&
		mount --bind /etc /etc && mount -o remount,bind,ro /etc &&
		mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts /dev/pts &&
		mount -t tmpfs -o mode=755 tmpfs /tmp && mkdir /tmp/w && eval "${NSETUP:-:}" &&
		cd /tmp/w && HOME=/tmp/w LC_ALL=C TZ=UTC exec ${NEXEC:-} "$@"' native "$@"
}

n=0
# SCENARIOS="fifos signal_storm" runs only those cases.
if [ -n "${SCENARIOS:-}" ]; then
	# shellcheck disable=SC2086 # a list of names
	set -- "$@" -- $SCENARIOS
	sel=""
	while [ "$1" != -- ]; do sel="$sel $1"; shift; done
	shift
	for c in "$@"; do [ -f "$cases/$c.sh" ] || { echo "run.sh: no case $c" >&2; exit 2; }; done
	files=$(for c in "$@"; do echo "$cases/$c.sh"; done)
	# shellcheck disable=SC2086
	set -- $sel
else
	files=$(ls "$cases"/*.sh)
fi
for f in $files; do
	n=$((n + 1 + $#))
done
echo "1..$n"

i=0
steps=0
for f in $files; do
	name=$(basename "$f" .sh)
	i=$((i + 1))
	# The script travels as an argument, so no path to it needs to exist in
	# the sandbox and messages that name it read the same everywhere.
	script=$(cat "$f")
	extra=$(sed -n 's/^# veil: //p' "$f" | sed "s|\$SCRATCH|$scratch|g; s|\$TESTS|$TESTS|g")
	NSETUP=$(sed -n 's/^# native: //p' "$f" | sed "s|\$SCRATCH|$scratch|g; s|\$TESTS|$TESTS|g")
	NEXEC=$(sed -n 's/^# native-exec: //p' "$f")
	export NSETUP NEXEC
	reference=$(sed -n 's/^# reference: //p' "$f")
	pending=" $(sed -n 's/^# pending: //p' "$f") "
	fresh_scratch
	if [ "$reference" = kernel ]; then
		sandbox kernel sh -c "$script" "$name" >"$out/$name.native.out" \
			2>"$out/$name.native.err"
	else
		native sh -c "$script" "$name" >"$out/$name.native.out" 2>"$out/$name.native.err"
	fi
	st=$?
	# A case whose own tools are missing would compare "not found" with
	# "not found" everywhere: that proves nothing, so it fails here.
	if [ ! -s "$out/$name.native.out" ]; then
		echo "not ok $i - $name: native run printed nothing"
	elif [ $st = 127 ] || grep -q ': not found$' "$out/$name.native.err"; then
		echo "not ok $i - $name: a command it runs is missing natively"
		sed 's/^/# /' "$out/$name.native.err" | head -5
	else
		echo "ok $i - $name: ${reference:-native}"
	fi
	echo "exit $st" >>"$out/$name.native.out"
	steps=$((steps + $(grep -c . "$out/$name.native.out")))
	for b in "$@"; do
		i=$((i + 1))
		if [ "$reference" = "$b" ]; then
			echo "ok $i - $name: $b # SKIP it is the reference"
			continue
		fi
		case $pending in *" $b "*)
			echo "ok $i - $name: $b # SKIP pending: $b does not support it yet"
			continue
		esac
		fresh_scratch
		sandbox "$b" sh -c "$script" "$name" >"$out/$name.$b.out" 2>"$out/$name.$b.err"
		echo "exit $?" >>"$out/$name.$b.out"
		if cmp -s "$out/$name.native.out" "$out/$name.$b.out" &&
		   cmp -s "$out/$name.native.err" "$out/$name.$b.err"; then
			echo "ok $i - $name: $b = ${reference:-native}"
		else
			echo "not ok $i - $name: $b differs from ${reference:-native}"
			diff -u "$out/$name.native.out" "$out/$name.$b.out" | sed 's/^/# /' | head -40
			diff -u "$out/$name.native.err" "$out/$name.$b.err" | sed 's/^/# /' | head -20
		fi
	done
done
echo "# scenario lines compared: $steps per backend"
