# lnet.ko's PUT/GET API, through test_lnet.ko against rustre-server's LNet
# echo service over a veth pair: sizes from 0 bytes to 1 MiB, 4 MiB as four
# 1 MiB transfers in flight, 1000 transfers in flight, then the same from and
# into page-array MDs (LNET_MD_KIOV), whose large PUTs go zero-copy, every
# one compared by checksum; LNet's counters (/sys/kernel/debug/lnet/stats)
# and socklnd's count them. Then
# the network goes down with the connections live.
. /rustre/lib.sh

command -v rustre-server >/dev/null || { echo "no rustre-server for this architecture"; exit 77; }

must rustre-test-net up
start_server

must modprobe lnet 'networks=tcp(rt0)'
dmesg_mark
modprobe test_lnet peer=10.99.0.2@tcp || fail "test_lnet failed: $(dmesg | grep test_lnet)"
dmesg_has 'test_lnet: all 1121 transfers passed' || fail "test_lnet did not report its transfers"
must rmmod test_lnet

# msgs_alloc msgs_max errors send_count recv_count route_count drop_count
# send_length recv_length route_length drop_length: at least the 1121 PUTs
# and 1121 GETs sent, their ACKs and REPLYs received, 12062843 bytes each way.
stats=$(cat /sys/kernel/debug/lnet/stats)
echo "stats: $stats"
set -- $stats
[ "$#" = 11 ] || fail "stats has $# fields"
[ "$4" -ge 2242 ] && [ "$5" -ge 2242 ] || fail "send/recv counts $4/$5"
[ "$8" -ge 12062843 ] && [ "$9" -ge 12062843 ] || fail "send/recv lengths $8/$9"
[ "$3" = 0 ] || fail "$3 errors"

# The PUTs of 16 KiB and more from pages (six) went by reference and the
# server acknowledged each (socklnd's zero-copy acknowledgements).
zc_sent=$(awk '$1 == "zc_sent" { print $2 }' /sys/kernel/debug/socklnd/stats)
zc_acked=$(awk '$1 == "zc_acked" { print $2 }' /sys/kernel/debug/socklnd/stats)
[ "$zc_sent" -ge 6 ] || fail "zc_sent $zc_sent"
[ "$zc_acked" = "$zc_sent" ] || fail "zc_sent $zc_sent, zc_acked $zc_acked"

# Without the parameter, or with a bad one, the test refuses to run.
modprobe test_lnet 2>/dev/null && fail "test_lnet ran without a peer"
modprobe test_lnet peer=10.99.0.2 2>/dev/null && fail "test_lnet ran with a bad peer"

must lctl network down
must rmmod lnet
stop_server
must rustre-test-net down
exit 0
