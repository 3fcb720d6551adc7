# Host files owned by others, seen by root: what the tree holds and who
# owns it (the harness runs as root; neither backend adds a user namespace
# here, so every id is itself), and directories only their owner may read.
set -u
find /usr -xdev -type d ! -perm -o+rx 2>&1 | sort | head -20
find /usr/share -xdev 2>&1 | wc -l
find /usr -xdev -maxdepth 3 ! -user root -printf '%u:%g %p\n' 2>&1 | sort | head -10
