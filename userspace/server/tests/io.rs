//! File data over TCP loopback: a client mounts (configuration from the
//! MGS, connections to the MDT and every OST), creates files striped over
//! the OSTs, and writes, reads, extends sparsely and truncates them; every
//! byte is checked.

mod common;

use rustre_client::{Client, Connected, File, Osc};
use rustre_lnet::wire::lustre::errno::{EEXIST, ENOENT};
use rustre_lnet::wire::lustre::fid::LuFid;
use rustre_lnet::wire::lustre::lov::{LovMdsMdV1, LOV_MAGIC_V1, LOV_MDS_MD_V1_SIZE};
use rustre_ptlrpc::Error;

/// A `lov_user_md`: `count` stripes of `size` bytes from OST `first`
/// (0xffff: any).
fn striping(size: u32, count: u16, first: u16) -> Vec<u8> {
    let mut b = vec![0u8; LOV_MDS_MD_V1_SIZE];
    LovMdsMdV1 {
        lmm_magic: LOV_MAGIC_V1,
        lmm_stripe_size: size,
        lmm_stripe_count: count,
        lmm_layout_gen: first,
        ..LovMdsMdV1::default()
    }
    .encode(&mut b)
    .unwrap();
    b
}

/// Bytes that differ from offset to offset.
fn pattern(seed: u64, len: usize) -> Vec<u8> {
    (0..len as u64)
        .map(|i| (i.wrapping_mul(2_654_435_761).wrapping_add(seed) >> 7) as u8)
        .collect()
}

fn mount(server: &rustre_server::Server, node: &rustre_lnet::Node, uuid: &str) -> Client {
    Client::mount(node, server.node().nid(), "scratch", uuid).unwrap()
}

fn objects_of(file: &File) -> usize {
    rustre_lnet::wire::lustre::lov::Layout::decode(&file.attr.md)
        .unwrap()
        .stripe_count()
}

#[test]
fn striped_files_read_back_byte_for_byte() {
    let server = common::server("127.0.4.1", 3);
    let node = common::client(&server, "127.0.4.2");
    let c = mount(&server, &node, "io-1_UUID");
    assert_eq!(c.config.osts.len(), 3);

    // The default: one stripe.
    let f = c.create(LuFid::ROOT, "small", 0o644, &[]).unwrap();
    assert_eq!(objects_of(&f), 1);
    c.write(&f, 0, b"hello, lustre").unwrap();
    assert_eq!(c.read(&f, 0, 100).unwrap(), b"hello, lustre");
    assert_eq!(c.size(&f).unwrap(), 13);
    c.close(f).unwrap();

    // Three stripes of 64 KiB; writes that cross stripes, BRWs and bulk
    // buffers (an unaligned MiB takes two), in pieces out of order.
    let f = c
        .create(
            LuFid::ROOT,
            "striped",
            0o644,
            &striping(64 << 10, 3, 0xffff),
        )
        .unwrap();
    assert_eq!(objects_of(&f), 3);
    let data = pattern(1, 3 << 20);
    c.write(&f, 100, &data[100..(1 << 20) + 100]).unwrap();
    c.write(&f, (1 << 20) + 100, &data[(1 << 20) + 100..])
        .unwrap();
    c.write(&f, 0, &data[..100]).unwrap();
    assert_eq!(c.size(&f).unwrap(), 3 << 20);
    assert!(c.read(&f, 0, 3 << 20).unwrap() == data, "all of it");
    assert!(c.read(&f, 65_000, 70_000).unwrap() == data[65_000..135_000]);
    c.close(f).unwrap();

    // Reopened by name, the same data.
    let f = c.open(LuFid::ROOT, "striped").unwrap();
    assert!(c.read(&f, 1 << 20, 4096).unwrap() == data[1 << 20..(1 << 20) + 4096]);
    c.close(f).unwrap();
    c.unmount().unwrap();
    node.shutdown();
    server.shutdown();
}

#[test]
fn sparse_files_and_truncation() {
    let server = common::server("127.0.4.3", 2);
    let node = common::client(&server, "127.0.4.4");
    let c = mount(&server, &node, "io-2_UUID");
    let f = c
        .create(LuFid::ROOT, "sparse", 0o600, &striping(1 << 20, 2, 1))
        .unwrap();
    let far = 10u64 << 30;
    c.write(&f, far, b"far away").unwrap();
    assert_eq!(c.size(&f).unwrap(), far + 8);
    assert_eq!(c.read(&f, far - 4, 12).unwrap(), b"\0\0\0\0far away");
    assert!(
        c.read(&f, 1 << 30, 8192).unwrap().iter().all(|b| *b == 0),
        "a hole"
    );

    c.write(&f, 0, &pattern(2, 3 << 20)).unwrap();
    c.truncate(&f, (1 << 20) + 10).unwrap();
    assert_eq!(c.size(&f).unwrap(), (1 << 20) + 10);
    assert!(c.read(&f, 0, 8 << 20).unwrap() == pattern(2, 3 << 20)[..(1 << 20) + 10]);
    // Extending by truncation reads back zeros.
    c.truncate(&f, 2 << 20).unwrap();
    assert!(c
        .read(&f, (1 << 20) + 10, 100)
        .unwrap()
        .iter()
        .all(|b| *b == 0));
    c.close(f).unwrap();
    c.unmount().unwrap();
    node.shutdown();
    server.shutdown();
}

#[test]
fn layouts_come_from_the_request_or_the_directory() {
    let server = common::server("127.0.4.5", 4);
    let node = common::client(&server, "127.0.4.6");
    let c = mount(&server, &node, "io-3_UUID");
    let d = c.mdc.create(LuFid::ROOT, b"wide", 0o040_755, b"").unwrap();
    c.mdc
        .setxattr(d.fid, b"trusted.lov", Some(&striping(0, 0xffff, 0xffff)))
        .unwrap();
    let f = c.create(d.fid, "all-osts", 0o644, &[]).unwrap();
    assert_eq!(objects_of(&f), 4, "the directory's default: every OST");
    let g = c.create(d.fid, "two", 0o644, &striping(0, 2, 3)).unwrap();
    assert_eq!(objects_of(&g), 2, "the request wins");
    // A bad stripe size, a first OST that does not exist.
    for bad in [striping(1000, 1, 0), striping(0, 1, 9)] {
        assert!(c.create(d.fid, "bad", 0o644, &bad).is_err());
    }
    assert!(matches!(c.create(d.fid, "two", 0o644, &[]), Err(Error::Status(s)) if s == -EEXIST));
    assert!(matches!(c.open(d.fid, "none"), Err(Error::Status(s)) if s == -ENOENT));
    for file in [f, g] {
        c.close(file).unwrap();
    }
    c.unmount().unwrap();
    node.shutdown();
    server.shutdown();
}

#[test]
fn unlinking_a_file_destroys_its_objects() {
    let server = common::server("127.0.4.7", 1);
    let node = common::client(&server, "127.0.4.8");
    let c = mount(&server, &node, "io-4_UUID");
    let f = c.create(LuFid::ROOT, "doomed", 0o644, &[]).unwrap();
    c.write(&f, 0, b"data").unwrap();
    let layout = rustre_lnet::wire::lustre::lov::Layout::decode(&f.attr.md).unwrap();
    let object = layout.stripe(0).unwrap().l_ost_oi;
    c.close(f).unwrap();
    c.mdc.unlink(LuFid::ROOT, b"doomed", false).unwrap();
    let osc = Osc::connect(
        &node,
        server.node().nid(),
        "scratch-OST0000_UUID",
        "io-5_UUID",
    )
    .unwrap();
    assert!(matches!(osc.getattr(object), Err(Error::Status(s)) if s == -ENOENT));
    osc.disconnect().unwrap();
    c.unmount().unwrap();
    node.shutdown();
    server.shutdown();
}

#[test]
fn an_ost_takes_rpcs_of_4_mib() {
    let server = common::server("127.0.4.9", 1);
    let node = common::client(&server, "127.0.4.10");
    let c = mount(&server, &node, "io-6_UUID");
    let f = c.create(LuFid::ROOT, "big-rpcs", 0o644, &[]).unwrap();
    let object = rustre_lnet::wire::lustre::lov::Layout::decode(&f.attr.md)
        .unwrap()
        .stripe(0)
        .unwrap()
        .l_ost_oi;
    let osc = Osc::connect(
        &node,
        server.node().nid(),
        "scratch-OST0000_UUID",
        "io-7_UUID",
    )
    .unwrap();
    let data = pattern(3, 4 << 20);
    // Four bulk buffers each way.
    osc.write(object, 4096, &data).unwrap();
    assert!(osc.read(object, 4096, 4 << 20).unwrap() == data);
    // One byte more than an RPC may carry.
    assert!(osc.write(object, 0, &pattern(4, (4 << 20) + 1)).is_err());
    osc.disconnect().unwrap();
    c.close(f).unwrap();
    c.unmount().unwrap();
    node.shutdown();
    server.shutdown();
}
