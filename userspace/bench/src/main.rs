//! `rustre-bench`: what `rustre-server` can do over TCP loopback, so that
//! the client benchmarks know what limits them. One server, `--clients`
//! client nodes each in its own thread (default 4), each workload for
//! `--seconds` (default 5):
//!
//! - `ping`: OBD_PING to the MDT, one at a time per client: RPCs/s.
//! - `create`: create and unlink files in a directory per client: files/s.
//! - `write`, `read`: 1 MiB BRWs to a file per client (one stripe each,
//!   spread over the OSTs): MB/s.
//!
//! `make bench` runs it in release mode. The numbers are what this machine
//! did this time; nothing asserts them.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use rustre_client::Client;
use rustre_lnet::wire::lustre::fid::LuFid;
use rustre_lnet::{AcceptMode, Config, Node, SourcePort};
use rustre_server::{Server, ServerConfig};

const MIB: usize = 1 << 20;

struct Options {
    clients: usize,
    seconds: u64,
}

fn parse() -> Result<Options, String> {
    let mut o = Options {
        clients: 4,
        seconds: 5,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--clients" => o.clients = value()?.parse().map_err(|e| format!("--clients: {e}"))?,
            "--seconds" => o.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?,
            _ => return Err(format!("unknown argument '{a}' (--clients N, --seconds S)")),
        }
    }
    if o.clients == 0 || o.clients > 200 {
        return Err("--clients: 1 to 200".into());
    }
    Ok(o)
}

fn server(osts: u32) -> Result<Server, String> {
    let mut lnet = Config::new("127.0.9.1@tcp".parse().map_err(|e| format!("{e}"))?);
    lnet.listen = Some(SocketAddr::from(([127, 0, 9, 1], 0)));
    lnet.accept = AcceptMode::All;
    Server::start(ServerConfig {
        lnet,
        fsname: "bench".into(),
        osts,
        lock_timeout: Duration::from_secs(30),
        faults: Vec::new(),
        idle_timeout: Duration::from_secs(150),
        data: None,
    })
    .map_err(|e| format!("cannot start the server: {e}"))
}

/// Mounts client `i`.
fn client(server: &Server, i: usize) -> Result<(Node, Client), String> {
    let ip = format!("127.0.9.{}", 10 + i);
    let mut c = Config::new(format!("{ip}@tcp").parse().map_err(|e| format!("{e}"))?);
    c.listen = None;
    c.source_port = SourcePort::Any;
    c.peer_port = server.node().listen_addr().map_or(988, |a| a.port());
    let node = Node::start(c).map_err(|e| e.to_string())?;
    let mount = Client::mount(
        &node,
        server.node().nid(),
        "bench",
        &format!("bench-{i}_UUID"),
    )
    .map_err(|e| format!("client {i}: {e}"))?;
    Ok((node, mount))
}

/// Runs `work` in every client at once for `seconds`; returns the total
/// of what it counted.
fn run<S: Send + 'static>(
    clients: &[Arc<Client>],
    seconds: u64,
    setup: impl Fn(usize, &Client) -> S,
    work: impl Fn(&Client, &mut S) -> u64 + Send + Sync + 'static,
) -> (u64, Duration) {
    let work = Arc::new(work);
    let barrier = Arc::new(Barrier::new(clients.len() + 1));
    let deadline = Duration::from_secs(seconds);
    let threads: Vec<_> = clients
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut state = setup(i, c);
            let (c, work, barrier) = (c.clone(), work.clone(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                let start = Instant::now();
                let mut n = 0;
                while start.elapsed() < deadline {
                    n += work(&c, &mut state);
                }
                n
            })
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    let total = threads.into_iter().map(|t| t.join().unwrap_or(0)).sum();
    (total, start.elapsed())
}

fn report(what: &str, n: u64, unit: &str, scale: f64, took: Duration, o: &Options) {
    let rate = n as f64 / scale / took.as_secs_f64();
    println!(
        "{what:8} {rate:12.1} {unit}  ({} clients, {:.1} s)",
        o.clients,
        took.as_secs_f64()
    );
}

fn bench(o: &Options) -> Result<(), String> {
    let server = server(4)?;
    let mut nodes = Vec::new();
    let mut clients = Vec::new();
    for i in 0..o.clients {
        let (n, c) = client(&server, i)?;
        nodes.push(n);
        clients.push(Arc::new(c));
    }
    println!("rustre-server over loopback, {} clients:", o.clients);

    let (n, t) = run(
        &clients,
        o.seconds,
        |_, _| (),
        |c, ()| u64::from(c.mdc.statfs().is_ok()),
    );
    report("statfs", n, "RPC/s", 1.0, t, o);

    let dirs: Vec<LuFid> = clients
        .iter()
        .enumerate()
        .map(|(i, c)| {
            c.mdc
                .create(LuFid::ROOT, format!("d{i}").as_bytes(), 0o040_755, b"")
        })
        .map(|r| r.map(|a| a.fid))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let (n, t) = run(
        &clients,
        o.seconds,
        |i, _| (dirs[i], 0u64),
        |c, (dir, k)| {
            *k += 1;
            let name = format!("f{k}");
            let made = c.mdc.create(*dir, name.as_bytes(), 0o100_644, b"").is_ok();
            u64::from(made && c.mdc.unlink(*dir, name.as_bytes(), false).is_ok())
        },
    );
    report("create", n, "files/s, each created and unlinked", 1.0, t, o);

    let files: Vec<Arc<rustre_client::File>> = clients
        .iter()
        .enumerate()
        .map(|(i, c)| c.create(dirs[i], "data", 0o644, &[]).map(Arc::new))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let block = Arc::new(vec![0x5au8; MIB]);
    let (n, t) = run(
        &clients,
        o.seconds,
        |i, _| (files[i].clone(), block.clone(), 0u64),
        |c, (f, b, at)| {
            let ok = c.write(f, *at % (64 * MIB as u64), b).is_ok();
            *at += MIB as u64;
            if ok {
                MIB as u64
            } else {
                0
            }
        },
    );
    report("write", n, "MB/s", 1e6, t, o);
    let (n, t) = run(
        &clients,
        o.seconds,
        |i, _| (files[i].clone(), 0u64),
        |c, (f, at)| {
            let got = c
                .read(f, *at % (64 * MIB as u64), MIB as u64)
                .map_or(0, |d| d.len() as u64);
            *at += MIB as u64;
            got
        },
    );
    report("read", n, "MB/s", 1e6, t, o);

    for c in clients {
        if let Ok(c) = Arc::try_unwrap(c) {
            let _ = c.unmount();
        }
    }
    for n in nodes {
        n.shutdown();
    }
    server.shutdown();
    Ok(())
}

fn main() -> ExitCode {
    let o = match parse() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("rustre-bench: {e}");
            return ExitCode::from(2);
        }
    };
    match bench(&o) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rustre-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
