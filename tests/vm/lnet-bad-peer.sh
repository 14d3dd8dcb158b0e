# lnet.ko against a peer that breaks the protocol one field at a time (the
# acceptor's request, the HELLO, the message headers): each connection is
# closed with a log line, and the node still answers pings afterwards.
. /rustre/lib.sh

command -v rustre-client >/dev/null || { echo "no rustre-client for this architecture"; exit 77; }

must rustre-test-net up
must modprobe lnet 'networks=tcp(rt0)'
must lctl network up
dmesg_mark
ip netns exec srv rustre-client --nid 10.99.0.2@tcp bad-peer 10.99.0.1@tcp ||
	fail "a malformed connection was not closed"
dmesg_has 'lnet: .*(malformed|bad magic|unsupported|not ours|connection type)' ||
	fail "no log line for the malformed connections"
# The seven malformed messages after a handshake count as errors.
set -- $(cat /sys/kernel/debug/lnet/stats)
[ "$3" -ge 7 ] || fail "errors counted: $3"
out=$(ip netns exec srv rustre-client --nid 10.99.0.2@tcp ping 10.99.0.1@tcp) ||
	fail "the node no longer answers pings"
echo "$out" | grep -qx '12345-10.99.0.1@tcp' || fail "ping answered: $out"
must rmmod lnet
must rustre-test-net down
exit 0
