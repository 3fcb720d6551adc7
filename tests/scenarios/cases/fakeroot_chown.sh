# Ownership changes as root: chown, chgrp, numeric ids, what stat and ls
# say, and setuid bits cleared by chown. (The harness runs as root; under
# the emulate backend the sandbox's root is the sentry's.)
set -u
touch f g
chown 1234:5678 f
chgrp 42 g
stat -c '%n %u %g' f g
chmod 4755 f
chown 1234 f
stat -c '%n %a' f
mkdir d
chown -R 99:99 d
stat -c '%n %u %g' d
ls -ln f | awk '{print $3, $4}'
