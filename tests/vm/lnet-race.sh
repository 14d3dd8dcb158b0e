# The socklnd connection race rule: while lnet.ko connects to a peer, a
# connection from that same peer is refused (connection type NONE, "retry")
# when the peer's NID is the lower, and taken when it is the higher. The
# peer is `rustre-client race`, which holds lnet.ko's connection to it
# unanswered while it connects back. And the other side of the rule: told
# to retry by a peer that wins, lnet.ko uses the winner's connections.
. /rustre/lib.sh

command -v rustre-client >/dev/null || { echo "no rustre-client for this architecture"; exit 77; }

must rustre-test-net up
# lnet.ko's NID between the two the peer takes.
must ip addr flush dev rt0
must ip addr add 10.99.0.5/24 dev rt0
must ip -n srv addr add 10.99.0.9/24 dev rt1
must ip -n srv addr add 10.99.0.7/24 dev rt1
must modprobe lnet 'networks=tcp(rt0)'
must lctl network up
[ "$(lctl list_nids)" = 10.99.0.5@tcp ] || fail "list_nids: $(lctl list_nids)"

# race PEER_NID EXPECTED: the peer listens, lnet.ko connects to it (a ping,
# which then fails: the peer never answers it), the peer connects back.
race() {
	ip netns exec srv rustre-client --nid "$1" race 10.99.0.5@tcp "$2" >/tmp/race.log 2>&1 &
	tool=$!
	for _ in $(seq 50); do
		grep -q 'listening as' /tmp/race.log && break
		sleep 0.1
	done
	lctl ping "$1" 2 >/dev/null 2>&1 &
	pinger=$!
	wait $tool || fail "race as $1: $(cat /tmp/race.log)"
	wait $pinger
}

dmesg_mark
race 10.99.0.2@tcp refused
dmesg_has 'lnet: 10.99.0.2@tcp: connection race' || fail "no log line for the race"
race 10.99.0.9@tcp accepted

# The peer wins: it answers lnet.ko's connection with NONE and connects to
# lnet.ko; the ping lnet.ko was sending goes over those connections.
ip netns exec srv rustre-client --nid 10.99.0.7@tcp race 10.99.0.5@tcp wins >/tmp/race.log 2>&1 &
tool=$!
for _ in $(seq 50); do
	grep -q 'listening as' /tmp/race.log && break
	sleep 0.1
done
out=$(lctl ping 10.99.0.7@tcp 10) || fail "the ping of the race's winner failed: $out $(cat /tmp/race.log)"
[ "$out" = "12345-0@lo
12345-10.99.0.7@tcp" ] || fail "the winner answered: $out"
wait $tool || fail "the winner: $(cat /tmp/race.log)"

must rmmod lnet
must rustre-test-net down
exit 0
