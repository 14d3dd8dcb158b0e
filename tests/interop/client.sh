# SPDX-License-Identifier: GPL-2.0
# The client VM of an interop run (10.98.0.2): pings the server's kernel
# LNet, answers its ping, then runs test_lnet.ko (PUT/GET with checksums)
# against rustre-server on the server VM, and mounts it with lustre.ko as
# far as the client goes (configuration, connects, root FID, statfs).
. ./common.sh
net_up 2

modprobe lnet 'networks=tcp(eth0)' || fail "modprobe lnet"
lctl network up || fail "network up"
for _ in $(seq 60); do
	out=$(lctl ping 10.98.0.1@tcp 2 2>/dev/null) && break
	sleep 1
done
echo "$out"
echo "$out" | grep -qx '12345-10.98.0.1@tcp' || fail "kernel ping of the server failed: $out"
signal 1 9000

wait_for 9001
modprobe test_lnet peer=10.98.0.1@tcp || fail "test_lnet: $(dmesg | grep test_lnet)"
dmesg | grep 'test_lnet: all'
rmmod test_lnet

modprobe lustre || fail "modprobe lustre"
mkdir -p /mnt/lustre
mount -t lustre 10.98.0.1@tcp:/lustre /mnt/lustre 2>/dev/null && fail "the mount succeeded"
dmesg | grep 'lustre: lustre: '
dmesg | grep -q 'lustre: lustre: connected to 1 of 1 MDTs and 2 of 2 OSTs' ||
	fail "lustre.ko did not connect to every target"
dmesg | grep -q 'lustre: lustre: root \[0x200000007:0x1:0x0\]' ||
	fail "lustre.ko did not get the root FID"
rmmod lustre
signal 1 9000
lctl network down
rmmod lnet
echo "client: done"
