//! `rustre-client`: a userspace Lustre client, for tests and for comparing
//! the kernel client's behaviour with.
//!
//! It pings: it connects to a Lustre node as a Lustre node does (the
//! acceptor request and the socklnd V3 handshake on three typed
//! connections, from a privileged port) and sends an LNet ping. It can
//! play a peer that breaks the protocol (`bad-peer`), for tests. And it
//! mounts a file system with the client library to list, read, write,
//! rename and remove (`fs.rs`).

mod bad_peer;
mod fs;
mod race;

use std::process::ExitCode;
use std::time::Duration;

use rustre_lnet::wire::nid::Nid;
use rustre_lnet::{Config, Node, SourcePort};

const USAGE: &str = "usage: rustre-client --nid NID [options] ping PEER_NID
       rustre-client --nid NID [--port PORT] bad-peer PEER_NID
       rustre-client --nid NID [--port PORT] race NODE_NID refused|accepted|wins
       rustre-client --nid NID [options] COMMAND SOURCE ARGS...

  ping       ping PEER_NID and print its NIDs
  bad-peer   open connections to PEER_NID that break the protocol, one
             field at a time, and check that it closes each
  race       listen as NID, and when NODE_NID connects, connect to it in
             turn: check that it refuses (NID the lower) or accepts; or
             win: refuse its connection, connect to it, answer its pings

The file commands mount SOURCE (MGSNID:/FSNAME), do one thing, unmount:
";

const OPTIONS: &str = "

  --nid NID                       this client's NID, for example 10.0.0.2@tcp
  --port PORT                     the peer's LNet port (default 988)
  --source-port reserved|any|N    the local ports: reserved (default: 1023 down to
                                  512, as Lustre), any, or N and up
  --timeout SECONDS               how long to wait for a ping (default 5)";

/// What to do.
enum Command {
    Ping(Nid),
    BadPeer(Nid),
    /// The connection race, and the answer expected.
    Race(Nid, race::Outcome),
    /// The connection race, won.
    Win(Nid),
    /// A file command: its name, the source, its arguments.
    Fs(String, String, Vec<String>),
}

struct Args {
    config: Config,
    timeout: Duration,
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
    let nid_of = |p: &str| p.parse::<Nid>().map_err(|e| format!("{p}: {e}"));
    let command = match command[..] {
        ["ping", peer] => Command::Ping(nid_of(peer)?),
        ["bad-peer", peer] => Command::BadPeer(nid_of(peer)?),
        ["race", node, "wins"] => Command::Win(nid_of(node)?),
        ["race", node, expect] => Command::Race(
            nid_of(node)?,
            match expect {
                "refused" => race::Outcome::Refused,
                "accepted" => race::Outcome::Accepted,
                e => return Err(format!("race: expected refused or accepted, not '{e}'")),
            },
        ),
        [cmd, source, ref rest @ ..] => Command::Fs(
            cmd.to_owned(),
            source.to_owned(),
            rest.iter().map(|s| s.to_string()).collect(),
        ),
        _ => return Err("expected a command".into()),
    };
    let mut config = Config::new(nid.ok_or("--nid is required")?);
    config.listen = None;
    config.peer_port = port;
    config.source_port = source_port;
    Ok(Args {
        config,
        timeout: Duration::from_secs(timeout),
        command,
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = format!("{USAGE}{}\n{OPTIONS}", fs::COMMANDS);
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{usage}");
        return ExitCode::SUCCESS;
    }
    let args = match parse(&args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("rustre-client: {e}\n{usage}");
            return ExitCode::from(2);
        }
    };
    let peer = match args.command {
        Command::BadPeer(peer) => {
            return if bad_peer::run(args.config.nid, peer, args.config.peer_port) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
        Command::Win(node) => {
            let serve = Duration::from_secs(5);
            return match race::win(args.config.nid, node, args.config.peer_port, serve) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("rustre-client: race: {e}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::Race(node, expect) => {
            return match race::run(args.config.nid, node, args.config.peer_port) {
                Ok(got) if got == expect => {
                    println!("race: {got:?}, as expected");
                    ExitCode::SUCCESS
                }
                Ok(got) => {
                    eprintln!("rustre-client: race: {got:?}, expected {expect:?}");
                    ExitCode::FAILURE
                }
                Err(e) => {
                    eprintln!("rustre-client: race: {e}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::Fs(cmd, source, rest) => {
            let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
            let done = Node::start(args.config)
                .map_err(|e| e.to_string())
                .and_then(|node| {
                    let r = fs::run(&node, &source, &cmd, &rest);
                    node.shutdown();
                    r
                });
            return match done {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("rustre-client: {e}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::Ping(peer) => peer,
    };
    let result = Node::start(args.config).and_then(|node| {
        let r = node.ping(peer, args.timeout);
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
            eprintln!("rustre-client: failed to ping {peer}: {e}");
            ExitCode::FAILURE
        }
    }
}
