//! The acceptor: listens on the LNet port, applies the privileged-port rule
//! and hands each connection to the socklnd handshake.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;

use wire::lnet::LNET_PID_USERFLAG;

use crate::conn;
use crate::node::{log, AcceptMode, Inner};

/// The highest privileged port (`LNET_ACCEPTOR_MAX_RESERVED_PORT`).
pub(crate) const MAX_RESERVED_PORT: u16 = 1023;

/// Accepts connections on `listener` until the node shuts down.
pub(crate) fn run(node: Arc<Inner>, listener: TcpListener) {
    for stream in listener.incoming() {
        if node.is_stopping() {
            break;
        }
        match stream {
            Ok(stream) => {
                let node = node.clone();
                thread::spawn(move || handle(&node, stream));
            }
            Err(e) => log(format_args!("acceptor: accept failed: {e}")),
        }
    }
}

/// Checks one incoming connection and, if it is good, starts its receiver.
fn handle(node: &Arc<Inner>, mut stream: TcpStream) {
    let Ok(peer) = stream.peer_addr() else {
        return;
    };
    let privileged = peer.port() <= MAX_RESERVED_PORT;
    if !privileged && node.config.accept == AcceptMode::Secure {
        log(format_args!(
            "Refusing connection from {}: insecure port {}",
            peer.ip(),
            peer.port()
        ));
        return;
    }
    // A peer on a non-privileged port is a userspace process: Lustre gives
    // it the PID of its port with the userspace flag.
    let userspace_pid = (!privileged).then(|| u32::from(peer.port()) | LNET_PID_USERFLAG);
    match conn::accept(
        &mut stream,
        &node.local,
        userspace_pid,
        node.config.socklnd_version,
    ) {
        Ok(c) => node.start_conn(c, stream),
        Err(e) => log(format_args!("{}: refused: {e}", addr_of(peer))),
    }
}

fn addr_of(peer: SocketAddr) -> String {
    format!("{}:{}", peer.ip(), peer.port())
}
