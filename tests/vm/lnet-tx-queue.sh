# lnet.ko's sends never wait for the network: with rustre-server stopped
# (SIGSTOP: it answers no handshake, reads nothing, its socket buffers
# fill) and no connection made yet, test_lnet.ko still queues 32 PUTs of
# 1 MiB (far more than the sockets hold) and says so; once the server runs
# again, the connections are made, every PUT is ACKed and its data comes
# back intact. With senders that connected or wrote to the socket
# themselves, the module's load would stop in the first PUT. Then, with no
# server at all, the PUTs fail instead.
. /rustre/lib.sh

command -v rustre-server >/dev/null || { echo "no rustre-server for this architecture"; exit 77; }

must rustre-test-net up
start_server
must modprobe lnet 'networks=tcp(rt0)'
must lctl network up

# No connection yet: the PUTs wait for socknal_connd, whose handshake the
# stopped server answers only once it runs again (within the handshake's
# 5 s).
kill -STOP $server
dmesg_mark
modprobe test_lnet peer=10.99.0.2@tcp flood=32 &
loader=$!
queued=
for _ in $(seq 300); do
	dmesg_has 'test_lnet: 32 PUTs of 1048576 bytes queued' && { queued=1; break; }
	sleep 0.1
done
kill -CONT $server
[ -n "$queued" ] || fail "the PUTs were not queued while the server was stopped: $(dmesg | grep test_lnet)"
wait $loader || fail "test_lnet failed: $(dmesg | grep test_lnet)"
dmesg_has 'test_lnet: all 32 transfers passed' || fail "test_lnet did not report its transfers"
must rmmod test_lnet

# With no server and no connection, socknal_connd's connect is refused: the
# queued PUTs fail, each with the error as its event's status, at once.
stop_server
must lctl network down
must lctl network up
dmesg_mark
modprobe test_lnet peer=10.99.0.2@tcp flood=4 2>/dev/null &&
	fail "test_lnet passed with no server"
dmesg_has 'test_lnet: 4 PUTs of 1048576 bytes queued' ||
	fail "the PUTs were not queued: $(dmesg | grep test_lnet)"
dmesg_has 'cannot connect to 10.99.0.2@tcp' || fail "no log line for the failed connect"
dmesg_has 'test_lnet: 1048576 bytes x 4 in flight: FAILED' ||
	fail "the PUTs did not fail: $(dmesg | grep test_lnet)"

must lctl network down
must rmmod lnet
must rustre-test-net down
exit 0
