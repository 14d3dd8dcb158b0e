# SPDX-License-Identifier: GPL-2.0
# What `make demo` shows inside the test VM: what works so far.
set -x
uname -r
modprobe lnet
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
