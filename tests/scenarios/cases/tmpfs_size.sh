# A tmpfs with --size: native writes past the limit fail with ENOSPC,
# space comes back when a removed file is gone, statfs counts as the
# kernel does, and a program built there runs.
# veil: --size 1000000 --tmpfs /tmp/w/t
# native: mkdir /tmp/w/t && mount -t tmpfs -o size=1000000,mode=755 tmpfs /tmp/w/t
set -u
PATH=/usr/bin:/bin
cd t
head -c 5000000 /dev/zero 2>&1 >big | sed 's/^head: //'
stat -c '%s' big
rm big
for i in 1 2 3 4 5 6; do
	head -c 700000 /dev/zero > f$i || echo "write $i failed"
	rm f$i
done
head -c 300000 /dev/zero > x
stat -f -c '%b %f %a' .
printf 'int main(void) { return 7; }\n' > p.c
gcc -o p p.c && ./p
echo "built and ran: $?"
