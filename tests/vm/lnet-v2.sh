# socklnd V2: a peer that speaks only V2 answers lnet.ko's V3 HELLO in V2
# and closes; lnet.ko connects again in V2 (its three typed connections)
# and talks to it, without V3's keepalives.
. /rustre/lib.sh

command -v rustre-server >/dev/null || { echo "no rustre-server for this architecture"; exit 77; }

must rustre-test-net up
start_server --socklnd-version 2
must modprobe lnet 'networks=tcp(rt0)' keepalive=1
must lctl network up
dmesg_mark
out=$(lctl ping 10.99.0.2@tcp) || fail "lctl ping of a V2 peer failed: $out"
[ "$out" = "12345-0@lo
12345-10.99.0.2@tcp" ] || fail "lctl ping answered: $out"
dmesg_has 'lnet: 10.99.0.2@tcp: speaks socklnd V2 only' || fail "no fallback log line"
dmesg_has 'lnet: 10.99.0.2@tcp connected \(Control, V2' || fail "no V2 control connection"
grep -q 'HELLO in socklnd V3; we answered in V2' /tmp/server.log || fail "the server saw no V3 HELLO"
sleep 2
[ "$(sed -n 's/^keepalives_sent //p' /sys/kernel/debug/socklnd/stats)" = 0 ] ||
	fail "keepalives sent on V2 connections"
must lctl ping 10.99.0.2@tcp >/dev/null
must rmmod lnet

stop_server
must rustre-test-net down
exit 0
