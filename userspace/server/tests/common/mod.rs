//! What the server's integration tests share: a server on a loopback
//! address, and client nodes that reach it. (Each test crate uses some of
//! these helpers, not all.)
#![allow(dead_code)]

use std::net::SocketAddr;

use rustre_lnet::{AcceptMode, Config, Node, SourcePort};
use rustre_server::{Server, ServerConfig};

/// A server of file system `scratch` with `osts` OSTs on `ip`.
pub fn server(ip: &str, osts: u32) -> Server {
    Server::start(config(ip, osts)).unwrap()
}

/// The configuration of [`server`], a 2-second lock timeout included.
pub fn config(ip: &str, osts: u32) -> ServerConfig {
    let mut lnet = Config::new(format!("{ip}@tcp").parse().unwrap());
    lnet.listen = Some(SocketAddr::new(ip.parse().unwrap(), 0));
    lnet.accept = AcceptMode::All;
    ServerConfig {
        lnet,
        fsname: "scratch".into(),
        osts,
        lock_timeout: std::time::Duration::from_secs(2),
        faults: Vec::new(),
        idle_timeout: std::time::Duration::from_secs(150),
        data: None,
    }
}

/// A client node on `ip` that reaches `server`.
pub fn client(server: &Server, ip: &str) -> Node {
    let mut c = Config::new(format!("{ip}@tcp").parse().unwrap());
    c.listen = None;
    c.source_port = SourcePort::Any;
    c.peer_port = server.node().listen_addr().unwrap().port();
    Node::start(c).unwrap()
}

/// The names in directory `dir`, sorted.
pub fn names(mdc: &rustre_client::Mdc, dir: rustre_lnet::wire::lustre::fid::LuFid) -> Vec<String> {
    let mut v: Vec<String> = mdc
        .readdir(dir)
        .unwrap()
        .into_iter()
        .map(|(n, _, _)| String::from_utf8(n).unwrap())
        .collect();
    v.sort();
    v
}
