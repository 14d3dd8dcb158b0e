# lnet.ko's loopback (lolnd): a node reaches itself at 0@lo and at its own
# NIDs without a connection. lctl ping of both answers with our NIDs;
# test_lnet.ko's transfers (0 B to 1 MiB, 1000 in flight, from buffers and
# from pages, checksummed) go over 0@lo to MDs of its own that play the echo
# service (copied page to page for page-array MDs); LNet's counters
# count them; nothing connects.
. /rustre/lib.sh

must rustre-test-net up
must modprobe lnet 'networks=tcp(rt0)'
must lctl network up
dmesg_mark

for nid in 0@lo 10.99.0.1@tcp; do
	out=$(lctl ping $nid) || fail "lctl ping $nid failed: $out"
	[ "$out" = "12345-0@lo
12345-10.99.0.1@tcp" ] || fail "lctl ping $nid answered: $out"
done

modprobe test_lnet peer=0@lo || fail "test_lnet over 0@lo failed: $(dmesg | grep test_lnet)"
dmesg_has 'test_lnet: all 1121 transfers passed' || fail "test_lnet did not report its transfers"
must rmmod test_lnet

# msgs_alloc msgs_max errors send_count recv_count ...: every message is
# both sent and received here: the 2 pings and their replies, and for
# each transfer a PUT, its ACK, a GET and its REPLY.
set -- $(cat /sys/kernel/debug/lnet/stats)
[ "$4" -ge 4488 ] && [ "$5" -ge 4488 ] || fail "send/recv counts $4/$5"
[ "$4" = "$5" ] || fail "sent $4, received $5 over the loopback"
[ "$3" = 0 ] || fail "$3 errors"
dmesg_has 'connected' && fail "a connection was made: $(dmesg | grep connected)"

must lctl network down
must rmmod lnet
must rustre-test-net down
exit 0
