# The devices --dev gives, used the ordinary way.
set -u
echo discarded > /dev/null && echo "null takes writes"
head -c 16 /dev/zero | od -An -tx1
test "$(head -c 32 /dev/urandom | wc -c)" = 32 && echo "urandom gives bytes"
test "$(head -c 8 /dev/random | wc -c)" = 8 && echo "random gives bytes"
( echo x > /dev/full ) 2>/dev/null || echo "full is full"
ls /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty
stat -c '%n %F %t:%T %a' /dev/null /dev/zero /dev/full /dev/urandom
cat < /dev/null | wc -c
