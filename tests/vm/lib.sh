# SPDX-License-Identifier: GPL-2.0
# Helpers for the VM tests (sourced). A test is a shell script run as root
# in the test VM: exit 0 is a pass, 77 a skip, anything else a failure.

# Print a message and fail the test.
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Run a command that must succeed.
must() {
	"$@" || fail "'$*' failed"
}

# Succeed when the kernel log has a line matching the extended regex $1
# that was logged after the mark set by dmesg_mark.
dmesg_has() {
	dmesg | sed -n "/rustre-test-mark-$mark_id\$/,\$p" | grep -Eq "$1"
}

# Remember the current end of the kernel log (see dmesg_has). Each mark of
# a test is unique (a counter: busybox's sh may not have $RANDOM).
dmesg_mark() {
	mark_n=$((${mark_n:-0} + 1))
	mark_id=$$-$mark_n
	echo "rustre-test-mark-$mark_id" >/dev/kmsg
}

# Start rustre-server in the namespace srv (see rustre-test-net) as
# 10.99.0.2@tcp, logging to /tmp/server.log, and wait until it listens.
# Sets $server to its PID.
start_server() {
	ip netns exec srv rustre-server --nid 10.99.0.2@tcp --listen 10.99.0.2:988 "$@" \
		>/tmp/server.log 2>&1 &
	server=$!
	for _ in $(seq 50); do
		grep -q 'listening on' /tmp/server.log && return 0
		sleep 0.1
	done
	fail "rustre-server did not start: $(cat /tmp/server.log)"
}

# Stop the rustre-server that start_server started.
stop_server() {
	kill $server
	wait $server 2>/dev/null
}
