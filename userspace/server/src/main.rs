//! `rustre-server`: see the library's documentation.

use std::net::SocketAddr;
use std::process::ExitCode;

use rustre_lnet::{AcceptMode, Config};
use rustre_server::{Server, ServerConfig};

const USAGE: &str = "usage: rustre-server --nid NID [--listen ADDR:PORT] [--accept secure|all]
                     [--fsname NAME] [--osts N]

  --nid NID            the server's NID, for example 10.0.0.1@tcp
  --listen ADDR:PORT   where to listen (default 0.0.0.0:988)
  --accept secure|all  take connections from privileged source ports only
                       (default, as Lustre), or from any port
  --fsname NAME        the file system's name (default lustre)
  --osts N             how many OSTs it has (default 2)";

fn parse(args: &[String]) -> Result<ServerConfig, String> {
    let mut nid = None;
    let mut listen: SocketAddr = ([0, 0, 0, 0], 988).into();
    let mut accept = AcceptMode::Secure;
    let mut fsname = "lustre".to_owned();
    let mut osts = 2;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--nid" => nid = Some(value()?.parse().map_err(|e| format!("--nid: {e}"))?),
            "--listen" => listen = value()?.parse().map_err(|e| format!("--listen: {e}"))?,
            "--accept" => accept = value()?.parse().map_err(|e| format!("--accept: {e}"))?,
            "--fsname" => fsname = value()?.clone(),
            "--osts" => osts = value()?.parse().map_err(|e| format!("--osts: {e}"))?,
            _ => return Err(format!("unknown argument '{arg}'")),
        }
    }
    // Lustre's limits: a name of 1 to 8 characters, 1 to 65535 OSTs here.
    if fsname.is_empty()
        || fsname.len() > 8
        || !fsname
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
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
    Ok(ServerConfig {
        lnet,
        fsname,
        osts,
        lock_timeout: std::time::Duration::from_secs(30),
    })
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
    let (nid, fsname, osts) = (config.lnet.nid, config.fsname.clone(), config.osts);
    let server = match Server::start(config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("rustre-server: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(addr) = server.node().listen_addr() {
        eprintln!("rustre-server: {nid} listening on {addr}: {fsname}, MGS, MDT0000, {osts} OSTs");
    }
    loop {
        std::thread::park();
    }
}
