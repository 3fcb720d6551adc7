# A fork-heavy shell loop: 300 fork+exec, subshells, pipes.
set -u
i=0
while [ $i -lt 300 ]; do
	/bin/true
	i=$((i + 1))
done
echo "ran $i"
echo "$(echo nested $(echo deeper))"
seq 1 1000 | grep 7 | wc -l
( exit 7 ); echo "subshell $?"
