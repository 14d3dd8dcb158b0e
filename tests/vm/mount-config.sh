# mount -t lustre against rustre-server over a veth pair: lustre.ko
# connects to the MGS, reads the client configuration log, connects to the
# MDT and every OST it names and disconnects, then refuses the mount (the
# namespace is not read yet). A malformed log chunk fails the mount with
# EPROTO, a lost reply is resent, an OST that refuses leaves the others,
# an MDT that refuses fails the mount.
. /rustre/lib.sh

command -v rustre-server >/dev/null || { echo "no rustre-server for this architecture"; exit 77; }

must rustre-test-net up
must modprobe lnet 'networks=tcp(rt0)'
mkdir -p /mnt/lustre

# Mounts lustre:/lustre, which must fail with the error text $1; the rest
# of the arguments are rustre-server's.
mount_fails() {
	want=$1
	shift
	start_server "$@"
	dmesg_mark
	out=$(mount -t lustre 10.99.0.2@tcp:/lustre /mnt/lustre 2>&1) &&
		fail "the mount succeeded"
	echo "$out" | grep -q "$want" || fail "mount: expected '$want', got: $out"
	grep -q ' /mnt/lustre ' /proc/mounts && fail "something is mounted"
	stop_server
}

mount_fails 'Operation not supported' --osts 3
dmesg_has 'lustre: lustre: MDT 0 lustre-MDT0000_UUID at 10\.99\.0\.2@tcp' ||
	fail "the MDT was not read from the log"
for i in 0 1 2; do
	dmesg_has "lustre: lustre: OST $i lustre-OST000${i}_UUID at 10\.99\.0\.2@tcp" ||
		fail "OST $i was not read from the log"
done
dmesg_has 'lustre: lustre: 1 MDTs, 3 OSTs, default stripes 1 x 1048576 bytes' ||
	fail "no summary of the configuration"
dmesg_has 'lustre: lustre: connected to 1 of 1 MDTs and 3 of 3 OSTs' ||
	fail "the targets were not all connected"
dmesg_has 'lustre: mount: cannot mount lustre: reading the namespace is not done yet' ||
	fail "no log line for the refused mount"
for t in MGS lustre-MDT0000 lustre-OST0000 lustre-OST0001 lustre-OST0002; do
	grep -q "connected to $t " /tmp/server.log || fail "no connect to $t: $(cat /tmp/server.log)"
	grep -q "disconnected from $t\$" /tmp/server.log || fail "no disconnect from $t"
done

# A malformed chunk of the log (opcode 502, LLOG_ORIGIN_HANDLE_NEXT_BLOCK).
mount_fails 'Protocol error' --fault malformed:502:1:buflen
dmesg_has 'lustre: .*malformed' || fail "no log line for the malformed reply"

# A lost reply: the request is sent again and the mount gets as far as
# before.
mount_fails 'Operation not supported' --fault drop:502:1
dmesg_has 'lustre: MGS at 10\.99\.0\.2@tcp: no reply to LlogOriginHandleNextBlock \(xid [0-9]+\) in 20 s, sending it again' ||
	fail "no log line for the resend"
grep -q 'connected to lustre-OST0001 ' /tmp/server.log || fail "no connect after the resend"

# An OST that refuses (opcode 8, OST_CONNECT) leaves the others.
mount_fails 'Operation not supported' --fault error:8:2:19
dmesg_has 'lustre: lustre: cannot connect to lustre-OST0001_UUID at 10\.99\.0\.2@tcp: error -19; its stripes are unavailable' ||
	fail "no log line for the OST that refused"
dmesg_has 'lustre: lustre: connected to 1 of 1 MDTs and 1 of 2 OSTs' ||
	fail "the other targets were not connected"

# An MDT that refuses (opcode 38, MDS_CONNECT) fails the mount.
mount_fails 'No such device' --fault error:38:1:19
dmesg_has 'lustre: lustre: cannot connect to lustre-MDT0000_UUID at 10\.99\.0\.2@tcp: error -19' ||
	fail "no log line for the MDT that refused"

must rmmod lustre
must rmmod lnet
must rustre-test-net down
exit 0
