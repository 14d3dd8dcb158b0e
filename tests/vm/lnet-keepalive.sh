# socklnd keepalives: an idle control connection gets a NOOP every
# `keepalive` seconds (V3's SOCKNAL_KEEPALIVE_PING), counted in
# /sys/kernel/debug/socklnd/stats, and stays up; keepalive=0 sends none; a
# bad value fails the load.
. /rustre/lib.sh

command -v rustre-server >/dev/null || { echo "no rustre-server for this architecture"; exit 77; }

dmesg_mark
modprobe lnet keepalive=-1 2>/dev/null && fail "modprobe lnet keepalive=-1 succeeded"
dmesg_has 'lnet: keepalive=-1: expected 0 to 3600 seconds' || fail "no log line for keepalive=-1"

must rustre-test-net up
start_server

sent() {
	sed -n 's/^keepalives_sent //p' /sys/kernel/debug/socklnd/stats
}

must modprobe lnet 'networks=tcp(rt0)' keepalive=1
must lctl network up
must lctl ping 10.99.0.2@tcp >/dev/null
sleep 4
[ "$(sent)" -ge 2 ] || fail "keepalives sent after 4 idle seconds: $(sent)"
# The same connection still carries traffic: the server saw one control
# connection from us.
must lctl ping 10.99.0.2@tcp >/dev/null
n=$(grep -c '10.99.0.1@tcp connected (Control' /tmp/server.log)
[ "$n" = 1 ] || fail "the server saw $n control connections"
must rmmod lnet

must modprobe lnet 'networks=tcp(rt0)' keepalive=0
must lctl network up
must lctl ping 10.99.0.2@tcp >/dev/null
sleep 2
[ "$(sent)" = 0 ] || fail "keepalive=0 sent $(sent) keepalives"
must rmmod lnet

stop_server
must rustre-test-net down
exit 0
