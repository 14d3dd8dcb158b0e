# mount -t lustre loads the modules on demand, and a bad source fails with
# EINVAL and a log line that says what is wrong; a good one with no server
# fails with a log line per MGS node.
. /rustre/lib.sh

mkdir -p /mnt/lustre
check_bad() {
	source=$1 why=$2
	dmesg_mark
	out=$(mount -t lustre "$source" /mnt/lustre 2>&1) &&
		fail "mounting '$source' succeeded"
	echo "$out" | grep -q 'Invalid argument' ||
		fail "mounting '$source': expected 'Invalid argument', got: $out"
	dmesg_has "lustre: mount: bad source '.*': $why" ||
		fail "no log line for '$source' saying '$why'"
}

check_bad /dev/sda "missing ':/<fsname>'"
check_bad "10.0.0.1@tcp:/" 'bad file system name'
check_bad "10.0.0.1@eth:/scratch" 'bad MGS NID: unknown network type'
check_bad "10.0.0.300@tcp:/scratch" 'bad MGS NID: bad address'
check_bad ":/scratch" 'missing MGS NID'
grep -q '^lustre ' /proc/modules || fail "mount -t lustre did not load lustre.ko"

# A good source is understood: with no server, the mount tries each MGS
# node in turn and says why each failed.
dmesg_mark
mount -t lustre 10.99.0.2@tcp:10.99.0.3@tcp:/scratch /mnt/lustre 2>/dev/null &&
	fail "mount of a good source succeeded without a server"
for nid in 10.99.0.2@tcp 10.99.0.3@tcp; do
	dmesg_has "lustre: scratch: cannot connect to the MGS at $nid: error -[0-9]+" ||
		fail "no log line for the MGS at $nid"
done
grep -q ' /mnt/lustre ' /proc/mounts && fail "something is mounted"

must rmmod lustre
must rmmod lnet
exit 0
