//! The MDT's namespace over TCP loopback, driven by the client library's
//! MDC: every operation, its errors, and two clients seeing each other's
//! changes.

mod common;

use rustre_client::{Connected, Mdc, SetAttr};
use rustre_lnet::wire::lustre::errno::*;
use rustre_lnet::wire::lustre::fid::LuFid;
use rustre_ptlrpc::Error;

const DIR: u32 = 0o040_755;
const FILE: u32 = 0o100_644;
const LINK: u32 = 0o120_777;

fn mdc(server: &rustre_server::Server, node: &rustre_lnet::Node, cluuid: &str) -> Mdc {
    Mdc::connect(node, server.node().nid(), "scratch-MDT0000_UUID", cluuid).unwrap()
}

/// `e` is the error status `-errno`.
fn is(e: Result<impl std::fmt::Debug, Error>, errno: i32) {
    match e {
        Err(Error::Status(s)) if s == -errno => {}
        other => panic!("expected -{errno}, got {other:?}"),
    }
}

#[test]
fn creates_lists_renames_links_and_removes() {
    let server = common::server("127.0.3.1", 1);
    let node = common::client(&server, "127.0.3.2");
    let m = mdc(&server, &node, "c1_UUID");
    let root = m.root().unwrap();
    assert_eq!(root, LuFid::ROOT);
    assert_eq!(m.statfs().unwrap().os_namelen, 255);

    let d = m.create(root, b"dir", DIR, b"").unwrap();
    assert_eq!((d.mode, d.nlink), (DIR, 2));
    let f = m.create(d.fid, b"file", FILE, b"").unwrap();
    assert_ne!(f.fid, d.fid, "the client numbers its own FIDs");
    let l = m.create(d.fid, b"link", LINK, b"file").unwrap();
    assert_eq!(m.getattr(l.fid).unwrap().md, b"file\0");
    is(m.create(d.fid, b"file", FILE, b""), EEXIST);
    is(m.create(f.fid, b"x", FILE, b""), ENOTDIR);
    is(m.create(root, &[b'n'; 256], FILE, b""), ENAMETOOLONG);

    assert_eq!(m.lookup(d.fid, b"file").unwrap().fid, f.fid);
    is(m.lookup(d.fid, b"nothing"), ENOENT);
    assert_eq!(m.getattr(root).unwrap().nlink, 3);
    assert_eq!(common::names(&m, d.fid), [".", "..", "file", "link"]);

    // Hard link, rename within and across directories, over a file.
    m.link(f.fid, root, b"hard").unwrap();
    assert_eq!(m.getattr(f.fid).unwrap().nlink, 2);
    m.rename(d.fid, b"file", d.fid, b"renamed").unwrap();
    m.rename(root, b"hard", d.fid, b"link").unwrap();
    assert_eq!(common::names(&m, d.fid), [".", "..", "link", "renamed"]);
    assert_eq!(m.lookup(d.fid, b"link").unwrap().fid, f.fid);
    is(m.rename(root, b"dir", d.fid, b"sub"), EINVAL);

    // Remove: a directory must be empty, rmdir only takes directories.
    is(m.unlink(root, b"dir", true), ENOTEMPTY);
    is(m.unlink(root, b"dir", false), EISDIR);
    is(m.unlink(d.fid, b"renamed", true), ENOTDIR);
    m.unlink(d.fid, b"renamed", false).unwrap();
    assert_eq!(m.getattr(f.fid).unwrap().nlink, 1);
    m.unlink(d.fid, b"link", false).unwrap();
    is(m.getattr(f.fid), ENOENT);
    m.unlink(root, b"dir", true).unwrap();
    assert_eq!(common::names(&m, root), [".", ".."]);
    m.disconnect().unwrap();
    node.shutdown();
    server.shutdown();
}

#[test]
fn sets_attributes_and_extended_attributes() {
    let server = common::server("127.0.3.3", 1);
    let node = common::client(&server, "127.0.3.4");
    let m = mdc(&server, &node, "c2_UUID");
    let f = m.create(LuFid::ROOT, b"f", FILE, b"").unwrap();
    let set = SetAttr {
        mode: Some(0o600),
        uid: Some(1000),
        gid: Some(100),
        atime: Some(1_000_000),
        mtime: Some(2_000_000),
        size: Some(12345),
    };
    let a = m.setattr(f.fid, &set).unwrap();
    assert_eq!((a.mode, a.owner), (0o100_600, (1000, 100)));
    assert_eq!(
        (a.times[0], a.times[1], a.size),
        (1_000_000, 2_000_000, Some(12345))
    );
    assert_eq!(m.getattr(f.fid).unwrap(), a);

    m.setxattr(f.fid, b"user.a", Some(b"one")).unwrap();
    m.setxattr(f.fid, b"user.b", Some(b"")).unwrap();
    assert_eq!(m.getxattr(f.fid, Some(b"user.a")).unwrap(), b"one");
    assert_eq!(m.getxattr(f.fid, None).unwrap(), b"user.a\0user.b\0");
    m.setxattr(f.fid, b"user.a", None).unwrap();
    is(m.getxattr(f.fid, Some(b"user.a")), ENODATA);
    is(m.setxattr(f.fid, b"user.a", None), ENODATA);
    m.disconnect().unwrap();
    node.shutdown();
    server.shutdown();
}

#[test]
fn lists_a_large_directory_over_several_readpages() {
    let server = common::server("127.0.3.5", 1);
    let node = common::client(&server, "127.0.3.6");
    let m = mdc(&server, &node, "c3_UUID");
    let d = m.create(LuFid::ROOT, b"big", DIR, b"").unwrap();
    // 1500 entries of ~56 bytes: about 21 pages, three READPAGEs of 8.
    for i in 0..1500 {
        m.create(d.fid, format!("entry-{i:05}").as_bytes(), FILE, b"")
            .unwrap();
    }
    let got = common::names(&m, d.fid);
    assert_eq!(got.len(), 1502);
    assert_eq!(&got[2], "entry-00000");
    assert_eq!(&got[1501], "entry-01499");
    m.disconnect().unwrap();
    node.shutdown();
    server.shutdown();
}

#[test]
fn two_clients_see_each_others_changes() {
    let server = common::server("127.0.3.7", 1);
    let (n1, n2) = (
        common::client(&server, "127.0.3.8"),
        common::client(&server, "127.0.3.9"),
    );
    let (a, b) = (mdc(&server, &n1, "a_UUID"), mdc(&server, &n2, "b_UUID"));
    let d = a.create(LuFid::ROOT, b"shared", DIR, b"").unwrap();
    assert_eq!(b.lookup(LuFid::ROOT, b"shared").unwrap().fid, d.fid);
    let f = b.create(d.fid, b"from-b", FILE, b"").unwrap();
    assert_ne!(f.fid.seq, d.fid.seq, "each client has its own sequence");
    assert_eq!(common::names(&a, d.fid), [".", "..", "from-b"]);
    a.unlink(d.fid, b"from-b", false).unwrap();
    is(b.getattr(f.fid), ENOENT);
    for (m, n) in [(a, n1), (b, n2)] {
        m.disconnect().unwrap();
        n.shutdown();
    }
    server.shutdown();
}
