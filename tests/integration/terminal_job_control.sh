#!/bin/sh
# An interactive shell on a terminal, driven as a person would: tmux runs
# veil in a pane, send-keys types, capture-pane reads the screen. Under
# each backend: the terminal is the sandbox's /dev/console (tty(1) names
# it), /dev/pts holds only the sandbox's own ptys, and job control works
# (a background job, fg, Ctrl-C; Ctrl-Z, bg, kill); script(1) makes a
# pty of the sandbox's own inside it, sized like the terminal; /dev/tty is
# the caller's controlling terminal (script's pty inside script; none after
# setsid), never merely the one veil runs on. The same under emulate's
# pid namespace (--unshare-pid: tcsetpgrp and tcgetpgrp translated), but
# script(1), which needs signalfd, refused there. TAP output.
#
#   terminal_job_control.sh VEIL
set -u
veil=$1
n=0
if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux is not installed (scripts/deps installs it)"
	exit 0
fi
sock=
trap '[ -z "$sock" ] || tmux -L "$sock" kill-server 2>/dev/null' EXIT

backends="kernel emulate emulate+pidns"
echo "1..$((10 * 2 + 8))"

ok() { # name, condition result (0 = pass), details
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		printf '%s\n' "$3" | sed 's/^/# /'
	fi
}

screen() {
	tmux -L "$sock" capture-pane -p -t t 2>/dev/null
}

# Types a line, then waits (up to 10 s) until a line of the screen matches
# `want` (a basic regex; anchor it at ^ so the typed line does not match).
type_and_wait() {
	line=$1
	want=$2
	wait_prompt
	tmux -L "$sock" send-keys -t t "$line" Enter
	wait_for "$want"
}

# Waits (up to 10 s) until the shell prompts again on the last line: what
# is typed before then goes to the command still running.
wait_prompt() {
	for i in $(seq 200); do
		[ "$(screen | grep -v '^$' | tail -n 1)" = 'veil$' ] && return 0
		tmux -L "$sock" has-session -t t 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

wait_for() {
	for i in $(seq 200); do
		screen | grep -q -e "$1" && return 0
		tmux -L "$sock" has-session -t t 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# Typed lines too quoted to write inline.
dev_tty_in_script=$(cat <<'EOF'
script -qc 'python3 -c "import os; print(\"dev-tty\", os.tcgetpgrp(os.open(\"/dev/tty\", os.O_RDWR)) == os.getpgrp())"' /dev/null
EOF
)
dev_tty_after_setsid=$(cat <<'EOF'
setsid -w sh -c '{ true 3<>/dev/tty; } 2>/dev/null && echo no-ctty-opened || echo no-ctty-refused'
EOF
)

for b in $backends; do
	[ -z "$sock" ] || tmux -L "$sock" kill-server 2>/dev/null
	sock="veil-tty-$$-$b" # a server of its own: one being killed may linger
	case $b in
	emulate+pidns) how="--backend=emulate --unshare-pid" ;;
	*) how="--backend=$b" ;;
	esac
	tmux -L "$sock" -f /dev/null new-session -d -s t -x 120 -y 50 \
		"$veil $how --ro-bind /usr /usr --symlink usr/bin /bin \
		--symlink usr/lib /lib --symlink usr/lib64 /lib64 --dev /dev \
		--setenv PS1 'veil\$ ' --setenv TERM screen -- bash --norc --noprofile -i; sleep 30"
	wait_for '^veil\$' # capture-pane drops the trailing space
	ok "$b: the shell prompts" $? "$(screen)"

	type_and_wait 'echo "tty=$(tty)"' '^tty='
	got=$(screen | grep '^tty=')
	[ "$got" = "tty=/dev/console" ]
	ok "$b: the terminal is /dev/console" $? "$got"

	type_and_wait 'echo "pts=$(ls /dev/pts | tr "\n" " ")."' '^pts='
	got=$(screen | grep '^pts=')
	[ "$got" = "pts=ptmx ." ]
	ok "$b: /dev/pts holds no pty the sandbox did not make" $? "$got"

	type_and_wait 'sleep 100 &' '^\[1\] '
	type_and_wait 'jobs' 'Running'
	got=$(screen | grep -F '[1]+')
	case "$got" in *"Running"*"sleep 100 &"*) r=0 ;; *) r=1 ;; esac
	ok "$b: a background job runs" $r "$(screen)"

	type_and_wait 'fg' '^sleep 100'
	sleep 0.3
	tmux -L "$sock" send-keys -t t C-c
	type_and_wait 'echo "after-int=$? jobs=$(jobs | wc -l)"' '^after-int='
	got=$(screen | grep '^after-int=')
	[ "$got" = "after-int=130 jobs=0" ]
	ok "$b: fg and Ctrl-C end the job" $? "$(screen)"

	type_and_wait 'sleep 200' '^veil\$ sleep 200'
	sleep 0.3
	tmux -L "$sock" send-keys -t t C-z
	wait_for 'Stopped'
	type_and_wait 'echo "stopped=$(jobs -s | wc -l)"' '^stopped='
	got=$(screen | grep '^stopped=')
	[ "$got" = "stopped=1" ]
	ok "$b: Ctrl-Z stops the foreground job" $? "$(screen)"

	type_and_wait 'bg; kill %1; wait %1; echo "killed=$? left=$(jobs | wc -l)"' '^killed='
	got=$(screen | grep -e '^\[1\]+  Terminated' -e '^killed=' | tr -s ' ' | tr '\n' ' ')
	[ "$got" = "[1]+ Terminated sleep 200 killed=143 left=0 " ]
	ok "$b: bg and kill" $? "$(screen)"
	if [ "$b" != emulate+pidns ]; then
	type_and_wait "script -qc 'echo \"in-script \$(tty | sed s/[0-9]*\$/N/) \$(stty size)\"' /dev/null" '^in-script'
	got=$(screen | grep '^in-script' | tr -d '\r')
	[ "$got" = "in-script /dev/pts/N 50 120" ]
	ok "$b: script makes a pty sized like the terminal" $? "$(screen)"
	type_and_wait "$dev_tty_in_script" '^dev-tty'
	got=$(screen | grep '^dev-tty' | tr -d '\r')
	[ "$got" = "dev-tty True" ]
	ok "$b: /dev/tty inside script is script's pty" $? "$(screen)"
	fi

	type_and_wait "$dev_tty_after_setsid" '^no-ctty'
	got=$(screen | grep '^no-ctty')
	[ "$got" = "no-ctty-refused" ]
	ok "$b: without a controlling terminal /dev/tty opens nothing" $? "$(screen)"
	tmux -L "$sock" send-keys -t t 'exit' Enter
done
