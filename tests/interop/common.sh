# SPDX-License-Identifier: GPL-2.0
# Shared by the two VMs of an interop run (sourced): the network between
# them, and a way to wait for each other.
set -u

# This VM's address is 10.98.0.$1 on eth0.
net_up() {
	ip link set eth0 up || exit 1
	ip addr add "10.98.0.$1/24" dev eth0 || exit 1
}

# Fail the run.
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Wait (up to 120 s) until the other VM sends a line to our port $1.
wait_for() {
	timeout 120 nc -l -p "$1" >/dev/null || fail "no signal on port $1"
}

# Tell the other VM, at 10.98.0.$1, on its port $2 (it may not listen yet).
signal() {
	for _ in $(seq 120); do
		echo go | nc "10.98.0.$1" "$2" 2>/dev/null && return 0
		sleep 1
	done
	fail "cannot signal 10.98.0.$1:$2"
}
