//! Each kind of fault the server injects, and what the client library does
//! with it: a lost reply is resent and answered from the reply kept (the
//! operation is not done twice); a late reply arrives; an error reply is an
//! error; a malformed reply of each kind is refused; a cut connection is
//! made again; an evicted client connects again. Rules come from the
//! server's configuration and from its control commands.

mod common;

use std::time::{Duration, Instant};

use rustre_client::{Client, Connected};
use rustre_lnet::wire::lustre::errno::{EIO, ENOTCONN};
use rustre_lnet::wire::lustre::fid::LuFid;
use rustre_lnet::wire::ptlrpc::opcode::Opcode;
use rustre_ptlrpc::{Corruption, Error};

const DIR: u32 = 0o040_755;

fn mount(server: &rustre_server::Server, ip: &str, uuid: &str) -> (rustre_lnet::Node, Client) {
    let node = common::client(server, ip);
    let c = Client::mount(&node, server.node().nid(), "scratch", uuid).unwrap();
    c.set_timeout(Duration::from_millis(500));
    (node, c)
}

fn fault(server: &rustre_server::Server, rule: &str) {
    server.control(&format!("fault {rule}")).unwrap();
}

#[test]
fn a_lost_reply_is_resent_and_not_done_twice() {
    let server = common::server("127.0.6.1", 1);
    let (node, c) = mount(&server, "127.0.6.2", "f1_UUID");
    fault(&server, &format!("drop:{}:1", Opcode::MdsReint as u32));
    let start = Instant::now();
    // Done twice, the mkdir would fail with -EEXIST.
    let d = c.mdc.create(LuFid::ROOT, b"once", DIR, b"").unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(500),
        "after a resend"
    );
    assert_eq!(c.mdc.lookup(LuFid::ROOT, b"once").unwrap().fid, d.fid);
    c.unmount().unwrap();
    node.shutdown();
    server.shutdown();
}

#[test]
fn late_and_error_replies() {
    let server = common::server("127.0.6.3", 1);
    let (node, c) = mount(&server, "127.0.6.4", "f2_UUID");
    let getattr = Opcode::MdsGetattr as u32;
    fault(&server, &format!("delay:{getattr}:1:200"));
    let start = Instant::now();
    c.mdc.getattr(LuFid::ROOT).unwrap();
    assert!(start.elapsed() >= Duration::from_millis(200));
    fault(&server, &format!("error:{getattr}:1:{EIO}"));
    assert!(matches!(c.mdc.getattr(LuFid::ROOT), Err(Error::Status(s)) if s == -EIO));
    c.mdc.getattr(LuFid::ROOT).unwrap();
    c.unmount().unwrap();
    node.shutdown();
    server.shutdown();
}

#[test]
fn every_kind_of_malformed_reply_is_refused() {
    let server = common::server("127.0.6.5", 1);
    let (node, c) = mount(&server, "127.0.6.6", "f3_UUID");
    for kind in Corruption::ALL {
        let name = format!("{kind:?}").to_lowercase();
        fault(
            &server,
            &format!("malformed:{}:1:{name}", Opcode::MdsGetattr as u32),
        );
        match c.mdc.getattr(LuFid::ROOT) {
            Err(Error::Protocol(_)) => {}
            other => panic!("{name}: {other:?}"),
        }
    }
    // The server and the client are fine after.
    c.mdc.getattr(LuFid::ROOT).unwrap();
    c.unmount().unwrap();
    node.shutdown();
    server.shutdown();
}

#[test]
fn a_cut_connection_is_made_again() {
    let server = common::server("127.0.6.7", 1);
    let (node, c) = mount(&server, "127.0.6.8", "f4_UUID");
    fault(&server, &format!("cut:{}:1", Opcode::MdsStatfs as u32));
    assert_eq!(c.mdc.statfs().unwrap().os_namelen, 255);
    c.unmount().unwrap();
    node.shutdown();
    server.shutdown();
}

#[test]
fn an_evicted_client_connects_again() {
    let server = common::server("127.0.6.9", 1);
    let (node, c) = mount(&server, "127.0.6.10", "f5_UUID");
    fault(&server, &format!("evict:{}:1", Opcode::MdsGetattr as u32));
    assert!(matches!(c.mdc.getattr(LuFid::ROOT), Err(Error::Status(s)) if s == -ENOTCONN));
    assert!(matches!(c.mdc.getattr(LuFid::ROOT), Err(Error::Status(s)) if s == -ENOTCONN));
    c.mdc.reconnect().unwrap();
    c.mdc.getattr(LuFid::ROOT).unwrap();
    // And by command.
    assert_eq!(
        server.control("evict f5_UUID").unwrap(),
        "3 exports evicted"
    );
    assert!(server.control("zap").is_err());
    assert!(server.control("fault nonsense").is_err());
    node.shutdown();
    server.shutdown();
}

#[test]
fn a_restart_keeps_the_file_system() {
    let server = common::server("127.0.6.11", 2);
    let (node, c) = mount(&server, "127.0.6.12", "f6_UUID");
    let f = c.create(LuFid::ROOT, "kept", 0o644, &[]).unwrap();
    c.write(&f, 0, b"still here").unwrap();
    assert!(server.control("restart").unwrap().starts_with("restarted"));
    // The connections went and the server forgot the client.
    let e = c.mdc.getattr(LuFid::ROOT);
    assert!(
        matches!(e, Err(Error::Status(s)) if s == -ENOTCONN),
        "{e:?}"
    );
    c.reconnect().unwrap();
    assert_eq!(c.read(&f, 0, 100).unwrap(), b"still here");
    c.close(f).unwrap();
    c.unmount().unwrap();
    node.shutdown();
    server.shutdown();
}

#[test]
fn a_slow_request_does_not_stall_another_client() {
    let server = common::server("127.0.6.13", 1);
    let (na, a) = mount(&server, "127.0.6.14", "f7_UUID");
    let (nb, b) = mount(&server, "127.0.6.15", "f8_UUID");
    a.set_timeout(Duration::from_secs(10));
    let getattr = Opcode::MdsGetattr as u32;
    fault(&server, &format!("delay:{getattr}:1:3000"));
    let slow = std::thread::spawn(move || {
        let start = Instant::now();
        a.mdc.getattr(LuFid::ROOT).unwrap();
        (a, start.elapsed())
    });
    // Let A's request reach the server first.
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    b.mdc.getattr(LuFid::ROOT).unwrap();
    let fast = start.elapsed();
    let (a, slow) = slow.join().unwrap();
    assert!(slow >= Duration::from_secs(3), "A's reply was held back");
    assert!(fast < Duration::from_secs(2), "B's was not: {fast:?}");
    for (c, n) in [(a, na), (b, nb)] {
        c.unmount().unwrap();
        n.shutdown();
    }
    server.shutdown();
}
