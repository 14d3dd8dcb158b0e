# mount -t lustre against rustre-server over a veth pair: lustre.ko
# connects to the MGS, reads the client configuration log, connects to the
# MDT and every OST it names, gets the root FID and the statistics, and
# disconnects, then refuses the mount (the namespace is not read yet). A malformed log chunk fails the mount with
# EPROTO, a lost reply is resent, an OST that refuses leaves the others,
# an MDT that refuses fails the mount.
. /rustre/lib.sh

command -v rustre-server >/dev/null || { echo "no rustre-server for this architecture"; exit 77; }

must rustre-test-net up
must modprobe lnet 'networks=tcp(rt0)'
mkdir -p /mnt/lustre

# Mounts lustre:/lustre, which must fail with the error text $1.
try_mount() {
	dmesg_mark
	out=$(mount -t lustre 10.99.0.2@tcp:/lustre /mnt/lustre 2>&1) &&
		fail "the mount succeeded"
	echo "$out" | grep -q "$1" || fail "mount: expected '$1', got: $out"
	grep -q ' /mnt/lustre ' /proc/mounts && fail "something is mounted"
}

# As try_mount, against a server started with the rest of the arguments.
mount_fails() {
	want=$1
	shift
	start_server "$@"
	try_mount "$want"
	stop_server
}

# The KiB available that the last mount's statfs line gave.
kib_avail() {
	dmesg | sed -n "/rustre-test-mark-$mark_id\$/,\$p" |
		sed -n 's/.*lustre: lustre: \([0-9]*\) KiB available, .*/\1/p'
}

ip -n srv addr add 10.99.0.3/24 dev rt1
start_server --osts 3
try_mount 'Operation not supported'
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

# The root FID is the one the userspace client finds.
client() {
	cmd=$1
	shift
	ip netns exec srv rustre-client --nid 10.99.0.3@tcp "$cmd" 10.99.0.2@tcp:/lustre "$@"
}
fid=$(client stat / | sed -n 's/^fid \(\[[^]]*\]\) .*/\1/p')
[ -n "$fid" ] || fail "the userspace client found no root FID"
dmesg_has "lustre: lustre: root \\$fid\$" || fail "the root FID is not $fid"

# statfs: the space of the three OSTs; 1 MiB written takes 1024 KiB.
dmesg_has 'lustre: lustre: [0-9]+ KiB available, [0-9]+ free, of [0-9]+ KiB on 3 OSTs; [0-9]+ of [0-9]+ inodes free on 1 MDTs' ||
	fail "no statfs line"
before=$(kib_avail)
dd if=/dev/urandom of=/tmp/1m bs=1M count=1 2>/dev/null
must client put /tmp/1m /one-mib
try_mount 'Operation not supported'
after=$(kib_avail)
[ "$((before - after))" -ge 1024 ] || fail "1 MiB written: $before KiB available before, $after after"
stop_server

# A malformed chunk of the log (opcode 502, LLOG_ORIGIN_HANDLE_NEXT_BLOCK).
mount_fails 'Protocol error' --fault malformed:502:1:buflen
dmesg_has 'lustre: MGS at 10\.99\.0\.2@tcp: malformed reply to LlogOriginHandleNextBlock: ' ||
	fail "no log line for the malformed reply"

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
