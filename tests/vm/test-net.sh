# The two-host topology that network tests use: rustre-test-net up joins the
# namespace "srv" (10.99.0.2) to the default one (10.99.0.1) by a veth pair,
# and TCP works across it in both directions; down removes it.
. /rustre/lib.sh

must rustre-test-net up
ping -c 1 -W 5 10.99.0.2 >/dev/null || fail "cannot ping the server namespace"
ip netns exec srv ping -c 1 -W 5 10.99.0.1 >/dev/null ||
	fail "cannot ping the client from the server namespace"

# A TCP exchange, server in srv, client in the default namespace.
# The listener's standard input stays open (a background job's would be
# /dev/null), so that it does not close the connection before the data came.
sleep 30 | ip netns exec srv nc -l -p 988 >/tmp/got &
server=$!
sleep 1
echo hello-lustre | nc 10.99.0.2 988 || fail "cannot connect to 10.99.0.2:988"
wait $server
[ "$(cat /tmp/got)" = hello-lustre ] || fail "the server got '$(cat /tmp/got)'"

must rustre-test-net down
ip netns list | grep -q srv && fail "namespace srv is still there"
exit 0
