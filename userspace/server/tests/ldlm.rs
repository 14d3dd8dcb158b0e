//! Two clients and one file: a lock that conflicts with another client's
//! is granted once the server has called that client back and it has
//! given its lock up; locks that do not conflict are granted at once; a
//! client that cannot be called back is evicted after the lock timeout.

mod common;

use std::thread;
use std::time::{Duration, Instant};

use rustre_client::Client;
use rustre_lnet::wire::lustre::fid::LuFid;
use rustre_lnet::wire::lustre::ldlm::LockMode;

/// The server's lock timeout in these tests (`common::server`).
const LOCK_TIMEOUT: Duration = Duration::from_secs(2);

fn mount(server: &rustre_server::Server, ip: &str, uuid: &str) -> (rustre_lnet::Node, Client) {
    let node = common::client(server, ip);
    let c = Client::mount(&node, server.node().nid(), "scratch", uuid).unwrap();
    (node, c)
}

#[test]
fn a_conflicting_lock_is_called_back_and_granted() {
    let server = common::server("127.0.5.1", 1);
    let (na, a) = mount(&server, "127.0.5.2", "a_UUID");
    let (nb, b) = mount(&server, "127.0.5.3", "b_UUID");
    let fa = a.create(LuFid::ROOT, "shared", 0o644, &[]).unwrap();
    let fb = b.open(LuFid::ROOT, "shared").unwrap();

    a.lock(&fa, 0, LockMode::Pw, (0, u64::MAX)).unwrap();
    assert_eq!(a.locks.held(), 1);
    let start = Instant::now();
    let got = b.lock(&fb, 0, LockMode::Pr, (0, u64::MAX)).unwrap();
    assert!(start.elapsed() < LOCK_TIMEOUT, "given back, not timed out");
    assert_eq!(got.desc.l_granted_mode, LockMode::Pr.to_wire());
    assert_eq!(got.lvb.len(), 56, "the object's attributes");
    assert_eq!(a.locks.blocking_callbacks(), 1);
    // The cancel came before the grant; it left nothing held.
    assert_eq!((a.locks.held(), b.locks.held()), (0, 1));
    // A is still connected.
    a.write(&fa, 0, b"still here").unwrap();

    for (c, f, n) in [(a, fa, na), (b, fb, nb)] {
        c.close(f).unwrap();
        c.unmount().unwrap();
        n.shutdown();
    }
    server.shutdown();
}

#[test]
fn locks_that_do_not_conflict_are_granted_at_once() {
    let server = common::server("127.0.5.4", 1);
    let (na, a) = mount(&server, "127.0.5.5", "c_UUID");
    let (nb, b) = mount(&server, "127.0.5.6", "d_UUID");
    let fa = a.create(LuFid::ROOT, "halves", 0o644, &[]).unwrap();
    let fb = b.open(LuFid::ROOT, "halves").unwrap();
    a.lock(&fa, 0, LockMode::Pw, (0, 4095)).unwrap();
    b.lock(&fb, 0, LockMode::Pw, (4096, u64::MAX)).unwrap();
    assert_eq!(a.locks.blocking_callbacks(), 0);
    for (c, f, n) in [(a, fa, na), (b, fb, nb)] {
        c.close(f).unwrap();
        c.unmount().unwrap();
        n.shutdown();
    }
    server.shutdown();
}

#[test]
fn a_client_that_cannot_give_its_lock_back_is_evicted() {
    let server = common::server("127.0.5.7", 1);
    let (na, a) = mount(&server, "127.0.5.8", "e_UUID");
    let (nb, b) = mount(&server, "127.0.5.9", "f_UUID");
    let fa = a.create(LuFid::ROOT, "held", 0o644, &[]).unwrap();
    let fb = b.open(LuFid::ROOT, "held").unwrap();
    a.lock(&fa, 0, LockMode::Pw, (0, u64::MAX)).unwrap();
    // A's node dies: no callback reaches it, no cancel comes.
    na.shutdown();
    let start = Instant::now();
    let waiter = thread::spawn(move || {
        let got = b
            .lock(&fb, 0, LockMode::Pw, (0, u64::MAX))
            .map(|g| g.desc.l_granted_mode);
        (b, fb, got)
    });
    let (b, fb, got) = waiter.join().unwrap();
    assert_eq!(got.unwrap(), LockMode::Pw.to_wire());
    assert!(
        start.elapsed() >= LOCK_TIMEOUT - Duration::from_millis(100),
        "after the timeout"
    );
    b.close(fb).unwrap();
    b.unmount().unwrap();
    nb.shutdown();
    drop((a, fa));
    server.shutdown();
}
