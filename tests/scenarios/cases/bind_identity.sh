# Two binds of one host tree are one filesystem to the program, as bind
# mounts are: the same st_dev and st_ino through both, find -samefile and
# du see one file, and the mount table's device is the one stat gives.
# veil: --ro-bind /usr/share/doc /tmp/w/doc
# native: mkdir /tmp/w/doc && mount --bind /usr/share/doc /tmp/w/doc && mount -o remount,bind,ro /tmp/w/doc
set -u
PATH=/usr/bin:/bin
a=$(stat -c '%d %i' /usr/share/doc)
b=$(stat -c '%d %i' doc)
[ "$a" = "$b" ] && echo "same file through both binds"
[ "$(stat -c %d /usr/bin/env)" = "$(stat -c %d doc)" ] && echo "one device"
find /usr/share/doc -maxdepth 0 -samefile doc
du -sc /usr/share/doc/bash doc/bash | tail -1 | cut -f1 | sed 's/^[0-9][0-9]*$/counted once: &/'
dev=$(stat -c '%Hd:%Ld' doc)
awk -v d="$dev" '$5 == "/tmp/w/doc" { print ($3 == d ? "mountinfo agrees with stat" : "mountinfo says " $3) }' /proc/self/mountinfo
