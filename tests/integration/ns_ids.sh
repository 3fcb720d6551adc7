#!/bin/sh
# The namespaces a sandbox has, by id, as bubblewrap's test-run.sh checks
# them ("namespace id info in info and json-status fd"): --info-fd and
# --json-status-fd name the ids /proc/self/ns/* shows inside (stat -L),
# for the mount namespace and each one unshared; under emulate those are
# the sentry's own (none the host's), the others the host's. TAP.
#
#   ns_ids.sh VEIL
set -u
veil=$1
t=$(mktemp -d /tmp/veil-nsids.XXXXXX)
trap 'rm -rf "$t"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
echo 1..6
for b in kernel emulate; do
	if ! "$veil" --backend=$b --unshare-all --proc /proc --ro-bind / / --dev /dev \
		--info-fd 8 --json-status-fd 9 -- sh -c 'stat -L -c "%n %i" /proc/self/ns/*' \
		>"$t/$b.ns" 8>"$t/$b.info" 9>"$t/$b.json" 2>"$t/$b.err"; then
		notok "$b: the sandbox ran"; cat "$t/$b.err" | sed 's/^/# /'
		continue
	fi
	bad=
	for ns in cgroup ipc mnt net pid uts; do
		id=$(awk -v p="/proc/self/ns/$ns" '$1 == p { print $2 }' "$t/$b.ns")
		grep -q "\"$ns-namespace\": $id" "$t/$b.info" || bad="$bad info:$ns"
		grep -q "\"$ns-namespace\": $id" "$t/$b.json" || bad="$bad json:$ns"
	done
	[ -z "$bad" ] && ok "$b: --info-fd and --json-status-fd name the ids inside" ||
		notok "$b: ids missing:$bad"
	# unshared: not the host's; time (never unshared) the host's
	same=
	for ns in cgroup ipc mnt net pid uts user; do
		id=$(awk -v p="/proc/self/ns/$ns" '$1 == p { print $2 }' "$t/$b.ns")
		[ "$id" = "$(stat -L -c %i /proc/self/ns/$ns)" ] && same="$same $ns"
	done
	tid=$(awk '$1 == "/proc/self/ns/time" { print $2 }' "$t/$b.ns")
	[ -z "$same" ] && [ "$tid" = "$(stat -L -c %i /proc/self/ns/time)" ] &&
		ok "$b: every namespace unshared is the sandbox's own, time the host's" ||
		notok "$b: the host's:$same (time: $tid)"
done
# without --unshare-*: the host's ipc, the sandbox's mount namespace
"$veil" --backend=emulate --proc /proc --ro-bind / / --dev /dev --info-fd 8 -- \
	sh -c 'stat -L -c "%n %i" /proc/self/ns/ipc /proc/self/ns/mnt' >"$t/e2.ns" 8>"$t/e2.info"
ipc=$(awk '$1 == "/proc/self/ns/ipc" { print $2 }' "$t/e2.ns")
mnt=$(awk '$1 == "/proc/self/ns/mnt" { print $2 }' "$t/e2.ns")
[ "$ipc" = "$(stat -L -c %i /proc/self/ns/ipc)" ] && [ "$mnt" != "$(stat -L -c %i /proc/self/ns/mnt)" ] &&
	grep -q "\"mnt-namespace\": $mnt" "$t/e2.info" && ! grep -q ipc-namespace "$t/e2.info" &&
	ok "emulate without --unshare-*: the host's ipc, its own mount namespace" ||
	notok "emulate without --unshare-*: ipc $ipc mnt $mnt: $(cat "$t/e2.info")"
# two sandboxes: two mount namespaces
"$veil" --backend=emulate --ro-bind / / --info-fd 8 -- true 8>"$t/a.info"
"$veil" --backend=emulate --ro-bind / / --info-fd 8 -- true 8>"$t/b.info"
a=$(sed -n 's/.*"mnt-namespace": \([0-9]*\).*/\1/p' "$t/a.info")
b=$(sed -n 's/.*"mnt-namespace": \([0-9]*\).*/\1/p' "$t/b.info")
[ -n "$a" ] && [ "$a" != "$b" ] && ok "emulate: two sandboxes, two mount namespaces ($a, $b)" ||
	notok "emulate: two sandboxes, mount namespaces $a and $b"
