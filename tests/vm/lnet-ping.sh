# lnet.ko against the userspace server over a veth pair: module parameters,
# lctl network up/list_nids/ping, the server side pinging the client's
# acceptor, the privileged-port rule in both accept modes, and unloading
# with live connections.
. /rustre/lib.sh

command -v rustre-server >/dev/null || { echo "no rustre-server for this architecture"; exit 77; }

# Bad parameters fail the load and say why.
check_bad_param() {
	param=$1 why=$2
	dmesg_mark
	modprobe lnet "$param" 2>/dev/null && fail "modprobe lnet $param succeeded"
	dmesg_has "lnet: .*$why" || fail "no log line for $param saying '$why'"
}
check_bad_param networks=eth0 'bad network name'
check_bad_param 'networks=tcp(eth0' 'expected <net>'
check_bad_param networks=o2ib 'only tcp networks'
check_bad_param accept=maybe 'expected secure, all or none'
check_bad_param accept_port=0 'expected 1 to 65535'
check_bad_param sock_timeout=1 'expected 3 to 3600 seconds'

must rustre-test-net up
ip -n srv addr add 10.99.0.3/24 dev rt1
start_server

# A missing interface fails "network up", not the load.
must modprobe lnet 'networks=tcp(nosuch0)'
lctl network up 2>/dev/null && fail "network up with a missing interface succeeded"
must rmmod lnet

must modprobe lnet 'networks=tcp(rt0)'
must lctl network up
[ "$(lctl list_nids)" = 10.99.0.1@tcp ] || fail "list_nids: $(lctl list_nids)"
out=$(lctl ping 10.99.0.2@tcp) || fail "lctl ping of the server failed: $out"
[ "$out" = "12345-0@lo
12345-10.99.0.2@tcp" ] || fail "lctl ping answered: $out"
grep -q '10.99.0.1@tcp connected' /tmp/server.log || fail "the server saw no connection"

# The server's side pings the client: the client's acceptor answers.
out=$(ip netns exec srv rustre-client --nid 10.99.0.3@tcp ping 10.99.0.1@tcp) ||
	fail "ping of the client's acceptor failed: $out"
[ "$out" = "12345-0@lo
12345-10.99.0.1@tcp" ] || fail "the client answered: $out"

# accept=secure refuses a non-privileged source port, and says so.
dmesg_mark
ip netns exec srv rustre-client --nid 10.99.0.3@tcp --source-port 4000 --timeout 2 \
	ping 10.99.0.1@tcp 2>/dev/null && fail "an insecure port was accepted"
dmesg_has 'lnet: Refusing connection from 10.99.0.2: insecure port 4000' ||
	fail "no 'insecure port' log line"

# Unloading with live connections is clean.
must rmmod lnet
must modprobe lnet 'networks=tcp(rt0)' accept=all
must lctl network up
out=$(ip netns exec srv rustre-client --nid 10.99.0.3@tcp --source-port 4000 \
	ping 10.99.0.1@tcp) || fail "accept=all refused an insecure port"
must lctl network down
must lctl network up
must lctl ping 10.99.0.2@tcp >/dev/null
must rmmod lnet

stop_server
must rustre-test-net down
exit 0
