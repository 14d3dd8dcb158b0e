# lnet.ko keeps working when its peer goes away and comes back: a restarted
# server (new incarnation, connections reset) and a link cut and restored
# both end in a working ping again, by reconnecting on demand. A silent
# peer is noticed within sock_timeout (TCP keepalive).
. /rustre/lib.sh

command -v rustre-server >/dev/null || { echo "no rustre-server for this architecture"; exit 77; }

# Ping the server, retrying for up to $1 seconds.
ping_within() {
	for _ in $(seq "$1"); do
		lctl ping 10.99.0.2@tcp 1 >/dev/null 2>&1 && return 0
	done
	return 1
}

must rustre-test-net up
start_server
must modprobe lnet 'networks=tcp(rt0)' sock_timeout=4
must lctl network up
ping_within 5 || fail "first ping"

# The server restarts.
kill -9 $server
wait $server 2>/dev/null
lctl ping 10.99.0.2@tcp 1 >/dev/null 2>&1 && fail "ping of a stopped server succeeded"
start_server
ping_within 10 || fail "no ping after the server restarted"

# The link is cut: the connections fail within sock_timeout; then it is
# restored.
dmesg_mark
must ip link set rt0 down
lctl ping 10.99.0.2@tcp 1 >/dev/null 2>&1 && fail "ping over a cut link succeeded"
for _ in $(seq 30); do
	dmesg_has '10.99.0.2@tcp \(Control\) disconnected' && break
	sleep 1
done
dmesg_has '10.99.0.2@tcp \(Control\) disconnected' || fail "the silent peer was not noticed"
must ip link set rt0 up
ping_within 30 || fail "no ping after the link came back"

must rmmod lnet
stop_server
must rustre-test-net down
exit 0
