#!/bin/sh
# --die-with-parent under each backend: a shell starts veil with it, the
# shell is SIGKILLed, and the program (a sleep with a name of its own) must
# be gone within a bounded time. Under the kernel backend that is the
# sandbox's PR_SET_PDEATHSIG; under emulate the sentry's own, the program
# following the sentry (PTRACE_O_EXITKILL). TAP output.
#
#   die_with_parent.sh VEIL
set -u
veil=$1
T=$(mktemp -d /tmp/veil-dwp.XXXXXX)
trap 'rm -rf "$T"' EXIT
B="--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --tmpfs /tmp"
n=0
check() {
	n=$((n + 1))
	if [ "$3" = "$2" ]; then echo "ok $n - $1"; else
		echo "not ok $n - $1"; echo "# want: $2"; echo "# got:  $3"; fi
}
# What is left: veil and the program (their argv ends in "sleep TAG";
# ld.so's own arguments come before it under emulate).
left() { pgrep -f "sleep $1\$"; }
# Whether the program itself runs (not only veil).
running() {
	for p in $(left "$1"); do
		case $(readlink "/proc/$p/exe" 2>/dev/null) in
		*/veil | "") ;;
		*) return 0 ;;
		esac
	done
	return 1
}
echo "1..4"
for b in kernel emulate; do
	tag="4$$.$n"
	# The parent: a shell that runs veil and waits for it.
	# shellcheck disable=SC2086
	sh -c "echo \$\$ >'$T/parent'; '$veil' --backend=$b $B --die-with-parent /bin/sleep $tag; :" \
		>/dev/null 2>&1 &
	i=0
	while ! running "$tag" && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	check "$b: the program runs" yes "$(running "$tag" && echo yes)"
	kill -KILL "$(cat "$T/parent")"
	wait 2>/dev/null
	i=0
	while left "$tag" >/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	check "$b: veil and the program gone within 5 s of the parent's death" gone \
		"$(left "$tag" >/dev/null || echo gone)"
	# never leave them behind, whatever the result
	pkill -KILL -f "sleep $tag\$" 2>/dev/null || :
done
