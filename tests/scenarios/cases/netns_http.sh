# veil: --unshare-net
# native-exec: unshare -n
# A web server and its clients inside a network namespace of the
# sandbox's own: python3 -m http.server on 127.0.0.1 and on ::1, fetched
# with curl and with urllib (threads, a new connection per request), and
# the server's log of who asked.
set -u
PATH=/usr/bin:/bin
# natively a fresh network namespace has lo down (the sandboxes' is up)
/usr/sbin/ip link set lo up 2>/dev/null || :
mkdir www && echo "hello from inside" > www/index.html
serve() {
	python3 -m http.server "$1" --bind "$2" -d www 2>>log &
	for _ in $(seq 100); do
		python3 -c "import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])))" \
			"$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "server on $2 did not start"
}
serve 8080 127.0.0.1
p4=$!
serve 8086 ::1
p6=$!
curl -s http://127.0.0.1:8080/index.html
curl -s "http://[::1]:8086/index.html"
curl -s -o /dev/null -w '%{http_code}\n' http://127.0.0.1:8080/missing
timeout 60 python3 -c '
import urllib.request, concurrent.futures
urls = ["http://127.0.0.1:8080/index.html", "http://[::1]:8086/index.html"] * 4
with concurrent.futures.ThreadPoolExecutor(4) as ex:
    bodies = list(ex.map(lambda u: urllib.request.urlopen(u, timeout=20).read(), urls))
print("urllib:", len(bodies), set(bodies))
'
curl -s -m 5 http://10.9.8.7:8080/ >/dev/null; echo "curl to elsewhere: exit $?"
kill $p4 $p6
wait
sed 's/\[[^]]*\] //' log | sort | uniq -c
