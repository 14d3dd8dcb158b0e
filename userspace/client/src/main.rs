//! `rustre-client`: a userspace Lustre client, for tests and for comparing
//! the kernel client's behaviour with.
//!
//! So far it pings: it connects to a Lustre node as a Lustre node does (the
//! acceptor request and the socklnd V3 handshake on three typed
//! connections, from a privileged port) and sends an LNet ping. And it can
//! play a peer that breaks the protocol (`bad-peer`), for tests.

mod bad_peer;

use std::process::ExitCode;
use std::time::Duration;

use rustre_lnet::wire::nid::Nid;
use rustre_lnet::{Config, Node, SourcePort};

const USAGE: &str = "usage: rustre-client --nid NID [options] ping PEER_NID
       rustre-client --nid NID [--port PORT] bad-peer PEER_NID

  ping       ping PEER_NID and print its NIDs
  bad-peer   open connections to PEER_NID that break the protocol, one
             field at a time, and check that it closes each

  --nid NID                       this client's NID, for example 10.0.0.2@tcp
  --port PORT                     the peer's LNet port (default 988)
  --source-port reserved|any|N    the local ports: reserved (default: 1023 down to
                                  512, as Lustre), any, or N and up
  --timeout SECONDS               how long to wait for the answer (default 5)";

/// What to do.
enum Command {
    Ping,
    BadPeer,
}

struct Args {
    config: Config,
    timeout: Duration,
    peer: Nid,
    command: Command,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut nid = None;
    let mut port = 988;
    let mut source_port = SourcePort::Reserved;
    let mut timeout = 5;
    let mut it = args.iter();
    let mut command = Vec::new();
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--nid" => nid = Some(value()?.parse().map_err(|e| format!("--nid: {e}"))?),
            "--port" => port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--source-port" => source_port = value()?.parse()?,
            "--timeout" => timeout = value()?.parse().map_err(|e| format!("--timeout: {e}"))?,
            a if a.starts_with("--") => return Err(format!("unknown option '{a}'")),
            _ => command.push(arg.as_str()),
        }
    }
    let (command, peer) = match command[..] {
        ["ping", peer] => (Command::Ping, peer),
        ["bad-peer", peer] => (Command::BadPeer, peer),
        _ => return Err("expected: ping PEER_NID, or bad-peer PEER_NID".into()),
    };
    let peer = peer.parse().map_err(|e| format!("{peer}: {e}"))?;
    let mut config = Config::new(nid.ok_or("--nid is required")?);
    config.listen = None;
    config.peer_port = port;
    config.source_port = source_port;
    Ok(Args {
        config,
        timeout: Duration::from_secs(timeout),
        peer,
        command,
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let args = match parse(&args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("rustre-client: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Command::BadPeer = args.command {
        return if bad_peer::run(args.config.nid, args.peer, args.config.peer_port) {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    let result = Node::start(args.config).and_then(|node| {
        let r = node.ping(args.peer, args.timeout);
        node.shutdown();
        r
    });
    match result {
        Ok(reply) => {
            for (nid, _) in reply.nis {
                match Nid::from_u64(nid) {
                    Ok(n) => println!("{}-{n}", reply.pid),
                    Err(_) => println!("{}-{nid:#x}", reply.pid),
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("rustre-client: failed to ping {}: {e}", args.peer);
            ExitCode::FAILURE
        }
    }
}
