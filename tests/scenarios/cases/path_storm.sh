# Random path syscalls (tests/fuzz/path_storm.py: open with random flags,
# mkdir, rename, link, symlink, chmod, truncate, stat, listdir, mkfifo...
# on a small tree with long names, trailing slashes, loops and fds as
# dirfds), one seed; tests/fuzz/path_storm.sh draws fresh ones.
# veil: --ro-bind $TESTS $TESTS
set -u
PATH=/usr/bin:/bin
python3 "$TESTS/fuzz/path_storm.py" 0x5eed 1500 /tmp/w/storm
