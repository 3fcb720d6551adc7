#!/bin/bash
# Runs bubblewrap's own test suite against veil (or against any bwrap).
#
#   tests/external/bubblewrap.sh SRC BUILD BIN [BACKENDS] [USERS]
#
# SRC     a bubblewrap source tree (v0.11.1): its tests/ are run.
# BUILD   that tree's build directory: the suite needs its tests/try-syscall.
# BIN     the program to test: build/veil, or a real bwrap for reference.
# BACKENDS  VEIL_BACKEND values to run under (default "auto emulate kernel";
#           "-" runs once without VEIL_BACKEND, for a real bwrap).
# USERS   uids to run as (default "0 65534"; a non-zero uid runs through
#         setpriv, so this script must start as root for it).
#
# BIN is linked as `bwrap` in a temp dir (the suite checks messages start with
# "bwrap:"), and BWRAP points at that link, as bubblewrap's meson test does.
# Needs bash, /usr/bin/python3 with the seccomp module (python3-seccomp),
# capsh/getpcaps (libcap2-bin), strace and findmnt; a missing one makes the
# suite skip the checks that use it, as it does for bubblewrap.
#
# test-run.sh stops at its first failure (set -e); to count every check it is
# run with one change: a failing command marks the current check failed (an
# ERR trap, and fatal() returns instead of exiting) and the script goes on, so
# each `ok` prints "ok" or "not ok". Checks never reached count as failed.
# Prints one line per run: backend, uid, pass/skip/fail of each script.
set -u
if [ $# -lt 3 ]; then
	sed -n '2,12p' "$0" >&2
	exit 2
fi
src=$(realpath "$1") build=$(realpath "$2") bin=$(realpath "$3")
backends=${4:-auto emulate kernel}
users=${5:-0 65534}
py=/usr/bin/python3
per_run_timeout=${BWRAP_SUITE_TIMEOUT:-900}
test_run_total=69

work=$(mktemp -d /var/tmp/veil-bwrap-suite.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir -p "$work/src" "$work/build/tests" "$work/bin"
cp -r "$src/tests" "$work/src/"
cp "$build/tests/try-syscall" "$work/build/tests/"
ln -s "$bin" "$work/bin/bwrap"

# The shim goes in right before the first check.
shim='set +e; set -E
__failed=0
trap "__failed=1" ERR
fatal () { echo "$@" >&2; __failed=1; return 1; }
ok () {
    test_count=$((test_count + 1))
    if [ "$__failed" = 1 ]; then echo "not ok $test_count $*"; else echo "ok $test_count $*"; fi
    __failed=0
}'
awk -v shim="$shim" '!done && /^# Test help/ { print shim; done = 1 } { print }' \
	"$src/tests/test-run.sh" > "$work/src/tests/test-run.sh"
grep -q '^__failed=0' "$work/src/tests/test-run.sh" || {
	echo "test-run.sh: no '# Test help' line to put the shim before" >&2
	exit 2
}

# test-seccomp.py's own TAP output is one line for all six tests; run it
# through unittest to see each.
cat > "$work/seccomp-tap.py" <<'EOF'
import importlib.util, io, sys, unittest
spec = importlib.util.spec_from_file_location("t", sys.argv[1])
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
suite = unittest.defaultTestLoader.loadTestsFromModule(mod)
res = unittest.TestResult()
suite.run(res)
bad = {t.id(): tb for t, tb in res.failures + res.errors}
skipped = {t.id() for t, _ in res.skipped}
for t in unittest.defaultTestLoader.loadTestsFromModule(mod):
    for c in t:
        name = c.id()
        if name in bad:
            print("not ok - " + name)
            sys.stderr.write(bad[name])
        elif name in skipped:
            print("ok - # SKIP " + name)
        else:
            print("ok - " + name)
EOF
chmod -R a+rX "$work"

# count FILE TOTAL: "pass/skip/fail" from TAP lines; a whole-file skip
# (1..0 # SKIP) counts TOTAL skips, unreached checks count as failures.
count() {
	local p s f
	if grep -q '^1\.\.0 # SKIP' "$1"; then
		echo "0/$2/0"
		return
	fi
	p=$(grep -c '^ok ' "$1" | head -1)
	s=$(grep -c '^ok .*# SKIP' "$1" | head -1)
	f=$(grep -c '^not ok' "$1" | head -1)
	p=$((p - s))
	[ $((p + s + f)) -lt "$2" ] && f=$(($2 - p - s))
	echo "$p/$s/$f"
}

# Runs "$@" as uid $1 under `timeout $2`, which leads a process group of
# its own: what a script leaves behind (test-specifying-*.sh's first
# sandbox waits on a fifo forever when the second one fails) is killed
# with the group once the script is done.
run_as() {
	local uid=$1 limit=$2 pid rc
	shift 2
	if [ "$uid" = 0 ]; then
		timeout -k 5 "$limit" "$@" &
	else
		setpriv --reuid="$uid" --regid="$uid" --clear-groups \
			timeout -k 5 "$limit" "$@" &
	fi
	pid=$!
	wait "$pid"
	rc=$?
	kill -KILL -- "-$pid" 2>/dev/null
	return $rc
}

for backend in $backends; do
	for uid in $users; do
		log="$work/log-$backend-$uid"
		mkdir -p "$log"
		chmod 777 "$log"
		envs=(env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/
		      "BWRAP=$work/bin/bwrap" "G_TEST_SRCDIR=$work/src"
		      "G_TEST_BUILDDIR=$work/build")
		[ "$backend" != - ] && envs+=("VEIL_BACKEND=$backend")
		cd "$work"
		for t in test-run.sh test-specifying-userns.sh test-specifying-pidns.sh; do
			# test-specifying-* wait forever for a sandbox that never starts.
			limit=$per_run_timeout
			[ "$t" != test-run.sh ] && limit=60
			run_as "$uid" "$limit" "${envs[@]}" \
				bash "$work/src/tests/$t" > "$log/$t.tap" 2> "$log/$t.err" < /dev/null
		done
		run_as "$uid" "$per_run_timeout" "${envs[@]}" \
			"$py" "$work/seccomp-tap.py" "$work/src/tests/test-seccomp.py" \
			> "$log/test-seccomp.py.tap" 2> "$log/test-seccomp.py.err" < /dev/null
		printf 'backend=%s uid=%s test-run.sh=%s test-specifying-userns.sh=%s test-specifying-pidns.sh=%s test-seccomp.py=%s\n' \
			"$backend" "$uid" \
			"$(count "$log/test-run.sh.tap" $test_run_total)" \
			"$(count "$log/test-specifying-userns.sh.tap" 1)" \
			"$(count "$log/test-specifying-pidns.sh.tap" 1)" \
			"$(count "$log/test-seccomp.py.tap" 6)"
		grep -h '^not ok' "$log"/*.tap | sed 's/^/    /'
		if [ -n "${BWRAP_SUITE_KEEP:-}" ]; then
			mkdir -p "$BWRAP_SUITE_KEEP"
			cp -r "$log" "$BWRAP_SUITE_KEEP/"
		fi
	done
done
