//! Clients connect to the server's targets over TCP loopback, as a Lustre
//! client does: connect (granted flags a subset of those asked), ping,
//! reconnect, disconnect; and the errors a target gives for an unknown
//! target, a request without a connection, an opcode it does not serve.

mod common;

use rustre_lnet::wire::lnet::LNET_PID_LUSTRE;
use rustre_lnet::wire::lustre::connect_flags::*;
use rustre_lnet::wire::lustre::errno::{ENODEV, ENOTCONN, EOPNOTSUPP};
use rustre_lnet::wire::lustre::obd::ObdConnectData;
use rustre_lnet::wire::ptlrpc::opcode::Opcode;
use rustre_lnet::wire::ptlrpc::portal::*;
use rustre_lnet::{Node, ProcessId};
use rustre_ptlrpc::{Error, Import, PortalBuffers, TargetKind};
use rustre_server::{Server, ServerConfig};

/// A server on `ip` with `osts` OSTs, and a client node that reaches it.
fn setup(ip: &str, client_ip: &str, osts: u32) -> (Server, Node) {
    let server = common::server(ip, osts);
    let client = common::client(&server, client_ip);
    (server, client)
}

/// What a 2.15 client asks of each kind of target (a part of it).
fn asked() -> ObdConnectData {
    ObdConnectData {
        connect_flags: OBD_CONNECT_VERSION
            | OBD_CONNECT_AT
            | OBD_CONNECT_FULL20
            | OBD_CONNECT_FID
            | OBD_CONNECT_ATTRFID
            | OBD_CONNECT_IBITS
            | OBD_CONNECT_GRANT
            | OBD_CONNECT_BRW_SIZE
            | OBD_CONNECT_FLAGS2,
        connect_flags2: OBD_CONNECT2_REP_MBITS,
        version: 0x020f_0000,
        ..ObdConnectData::default()
    }
}

/// Imports of the MGS, the MDT and every OST of `server`.
fn imports(server: &Server, client: &Node, osts: u32) -> Vec<(Import, u64)> {
    let target = ProcessId {
        nid: server.node().nid().as_u64(),
        pid: LNET_PID_LUSTRE,
    };
    let mgc = PortalBuffers::attach(client, MGC_REPLY_PORTAL);
    let mdc = PortalBuffers::attach(client, MDC_REPLY_PORTAL);
    let osc = PortalBuffers::attach(client, OSC_REPLY_PORTAL);
    let common = OBD_CONNECT_VERSION | OBD_CONNECT_AT | OBD_CONNECT_FULL20;
    let mut v = vec![
        (
            Import::new(
                client,
                target,
                TargetKind::Mgs,
                "MGS",
                MGS_REQUEST_PORTAL,
                mgc,
            ),
            common,
        ),
        (
            Import::new(
                client,
                target,
                TargetKind::Mdt,
                "scratch-MDT0000_UUID",
                MDS_REQUEST_PORTAL,
                mdc,
            ),
            common | OBD_CONNECT_FID | OBD_CONNECT_ATTRFID,
        ),
    ];
    for i in 0..osts {
        let uuid = format!("scratch-OST{i:04x}_UUID");
        v.push((
            Import::new(
                client,
                target,
                TargetKind::Ost,
                &uuid,
                OST_REQUEST_PORTAL,
                osc.clone(),
            ),
            common,
        ));
    }
    v
}

#[test]
fn connects_pings_and_disconnects_every_target() {
    let (server, client) = setup("127.0.1.1", "127.0.1.2", 3);
    for (imp, want) in imports(&server, &client, 3) {
        let got = imp.connect("client-1_UUID", &asked()).unwrap();
        assert_eq!(got.connect_flags, want, "only what we asked and implement");
        assert_eq!(got.connect_flags2, 0);
        // With AT granted, replies land at offset 224: the import checks.
        imp.ping().unwrap();
        imp.disconnect().unwrap();
        // Disconnected: the handle is gone.
        assert!(matches!(imp.ping(), Err(Error::Status(e)) if e == -ENOTCONN));
    }
    client.shutdown();
    server.shutdown();
}

#[test]
fn a_client_that_connects_again_gets_its_export_back() {
    let (server, client) = setup("127.0.1.3", "127.0.1.4", 1);
    let v = imports(&server, &client, 1);
    let (mdt, _) = &v[1];
    mdt.connect("client-2_UUID", &asked()).unwrap();
    mdt.ping().unwrap();
    mdt.connect("client-2_UUID", &asked()).unwrap();
    mdt.ping().unwrap();
    client.shutdown();
    server.shutdown();
}

#[test]
fn refuses_what_it_cannot_serve() {
    let (server, client) = setup("127.0.1.5", "127.0.1.6", 1);
    let target = ProcessId {
        nid: server.node().nid().as_u64(),
        pid: LNET_PID_LUSTRE,
    };
    let replies = PortalBuffers::attach(&client, MDC_REPLY_PORTAL);
    let imp = |uuid: &str| {
        Import::new(
            &client,
            target,
            TargetKind::Mdt,
            uuid,
            MDS_REQUEST_PORTAL,
            replies.clone(),
        )
    };
    // A target this server does not have, and an OST named to the MDT's
    // service.
    for uuid in ["other-MDT0000_UUID", "scratch-OST0000_UUID"] {
        let e = imp(uuid).connect("c_UUID", &asked()).unwrap_err();
        assert!(matches!(e, Error::Status(s) if s == -ENODEV), "{uuid}: {e}");
    }
    // Requests without a connection.
    let mdt = imp("scratch-MDT0000_UUID");
    assert!(matches!(mdt.ping(), Err(Error::Status(s)) if s == -ENOTCONN));
    // An opcode the MDT does not serve (an OST's).
    mdt.connect("c_UUID", &asked()).unwrap();
    let e = mdt.rpc(Opcode::OstRead, &[]).unwrap_err();
    assert!(matches!(e, Error::Status(s) if s == -EOPNOTSUPP), "{e}");
    mdt.disconnect().unwrap();
    client.shutdown();
    server.shutdown();
}

#[test]
fn a_client_not_heard_from_is_evicted() {
    let server = Server::start(ServerConfig {
        idle_timeout: std::time::Duration::from_secs(1),
        ..common::config("127.0.1.7", 1)
    })
    .unwrap();
    let client = common::client(&server, "127.0.1.8");
    let v = imports(&server, &client, 1);
    let (mdt, _) = &v[1];
    mdt.connect("idle_UUID", &asked()).unwrap();
    mdt.ping().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2500));
    assert!(matches!(mdt.ping(), Err(Error::Status(s)) if s == -ENOTCONN));
    client.shutdown();
    server.shutdown();
}
