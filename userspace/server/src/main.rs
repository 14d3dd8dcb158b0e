//! `rustre-server`: see the library's documentation.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::os::unix::net::UnixListener;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use rustre_lnet::{AcceptMode, Config};
use rustre_server::{Server, ServerConfig};

const USAGE: &str = "usage: rustre-server --nid NID [--listen ADDR:PORT] [--accept secure|all]
                     [--fsname NAME] [--osts N] [--data DIR] [--lock-timeout SECONDS]
                     [--idle-timeout SECONDS] [--socklnd-version 2|3]
                     [--fault RULE]... [--control PATH]

  --nid NID               the server's NID, for example 10.0.0.1@tcp
  --listen ADDR:PORT      where to listen (default 0.0.0.0:988)
  --accept secure|all     take connections from privileged source ports only
                          (default, as Lustre), or from any port
  --fsname NAME           the file system's name (default lustre)
  --osts N                how many OSTs it has (default 2)
  --data DIR              keep the file system in DIR (the MDT's journal,
                          a sparse file per OST object), so that it
                          survives a restart; default: in memory only
  --lock-timeout SECONDS  how long a client has to give back a lock that
                          another wants before it is evicted (default 30)
  --idle-timeout SECONDS  evict a client not heard from for so long
                          (default 150: six of its 25-second pings)
  --socklnd-version 2|3   the latest socklnd protocol spoken (default 3; 2
                          plays an older Lustre node, for tests)
  --fault RULE            inject a fault: ACTION:OPCODE:N[:ARG], on the Nth
                          request of OPCODE (a number, or any):
                          drop, delay:MS, error:ERRNO, cut, evict,
                          malformed:magic|bufcount|buflen|truncate|body
  --control PATH          take commands on a Unix socket, one per line:
                          fault RULE, clear, evict CLIENT_UUID, restart
                          (forget every connection and lock, keep the
                          file system)";

struct Args {
    config: ServerConfig,
    control: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut nid = None;
    let mut listen: SocketAddr = ([0, 0, 0, 0], 988).into();
    let mut accept = AcceptMode::Secure;
    let mut fsname = "lustre".to_owned();
    let mut osts = 2;
    let mut lock_timeout = 30;
    let mut idle_timeout = 150;
    let mut faults = Vec::new();
    let mut control = None;
    let mut data = None;
    let mut socklnd_version = 3;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--nid" => nid = Some(value()?.parse().map_err(|e| format!("--nid: {e}"))?),
            "--listen" => listen = value()?.parse().map_err(|e| format!("--listen: {e}"))?,
            "--accept" => accept = value()?.parse().map_err(|e| format!("--accept: {e}"))?,
            "--fsname" => fsname = value()?.clone(),
            "--osts" => osts = value()?.parse().map_err(|e| format!("--osts: {e}"))?,
            "--lock-timeout" => {
                lock_timeout = value()?
                    .parse()
                    .map_err(|e| format!("--lock-timeout: {e}"))?
            }
            "--idle-timeout" => {
                idle_timeout = value()?
                    .parse()
                    .map_err(|e| format!("--idle-timeout: {e}"))?
            }
            "--fault" => faults.push(value()?.parse().map_err(|e| format!("--fault: {e}"))?),
            "--control" => control = Some(PathBuf::from(value()?)),
            "--data" => data = Some(PathBuf::from(value()?)),
            "--socklnd-version" => {
                socklnd_version = match value()?.as_str() {
                    "2" => 2,
                    "3" => 3,
                    v => return Err(format!("--socklnd-version: {v} is not 2 or 3")),
                }
            }
            _ => return Err(format!("unknown argument '{arg}'")),
        }
    }
    // Lustre's limits: a name of 1 to 8 characters; 1 to 65535 OSTs here.
    let valid_name = fsname
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if fsname.is_empty() || fsname.len() > 8 || !valid_name {
        return Err(format!(
            "--fsname: '{fsname}' is not 1 to 8 letters, digits or _"
        ));
    }
    if !(1..=0xffff).contains(&osts) {
        return Err(format!("--osts: {osts} is not 1 to 65535"));
    }
    let mut lnet = Config::new(nid.ok_or("--nid is required")?);
    lnet.listen = Some(listen);
    lnet.accept = accept;
    lnet.socklnd_version = socklnd_version;
    let config = ServerConfig {
        lnet,
        fsname,
        osts,
        lock_timeout: Duration::from_secs(lock_timeout),
        faults,
        idle_timeout: Duration::from_secs(idle_timeout),
        data,
    };
    Ok(Args { config, control })
}

/// Serves the control socket at `path`: a line in, a line out.
fn serve_control(path: PathBuf, server: Arc<Server>) -> std::io::Result<()> {
    let _ = std::fs::remove_file(&path);
    let listener = UnixListener::bind(&path)?;
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let server = server.clone();
            thread::spawn(move || {
                let Ok(mut out) = stream.try_clone() else {
                    return;
                };
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let answer = match server.control(&line) {
                        Ok(done) => {
                            eprintln!("rustre-server: control: {done}");
                            format!("ok: {done}\n")
                        }
                        Err(e) => format!("error: {e}\n"),
                    };
                    if out.write_all(answer.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let Args { config, control } = match parse(&args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("rustre-server: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let (nid, fsname, osts) = (config.lnet.nid, config.fsname.clone(), config.osts);
    let server = match Server::start(config) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("rustre-server: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = control {
        if let Err(e) = serve_control(path.clone(), server.clone()) {
            eprintln!("rustre-server: control socket {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    if let Some(addr) = server.node().listen_addr() {
        eprintln!("rustre-server: {nid} listening on {addr}: {fsname}, MGS, MDT0000, {osts} OSTs");
    }
    loop {
        thread::park();
    }
}
