// SPDX-License-Identifier: GPL-2.0

//! Safe abstractions over kernel networking, for `lnet.ko`: IPv4 TCP
//! sockets and the addresses of network interfaces. All `unsafe` of the
//! networking layer lives in this directory; the kernel calls themselves are
//! in the compat shim (`rust/compat/socket.c`, `netdev.c`).

mod netdev;
mod socket;

pub use netdev::netdev_ipv4;
pub use socket::Socket;
