// SPDX-License-Identifier: GPL-2.0

//! The acceptor (`lnet_acceptor`): a kernel thread that accepts connections
//! on the LNet port, refuses those from non-privileged source ports unless
//! `accept=all`, and hands the others to the socklnd handshake.

use kernel::sync::Arc;

use crate::klog::warn_ratelimited;
use crate::ni::Lnet;
use crate::socklnd::{self, MAX_RESERVED_PORT};

/// Accepts connections until LNet shuts down (which shuts the listening
/// socket down, so that `accept` fails).
pub(crate) fn run(lnet: &Arc<Lnet>) {
    let Some(listener) = lnet.listener() else {
        return;
    };
    loop {
        let accepted = listener.accept();
        if lnet.is_stopping() {
            break;
        }
        let sock = match accepted {
            Ok(s) => s,
            Err(e) => {
                warn_ratelimited(format_args!("acceptor: accept failed: {e:?}"));
                continue;
            }
        };
        let (ip, port) = sock.peer();
        if port > MAX_RESERVED_PORT && lnet.accept_secure() {
            let ip = ip.to_be_bytes();
            warn_ratelimited(format_args!(
                "Refusing connection from {}.{}.{}.{}: insecure port {port}",
                ip[0], ip[1], ip[2], ip[3]
            ));
            continue;
        }
        // The handshake logs its own failures; the socket just closes.
        if let Ok(info) = socklnd::accept(&sock, lnet.locals(), |nid| lnet.connecting_to(nid)) {
            // Only fails while stopping or without memory; the socket closes.
            let _ = lnet.add_conn(info, sock);
        }
    }
}
