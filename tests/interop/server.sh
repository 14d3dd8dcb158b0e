# SPDX-License-Identifier: GPL-2.0
# The server VM of an interop run (10.98.0.1): first a kernel LNet node that
# the client pings and that pings the client back (lnet.ko to lnet.ko), then
# rustre-server for the client's PUT/GET test.
. ./common.sh
net_up 1

modprobe lnet 'networks=tcp(eth0)' || fail "modprobe lnet"
lctl network up || fail "network up"
wait_for 9000
out=$(lctl ping 10.98.0.2@tcp) || fail "kernel ping of the client failed"
echo "$out"
echo "$out" | grep -qx '12345-10.98.0.2@tcp' || fail "the client answered: $out"
lctl network down
rmmod lnet

rustre-server --nid 10.98.0.1@tcp --listen 10.98.0.1:988 &
server=$!
sleep 1
signal 2 9001
wait_for 9000
kill $server
echo "server: done"
