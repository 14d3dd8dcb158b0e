// SPDX-License-Identifier: GPL-2.0

//! The configuration of `lnet.ko`, from its module parameters (declared in
//! `params.c`): the networks, the acceptor's mode and port, how long a
//! silent peer is waited for, and when an idle connection gets a keepalive. A bad value
//! fails the load with a message that says what is wrong. The interfaces of
//! the networks are looked up when the network comes up, as in Lustre,
//! where loading `lnet.ko` does not start the network.

use kernel::prelude::*;
use kernel::str::CStr;

use crate::net::netdev_ipv4;
use crate::wire::lnet::networks::{Networks, MAX_NETWORKS};
use crate::wire::nid::Nid;

/// The declarations generated from `params.h`.
#[allow(dead_code, missing_docs, unreachable_pub, clippy::all)]
mod bindings {
    include!("../rust/generated/lnet_params.rs");
}

/// The shortest `sock_timeout`, in seconds: keepalive needs a few.
const MIN_SOCK_TIMEOUT: u32 = 3;

/// The longest `sock_timeout`, in seconds (an hour).
const MAX_SOCK_TIMEOUT: u32 = 3600;

/// Which incoming connections the acceptor takes (`accept`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Accept {
    /// Only from privileged source ports (the default).
    Secure,
    /// From any port.
    All,
    /// None: no acceptor.
    None,
}

/// The configuration.
#[derive(Clone, Copy)]
pub(crate) struct Config {
    /// The `networks` parameter, checked.
    networks: &'static str,
    /// The acceptor's mode.
    pub accept: Accept,
    /// The port the acceptor listens on and peers are reached at.
    pub port: u16,
    /// Seconds of silence after which a connection fails.
    pub sock_timeout: u32,
    /// Seconds of idleness after which a connection gets a keepalive NOOP
    /// (0: never).
    pub keepalive: u32,
}

/// Reads a string parameter.
fn param_str(p: *const u8, name: &str) -> Result<&'static str> {
    if p.is_null() {
        pr_err!("{name}: no value\n");
        return Err(EINVAL);
    }
    // SAFETY: module parameters of type charp are NUL-terminated strings
    // that live as long as the module and do not change after loading
    // (permissions 0444).
    let s = unsafe { CStr::from_char_ptr(p) };
    s.to_str().map_err(|_| {
        pr_err!("{name}: not UTF-8\n");
        EINVAL
    })
}

impl Config {
    /// Reads and checks the module parameters.
    pub(crate) fn from_params() -> Result<Self> {
        // SAFETY: the accessors return the parameters' current values.
        let (networks, accept, port, sock_timeout, keepalive) = unsafe {
            (
                bindings::lnet_param_networks(),
                bindings::lnet_param_accept(),
                bindings::lnet_param_accept_port(),
                bindings::lnet_param_sock_timeout(),
                bindings::lnet_param_keepalive(),
            )
        };
        let networks = param_str(networks, "networks")?;
        let accept = match param_str(accept, "accept")? {
            "secure" => Accept::Secure,
            "all" => Accept::All,
            "none" => Accept::None,
            other => {
                pr_err!("accept={other}: expected secure, all or none\n");
                return Err(EINVAL);
            }
        };
        let port = u16::try_from(port)
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| {
                pr_err!("accept_port={port}: expected 1 to 65535\n");
                EINVAL
            })?;
        let sock_timeout = u32::try_from(sock_timeout)
            .ok()
            .filter(|t| (MIN_SOCK_TIMEOUT..=MAX_SOCK_TIMEOUT).contains(t))
            .ok_or_else(|| {
                pr_err!(
                    "sock_timeout={sock_timeout}: expected {MIN_SOCK_TIMEOUT} to {MAX_SOCK_TIMEOUT} seconds\n"
                );
                EINVAL
            })?;
        let keepalive = u32::try_from(keepalive)
            .ok()
            .filter(|k| *k <= MAX_SOCK_TIMEOUT)
            .ok_or_else(|| {
                pr_err!("keepalive={keepalive}: expected 0 to {MAX_SOCK_TIMEOUT} seconds\n");
                EINVAL
            })?;
        if let Err(e) = Networks::parse(networks) {
            pr_err!("networks=\"{networks}\": {e}\n");
            return Err(EINVAL);
        }
        Ok(Config {
            networks,
            accept,
            port,
            sock_timeout,
            keepalive,
        })
    }

    /// The NIDs of the networks: the IPv4 address of each network's
    /// interface.
    ///
    /// # Errors
    /// `ENODEV` or `EADDRNOTAVAIL` (and a log line) when an interface is
    /// missing or has no IPv4 address.
    pub(crate) fn nids(&self) -> Result<[Option<Nid>; MAX_NETWORKS]> {
        // Checked by from_params().
        let nets = Networks::parse(self.networks).map_err(|_| EINVAL)?;
        let mut nids = [None; MAX_NETWORKS];
        for (slot, spec) in nids.iter_mut().zip(nets.iter()) {
            let dev = netdev_ipv4(spec.iface).inspect_err(|e| match spec.iface {
                Some(i) => pr_err!(
                    "{}: interface {i}: not found or no IPv4 address ({e:?})\n",
                    spec.net
                ),
                None => pr_err!("{}: no interface is up with an IPv4 address\n", spec.net),
            })?;
            let nid = Nid::new(spec.net, dev.ip);
            pr_info!("{nid} on {}\n", dev.name());
            *slot = Some(nid);
        }
        Ok(nids)
    }
}

impl Config {
    /// The keepalive of a connection, as socklnd's defaults scale with
    /// `sock_timeout` (50 s: probes after 30 s of silence, every 5 s, 4 of
    /// them): (idle, interval, count) in seconds, and the time sent data may
    /// stay unacknowledged, in milliseconds.
    pub(crate) fn keepalive(&self) -> (i32, i32, i32, u32) {
        let t = self.sock_timeout;
        let idle = t * 3 / 5;
        let interval = (t / 10).max(1);
        let count = ((t - idle) / interval).max(1);
        // All at most MAX_SOCK_TIMEOUT.
        (idle as i32, interval as i32, count as i32, t * 1000)
    }
}
