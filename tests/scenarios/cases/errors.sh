# What fails, and how.
set -u
mkdir x
mkdir x 2>&1; echo "mkdir again: $?"
rmdir nonexistent 2>&1; echo "rmdir missing: $?"
touch x/f
rmdir x 2>&1; echo "rmdir non-empty: $?"
cat x 2>&1; echo "cat dir: $?"
ln -s loop1 loop2; ln -s loop2 loop1
cat loop1 2>&1; echo "loop: $?"
touch /usr/veil-scenario 2>&1 | sed 's/^touch: //'; echo "write ro: done"
echo "$(cd x/f 2>&1)"; echo "cd file done"
