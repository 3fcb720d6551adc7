# Overlays of two host trees: one with an upper in memory, one read-only.
# Copy-up, whiteouts, opaque directories, EXDEV for lower directories (mv
# copies instead), hard links, and what an fd of an overlay file is.
# veil: --overlay-src $SCRATCH/l1 --overlay-src $SCRATCH/l2 --tmp-overlay /tmp/w/ov --overlay-src $SCRATCH/l1 --overlay-src $SCRATCH/l2 --ro-overlay /tmp/w/ro
# native: mkdir -p /tmp/.o/u /tmp/.o/w /tmp/w/ov /tmp/w/ro && mount -t overlay overlay -o lowerdir=$SCRATCH/l2:$SCRATCH/l1,upperdir=/tmp/.o/u,workdir=/tmp/.o/w /tmp/w/ov && mount -t overlay overlay -o lowerdir=$SCRATCH/l2:$SCRATCH/l1 /tmp/w/ro
set -u
# A path that walks through an overlay's directories and out again still
# names the caller in /proc/self (the overlay's own lookups in its layers
# once made it nobody's): first thing, before anything is cached.
cat ov/m2/../../../../proc/self/comm ro/lo/../../../../proc/thread-self/comm
ls -l | cut -c1-10
cd ov
ls -1
cat both a d/x
ls -1 d
echo more >> a
cat a
echo new > c
rm gone
ls -1
rm d/x
ls -1 d
mkdir lo2 && mv lo2 lo3 && ls -1
mv d d2
echo "mv d: $?"
ls -1 . d2
rmdir lo 2>&1
rm lo/f && rmdir lo && mkdir lo && ls -1 lo | wc -l
ln a a2
stat -c '%n %h %s %a' a a2 . m2 lo lo3
chmod 600 both
stat -c '%n %a %s' both
cd ..
python3 -c '
import os
for p in ["ov/both", "ov/a2", "ov/d2", "ov/m2", "ro/both", "ro/d", "ro/m2/f"]:
    fd = os.open(p, os.O_RDONLY)
    a, b = os.fstat(fd), os.stat(p)
    same = a.st_dev == b.st_dev and a.st_ino == b.st_ino
    print(p, same, sorted(os.listdir(fd)) if os.path.isdir(p) else os.read(fd, 10))
    os.close(fd)
print("dirs share st_dev:", os.stat("ov").st_dev == os.stat("ov/d2").st_dev)
print("ro a file and ro dirs:", os.stat("ro/both").st_dev == os.stat("ro").st_dev)
'
ls -1 ro
cat ro/both ro/a
echo x > ro/new
rm ro/a
find ov ro | sort
