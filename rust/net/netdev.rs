// SPDX-License-Identifier: GPL-2.0

//! The IPv4 address of a network interface.

use kernel::error::to_result;
use kernel::prelude::*;

use crate::compat::bindings as c;

/// The longest interface name, with its NUL (`IFNAMSIZ`).
const IFNAMSIZ: usize = 16;

/// An interface and its IPv4 address.
pub struct NetdevAddr {
    /// The address, in host order.
    pub ip: u32,
    name: [u8; IFNAMSIZ],
}

impl NetdevAddr {
    /// The interface's name.
    pub fn name(&self) -> &str {
        let len = self.name.iter().position(|b| *b == 0).unwrap_or(IFNAMSIZ);
        core::str::from_utf8(&self.name[..len]).unwrap_or("?")
    }
}

/// The IPv4 address of interface `name`, or of the first interface that is
/// up, is not loopback and has one when `name` is `None`.
///
/// # Errors
/// `ENODEV` when there is no such interface, `EADDRNOTAVAIL` when the named
/// interface has no IPv4 address, `EINVAL` for a name that is too long.
pub fn netdev_ipv4(name: Option<&str>) -> Result<NetdevAddr> {
    let mut want = [0u8; IFNAMSIZ];
    let name = name.unwrap_or("").as_bytes();
    want.get_mut(..name.len())
        .filter(|_| name.len() < IFNAMSIZ)
        .ok_or(EINVAL)?
        .copy_from_slice(name);
    let mut found = [0u8; IFNAMSIZ];
    let mut ip = 0;
    // SAFETY: `want` is NUL-terminated; `found` is valid for its length.
    to_result(unsafe {
        c::rustre_netdev_ipv4(want.as_ptr(), found.as_mut_ptr(), found.len(), &mut ip)
    })?;
    Ok(NetdevAddr { ip, name: found })
}
