# lnet.ko's sends never wait for the network: with rustre-server stopped
# (SIGSTOP: it reads nothing, its socket buffers fill), test_lnet.ko still
# queues 32 PUTs of 1 MiB (far more than the sockets hold) and says so;
# once the server runs again, every PUT is ACKed and its data comes back
# intact. With senders that wrote to the socket themselves, the module's
# load would stop in the first PUTs that do not fit.
. /rustre/lib.sh

command -v rustre-server >/dev/null || { echo "no rustre-server for this architecture"; exit 77; }

must rustre-test-net up
start_server
must modprobe lnet 'networks=tcp(rt0)'
# The connections are made while the server runs.
must lctl ping 10.99.0.2@tcp >/dev/null

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

must lctl network down
must rmmod lnet
stop_server
must rustre-test-net down
exit 0
