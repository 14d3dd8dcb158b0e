//! A server with `--data` restarted: everything a client did before is
//! there after, byte for byte, and what it creates after does not collide
//! with what was there.

mod common;

use rustre_client::Client;
use rustre_lnet::wire::lustre::fid::LuFid;
use rustre_lnet::wire::lustre::lov::{LovMdsMdV1, LOV_MAGIC_V1, LOV_MDS_MD_V1_SIZE};
use rustre_server::{Server, ServerConfig};

fn striping(count: u16) -> Vec<u8> {
    let mut b = vec![0u8; LOV_MDS_MD_V1_SIZE];
    LovMdsMdV1 {
        lmm_magic: LOV_MAGIC_V1,
        lmm_stripe_size: 64 << 10,
        lmm_stripe_count: count,
        lmm_layout_gen: 0xffff,
        ..LovMdsMdV1::default()
    }
    .encode(&mut b)
    .unwrap();
    b
}

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 253) as u8).collect()
}

#[test]
fn the_file_system_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("rustre-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let start = || {
        Server::start(ServerConfig {
            data: Some(dir.clone()),
            ..common::config("127.0.7.1", 2)
        })
        .unwrap()
    };

    let server = start();
    let node = common::client(&server, "127.0.7.2");
    let c = Client::mount(&node, server.node().nid(), "scratch", "r1_UUID").unwrap();
    let d = c.mdc.create(LuFid::ROOT, b"dir", 0o040_755, b"").unwrap();
    let f = c.create(d.fid, "big", 0o640, &striping(2)).unwrap();
    c.write(&f, 5, &data(300_000)).unwrap();
    let big = f.attr.fid;
    c.close(f).unwrap();
    c.mdc.create(d.fid, b"link", 0o120_777, b"big").unwrap();
    c.mdc.setxattr(big, b"user.note", Some(b"kept")).unwrap();
    c.mdc.link(big, LuFid::ROOT, b"hard").unwrap();
    let gone = c.create(LuFid::ROOT, "gone", 0o644, &[]).unwrap();
    c.write(&gone, 0, b"bye").unwrap();
    c.close(gone).unwrap();
    c.mdc.unlink(LuFid::ROOT, b"gone", false).unwrap();
    c.mdc.rename(LuFid::ROOT, b"hard", d.fid, b"hard").unwrap();
    c.unmount().unwrap();
    node.shutdown();
    server.shutdown();
    drop(server);

    let server = start();
    let node = common::client(&server, "127.0.7.3");
    let c = Client::mount(&node, server.node().nid(), "scratch", "r2_UUID").unwrap();
    assert_eq!(common::names(&c.mdc, LuFid::ROOT), [".", "..", "dir"]);
    let d = c.stat("/dir").unwrap();
    assert_eq!(
        common::names(&c.mdc, d.fid),
        [".", "..", "big", "hard", "link"]
    );
    let f = c.open(d.fid, "big").unwrap();
    assert_eq!(f.attr.fid, big);
    assert_eq!(f.attr.nlink, 2);
    assert_eq!(f.attr.mode, 0o100_640);
    assert_eq!(c.size(&f).unwrap(), 300_005);
    assert!(c.read(&f, 0, 400_000).unwrap() == [&[0; 5][..], &data(300_000)].concat());
    assert_eq!(c.mdc.getxattr(big, Some(b"user.note")).unwrap(), b"kept");
    assert_eq!(c.stat("/dir/link").unwrap().md, b"big\0");
    // New objects and FIDs do not collide with the old ones.
    let n = c.create(d.fid, "new", 0o644, &striping(2)).unwrap();
    assert_ne!(n.attr.fid.seq, big.seq);
    c.write(&n, 0, b"fresh").unwrap();
    assert!(c.read(&f, 0, 5).unwrap() == [0; 5], "the old file unharmed");
    for file in [f, n] {
        c.close(file).unwrap();
    }
    c.unmount().unwrap();
    node.shutdown();
    server.shutdown();
    std::fs::remove_dir_all(&dir).unwrap();
}
