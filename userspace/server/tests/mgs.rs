//! A client reads the file system's configuration from the server's MGS,
//! as a mounting Lustre client does: connect, the configuration lock, the
//! `<fsname>-client` log read chunk by chunk, the targets it names; and a
//! log that does not exist.

mod common;

use rustre_client::{Connected, FsConfig, Mgc};
use rustre_lnet::wire::lustre::errno::ENOENT;
use rustre_lnet::Node;
use rustre_ptlrpc::Error;
use rustre_server::Server;

fn setup(ip: &str, client_ip: &str, osts: u32) -> (Server, Node) {
    let server = common::server(ip, osts);
    let client = common::client(&server, client_ip);
    (server, client)
}

/// Reads the client log of a server with `osts` OSTs and checks it.
fn reads_the_targets(ip: &str, client_ip: &str, osts: u32) {
    let (server, client) = setup(ip, client_ip, osts);
    let nid = server.node().nid().as_u64();
    let mgc = Mgc::connect(&client, server.node().nid(), "client-3_UUID").unwrap();
    let lock = mgc.lock("scratch-client").unwrap();
    let config = FsConfig::from_client_log(&mgc.read_log("scratch-client").unwrap()).unwrap();
    assert_eq!(
        config.profile,
        Some((
            "scratch-client".into(),
            "scratch-clilov".into(),
            "scratch-clilmv".into()
        ))
    );
    assert_eq!(config.mdts.len(), 1);
    assert_eq!(config.mdts[0].uuid, "scratch-MDT0000_UUID");
    assert_eq!((config.mdts[0].index, config.mdts[0].nid), (0, nid));
    assert_eq!(config.osts.len(), osts as usize);
    for (i, ost) in config.osts.iter().enumerate() {
        assert_eq!(ost.index, i as u32);
        assert_eq!(ost.uuid, format!("scratch-OST{i:04x}_UUID"));
        assert_eq!(ost.nid, nid);
    }
    assert_eq!((config.stripe_size, config.stripe_count), (1 << 20, 1));
    mgc.cancel(lock).unwrap();
    mgc.disconnect().unwrap();
    client.shutdown();
    server.shutdown();
}

#[test]
fn a_client_learns_the_targets_from_the_client_log() {
    reads_the_targets("127.0.2.1", "127.0.2.2", 2);
}

#[test]
fn a_log_over_several_chunks_is_read_whole() {
    // About 1 KiB of records per OST: 100 OSTs take a dozen chunks.
    reads_the_targets("127.0.2.3", "127.0.2.4", 100);
}

#[test]
fn logs_that_do_not_exist_are_enoent() {
    let (server, client) = setup("127.0.2.5", "127.0.2.6", 1);
    let mgc = Mgc::connect(&client, server.node().nid(), "client-4_UUID").unwrap();
    for name in ["scratch-sptlrpc", "params", "other-client"] {
        let e = mgc.read_log(name).unwrap_err();
        assert!(matches!(e, Error::Status(s) if s == -ENOENT), "{name}: {e}");
    }
    mgc.disconnect().unwrap();
    client.shutdown();
    server.shutdown();
}
