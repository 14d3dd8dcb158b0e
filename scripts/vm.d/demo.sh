# SPDX-License-Identifier: GPL-2.0
# What `make demo` shows inside the test VM: what works so far.
set -x
uname -r

# Two hosts: this one (the client, 10.99.0.1) and the namespace "srv"
# (10.99.0.2), where the userspace server runs.
rustre-test-net up
ip netns exec srv rustre-server --nid 10.99.0.2@tcp --listen 10.99.0.2:988 \
	--fsname scratch --osts 2 &
sleep 0.5

# LNet: the network comes up, lists its NID and pings the server; the server
# side pings back through the client's acceptor.
modprobe lnet 'networks=tcp(rt0)'
lctl network up
lctl list_nids
lctl ping 10.99.0.2@tcp
ip -n srv addr add 10.99.0.3/24 dev rt1
ip netns exec srv rustre-client --nid 10.99.0.3@tcp ping 10.99.0.1@tcp

# The userspace client library puts a file on the file system.
echo "hello from rustre-client" >/tmp/hello
ip netns exec srv rustre-client --nid 10.99.0.3@tcp put 10.99.0.2@tcp:/scratch /tmp/hello /hello
ip netns exec srv rustre-client --nid 10.99.0.3@tcp ls 10.99.0.2@tcp:/scratch /

# The Lustre client module: the file system type, mount's checks of its
# source, and a mount that reads the configuration from the MGS, connects
# to the MDT and the OSTs, gets the root FID and the statistics, and then
# stops: the super block and the namespace are yet to come.
modprobe lustre
lsmod
cat /sys/module/lnet/version
grep lustre /proc/filesystems
mkdir -p /mnt/lustre
mount -t lustre not-a-lustre-source /mnt/lustre
mount -t lustre 10.99.0.2@tcp:/scratch /mnt/lustre
dmesg | grep -E 'lnet|lustre'
rmmod lustre
rmmod lnet
