#!/bin/sh
# pjdfstest (github.com/pjd/pjdfstest, POSIX filesystem calls, ~8800
# checks in ~240 files) against a veil build: natively on a fresh tmpfs,
# and under --backend=emulate on the sandbox's tmpfs, a host bind, a
# --tmp-overlay, and as an unprivileged caller's fakeroot (--uid 0) on the
# tmpfs; then a summary, one line per configuration, and the failing
# files. Needs root (the suite does; the fakeroot run drops to 65534),
# perl's prove, and a built suite: this script never downloads it.
#
#   pjdfstest.sh VEIL SUITE [CONFIG...]
#     SUITE   a pjdfstest tree built with
#             `autoreconf -ifs && ./configure && make pjdfstest`
#     CONFIG  native tmpfs bind overlay fakeroot (default: all of them;
#             they run one after the other, ~4 minutes each natively)
#   PJDFSTEST_FILES='chmod/12.t ftruncate' limits the run to those (paths
#   under SUITE/tests); PJDFSTEST_KEEP=1 keeps the logs (prove's output).
set -u
[ $# -ge 2 ] || { echo "usage: $0 VEIL SUITE [CONFIG...]" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "$0: pjdfstest needs root" >&2; exit 2; }
command -v prove >/dev/null || { echo "$0: no prove (perl)" >&2; exit 2; }
veil=$(realpath "$1")
src=$(realpath "$2")
shift 2
[ -x "$src/pjdfstest" ] && [ -d "$src/tests" ] || { echo "$0: $src: not a built pjdfstest" >&2; exit 2; }
[ $# -gt 0 ] || set -- native tmpfs bind overlay fakeroot
# Everything the runs see is a copy in one directory any user may read
# (the fakeroot run is uid 65534): veil, the suite's tests and binary.
out=$(mktemp -d /var/tmp/veil-pjdfstest.XXXXXX)
if [ -n "${PJDFSTEST_KEEP:-}" ]; then echo "# logs in $out/logs"; else trap 'rm -rf "$out"' EXIT; fi
chmod 755 "$out"
mkdir "$out/suite" "$out/logs"
cp "$veil" "$out/veil"
cp -r "$src/tests" "$src/pjdfstest" "$out/suite/"
chmod -R a+rX "$out/suite" "$out/veil"
suite=$out/suite
files=""
for f in ${PJDFSTEST_FILES:-}; do files="$files $suite/tests/$f"; done
[ -n "$files" ] || files="$suite/tests"

sandbox() {
	"$out/veil" --backend=emulate --ro-bind /usr /usr --symlink usr/bin /bin \
		--symlink usr/lib /lib --symlink usr/lib64 /lib64 --ro-bind /etc /etc \
		--ro-bind "$suite" "$suite" --tmpfs /tmp --dev /dev --proc /proc "$@"
}

run() {
	config=$1
	log=$out/logs/$config.log
	# shellcheck disable=SC2086 # $files: the tests' paths, words
	case $config in
	native)
		mkdir "$out/native"
		unshare -m sh -c 'mount -t tmpfs tmpfs "$1" && cd "$1" && shift && prove -r "$@"' \
			native "$out/native" $files ;;
	tmpfs)
		sandbox --dir /tmp/w --chdir /tmp/w -- prove -r $files ;;
	bind)
		mkdir "$out/bind"
		sandbox --bind "$out/bind" /w --chdir /w -- prove -r $files ;;
	overlay)
		mkdir "$out/lower"
		sandbox --overlay-src "$out/lower" --tmp-overlay /w --chdir /w -- prove -r $files ;;
	fakeroot)
		command -v setpriv >/dev/null || { echo "no setpriv"; return; }
		(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$out/veil" --backend=emulate --uid 0 --gid 0 --ro-bind /usr /usr \
			--symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 \
			--ro-bind /etc /etc --ro-bind "$suite" "$suite" --tmpfs /tmp --dev /dev \
			--proc /proc --dir /tmp/w --chdir /tmp/w -- prove -r $files) ;;
	*)
		echo "unknown configuration $config" ;;
	esac >"$log" 2>&1
}

for c in "$@"; do
	start=$(date +%s)
	run "$c"
	echo "$(($(date +%s) - start))" >"$out/logs/$c.secs"
done

echo "configuration  failed-files  failed-checks  checks  seconds"
for c in "$@"; do
	log=$out/logs/$c.log
	tests=$(sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$log")
	# prove's report: a line per file with something to say, "FILE
	# (Wstat: W Tests: N Failed: F)"; it failed if F > 0 or it died (W
	# not 0), not for TODO checks that passed.
	report=$(sed -n '/^Test Summary Report/,/^Files=/p' "$log" | grep '(Wstat: ' |
		sed 's/.*(Wstat: \([0-9]*\) .*Failed: \([0-9]*\)).*/\1 \2/')
	ff=$(printf '%s\n' "$report" | awk 'NF == 2 && ($1 != 0 || $2 > 0) { n++ } END { print n + 0 }')
	fc=$(printf '%s\n' "$report" | awk 'NF == 2 { n += $2 } END { print n + 0 }')
	[ -n "$tests" ] || { ff="?"; fc="?"; }
	printf '%-14s %-13s %-14s %-7s %s\n' "$c" "${ff:-?}" "${fc:-?}" "${tests:-?}" \
		"$(cat "$out/logs/$c.secs")"
done
for c in "$@"; do
	# The per-file lines of prove's summary table, with the failed checks.
	bad=$(sed -n '/^Test Summary Report/,/^Files=/p' "$out/logs/$c.log" |
		grep -v 'Wstat: 0 .*Failed: 0)' |
		sed -n "s|^$suite/tests/||p; s|^  Failed tests\{0,1\}: *|    failed: |p; s|^  Non-zero exit status: |    exit: |p")
	[ -n "$bad" ] && printf '%s:\n%s\n' "$c" "$bad"
done
exit 0
