//! `rustre-client race`: a connection race with a Lustre node, made on
//! purpose. The tool listens on the LNet port as NID `me`; when the node
//! connects to it (the test makes it, with `lctl ping`), the tool holds
//! that handshake and connects to the node in turn. By the race rule the
//! node refuses (connection type NONE) when `me` is the lower NID, and
//! takes the connection when `me` is the higher.
//!
//! Or the tool wins the race ([`win`]): it answers the node's connection
//! with NONE, as the higher NID does, and connects to the node as a whole
//! LNet node; the node, told to retry, must use those connections for the
//! ping it was sending, which the tool answers.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, TcpStream};
use std::time::Duration;

use rustre_lnet::wire::lnet::acceptor::{encode_v1, CONNREQ_SIZE};
use rustre_lnet::wire::lnet::LNET_PID_LUSTRE;
use rustre_lnet::wire::nid::Nid;
use rustre_lnet::wire::socklnd::handshake::{race_reply, Local};
use rustre_lnet::wire::socklnd::hello::{ConnType, Hello, HELLO_SIZE, KSOCK_PROTO_V3};
use rustre_lnet::{connect_from, Config, Node, SourcePort};

/// How long to wait for the node to connect.
const WAIT: Duration = Duration::from_secs(20);

/// What the node answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Connection type NONE: lost the race, retry.
    Refused,
    /// A typed connection.
    Accepted,
}

/// Where `n` listens for LNet on `port`.
fn at(n: Nid, port: u16) -> SocketAddr {
    SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::from(n.addr()), port))
}

/// The connection request and HELLO of a node, left unanswered.
type Opening = [u8; CONNREQ_SIZE + HELLO_SIZE];

/// Listens as `me` until `node` connects, and reads its connection request
/// and HELLO, which are left unanswered.
fn hold(me: Nid, node: Nid, port: u16) -> Result<(TcpStream, Opening), String> {
    let listener = TcpListener::bind(at(me, port)).map_err(|e| format!("listen: {e}"))?;
    eprintln!("race: listening as {me}; waiting for {node} to connect");
    let (mut held, from) = listener.accept().map_err(|e| format!("accept: {e}"))?;
    held.set_read_timeout(Some(WAIT))
        .map_err(|e| e.to_string())?;
    let mut opening = [0u8; CONNREQ_SIZE + HELLO_SIZE];
    held.read_exact(&mut opening)
        .map_err(|e| format!("{from}: {e}"))?;
    Ok((held, opening))
}

/// Runs the race as `me` against `node` (listening on `port`); returns
/// what the node answered.
pub fn run(me: Nid, node: Nid, port: u16) -> Result<Outcome, String> {
    // Its connection request and HELLO, left unanswered meanwhile.
    let _held = hold(me, node, port)?;
    let mut s = connect_from(at(node, port), SourcePort::Reserved).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(WAIT)).map_err(|e| e.to_string())?;
    let mut out = [0u8; CONNREQ_SIZE + HELLO_SIZE];
    encode_v1(node.as_u64(), &mut out).map_err(|e| e.to_string())?;
    Hello {
        version: KSOCK_PROTO_V3,
        src_nid: me.as_u64(),
        dst_nid: node.as_u64(),
        src_pid: LNET_PID_LUSTRE,
        dst_pid: LNET_PID_LUSTRE,
        src_incarnation: 1,
        dst_incarnation: 0,
        conn_type: ConnType::Control,
    }
    .encode(&mut out[CONNREQ_SIZE..])
    .map_err(|e| e.to_string())?;
    s.write_all(&out).map_err(|e| e.to_string())?;
    let mut reply = [0u8; HELLO_SIZE];
    s.read_exact(&mut reply)
        .map_err(|e| format!("reply: {e}"))?;
    let got = Hello::decode(&reply).map_err(|e| e.to_string())?;
    Ok(match got.hello.conn_type {
        ConnType::None => Outcome::Refused,
        _ => Outcome::Accepted,
    })
}

/// Wins the race as `me` against `node` (listening on `port`): answers the
/// node's connection with NONE, then connects to it and answers its
/// pings for `serve`.
pub fn win(me: Nid, node: Nid, port: u16, serve: Duration) -> Result<(), String> {
    let (mut held, opening) = hold(me, node, port)?;
    let hello = Hello::decode(&opening[CONNREQ_SIZE..]).map_err(|e| e.to_string())?;
    let local = Local {
        nid: me.as_u64(),
        pid: LNET_PID_LUSTRE,
        incarnation: 1,
    };
    let mut reply = [0u8; HELLO_SIZE];
    race_reply(&local, &hello.hello)
        .encode(&mut reply)
        .map_err(|e| e.to_string())?;
    held.write_all(&reply).map_err(|e| e.to_string())?;
    drop(held);
    // Now connect to the node as the winner does, and answer its pings.
    let mut config = Config::new(me);
    config.listen = None;
    config.peer_port = port;
    let n = Node::start(config).map_err(|e| e.to_string())?;
    let pinged = n
        .ping(node, WAIT)
        .map(drop)
        .map_err(|e| format!("ping {node}: {e}"));
    std::thread::sleep(serve);
    n.shutdown();
    pinged
}
