# Binds of single files (read-only and writable) and what they refuse:
# writes through a read-only bind, removing or renaming a mount point.
# veil: --ro-bind $SCRATCH/l1/a /tmp/w/ra --bind $SCRATCH/l1/both /tmp/w/rw
# native: touch /tmp/w/ra /tmp/w/rw && mount --bind $SCRATCH/l1/a /tmp/w/ra && mount -o remount,bind,ro /tmp/w/ra && mount --bind $SCRATCH/l1/both /tmp/w/rw
set -u
PATH=/usr/bin:/bin
cat ra rw
echo more >> ra
echo more >> rw
cat rw
stat -c '%n %s %h %F' ra rw
rm ra 2>&1 | sed 's/^rm: //'
mv rw elsewhere 2>&1 | sed 's/^mv: //'
{ echo x > ra; } 2>/dev/null || echo 'truncating ra refused'
ls
