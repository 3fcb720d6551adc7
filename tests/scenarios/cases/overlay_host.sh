# An overlay whose upper and work directories are on the host (--overlay):
# the same changes as on a kernel overlayfs, through files and listings.
# veil: --overlay-src $SCRATCH/l1 --overlay-src $SCRATCH/l2 --overlay $SCRATCH/u $SCRATCH/w /tmp/w/ov
# native: mkdir /tmp/w/ov && mount -t overlay overlay -o lowerdir=$SCRATCH/l2:$SCRATCH/l1,upperdir=$SCRATCH/u,workdir=$SCRATCH/w /tmp/w/ov
set -u
cd ov
echo more >> a
echo new > c
rm gone d/x
mkdir e && echo in > e/f
rm -r lo && mkdir lo && echo again > lo/g
mv both both2
ln both2 both3
ls -1R
cat a both2 both3 lo/g
stat -c '%n %h %a' both2 both3 e lo d
