//! `rustre-server`: a Lustre server in one userspace process.
//!
//! So far it is an LNet node: it listens on the LNet port, applies the
//! privileged-port rule, completes the socklnd handshake, answers LNet
//! pings and runs the LNet echo service (for `test_lnet.ko`). The MGS, MDT
//! and OSTs are to come.

use std::net::SocketAddr;
use std::process::ExitCode;

use std::sync::Arc;

use rustre_lnet::wire::lnet::RUSTRE_ECHO_PORTAL;
use rustre_lnet::{AcceptMode, Config, EchoPortal, Node};

/// The most bytes the echo service keeps.
const ECHO_LIMIT: usize = 256 << 20;

const USAGE: &str = "usage: rustre-server --nid NID [--listen ADDR:PORT] [--accept secure|all]

  --nid NID            the server's NID, for example 10.0.0.1@tcp
  --listen ADDR:PORT   where to listen (default 0.0.0.0:988)
  --accept secure|all  take connections from privileged source ports only
                       (default, as Lustre), or from any port";

fn parse(args: &[String]) -> Result<Config, String> {
    let mut nid = None;
    let mut listen: SocketAddr = ([0, 0, 0, 0], 988).into();
    let mut accept = AcceptMode::Secure;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--nid" => nid = Some(value()?.parse().map_err(|e| format!("--nid: {e}"))?),
            "--listen" => listen = value()?.parse().map_err(|e| format!("--listen: {e}"))?,
            "--accept" => accept = value()?.parse().map_err(|e| format!("--accept: {e}"))?,
            _ => return Err(format!("unknown argument '{arg}'")),
        }
    }
    let mut config = Config::new(nid.ok_or("--nid is required")?);
    config.listen = Some(listen);
    config.accept = accept;
    Ok(config)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let config = match parse(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("rustre-server: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let nid = config.nid;
    let node = match Node::start(config) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("rustre-server: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    node.attach_portal(RUSTRE_ECHO_PORTAL, Arc::new(EchoPortal::new(ECHO_LIMIT)));
    if let Some(addr) = node.listen_addr() {
        eprintln!("rustre-server: {nid} listening on {addr}");
    }
    loop {
        std::thread::park();
    }
}
