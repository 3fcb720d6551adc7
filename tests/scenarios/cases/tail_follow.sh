# tail -f follows a file that grows (inotify on the file, or polling where
# the sandbox cannot watch): every line arrives, bounded by a timeout.
set -u
PATH=/usr/bin:/bin
printf 'first\n' > log
( for i in 2 3 4; do sleep 0.3; echo "line $i" >> log; done; sleep 1.5; echo "last" >> log ) &
timeout 4 tail -f log
echo "tail: $?"
wait
