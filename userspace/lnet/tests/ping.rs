//! Two userspace LNet nodes over TCP loopback: handshake, ping both ways,
//! the privileged-port rule.

use std::net::SocketAddr;
use std::time::Duration;

use rustre_lnet::wire::lnet::ping::LNET_NI_STATUS_UP;
use rustre_lnet::wire::nid::Nid;
use rustre_lnet::{AcceptMode, Config, Error, Node, SourcePort};

const TIMEOUT: Duration = Duration::from_secs(5);

fn node(ip: &str, accept: AcceptMode, source_port: SourcePort, peer_port: u16) -> Node {
    let mut config = Config::new(format!("{ip}@tcp").parse().unwrap());
    config.listen = Some(SocketAddr::new(ip.parse().unwrap(), 0));
    config.accept = accept;
    config.source_port = source_port;
    config.peer_port = peer_port;
    Node::start(config).unwrap()
}

fn port(n: &Node) -> u16 {
    n.listen_addr().unwrap().port()
}

#[test]
fn pings_both_ways() {
    let server = node("127.0.0.2", AcceptMode::All, SourcePort::Any, 0);
    let client = node("127.0.0.3", AcceptMode::All, SourcePort::Any, port(&server));
    let reply = client.ping(server.nid(), TIMEOUT).unwrap();
    assert_eq!(reply.pid, 12345);
    assert_eq!(
        reply.nis,
        vec![
            (Nid::LO.as_u64(), LNET_NI_STATUS_UP),
            (server.nid().as_u64(), LNET_NI_STATUS_UP)
        ]
    );
    // The server answers the client on the connections the client opened:
    // it pings back without connecting.
    let back = server.ping(client.nid(), TIMEOUT).unwrap();
    assert_eq!(back.nis[1].0, client.nid().as_u64());
    client.shutdown();
    server.shutdown();
}

#[test]
fn refuses_insecure_ports_unless_told_otherwise() {
    let secure = node("127.0.0.4", AcceptMode::Secure, SourcePort::Any, 0);
    let client = node("127.0.0.5", AcceptMode::All, SourcePort::Any, port(&secure));
    assert!(client.ping(secure.nid(), TIMEOUT).is_err());
    let reserved = node(
        "127.0.0.6",
        AcceptMode::All,
        SourcePort::Reserved,
        port(&secure),
    );
    match reserved.ping(secure.nid(), TIMEOUT) {
        Ok(r) => assert_eq!(r.nis.len(), 2),
        // Binding ports under 1024 needs root.
        Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::PermissionDenied => {}
        Err(e) => panic!("{e}"),
    }
    for n in [secure, client, reserved] {
        n.shutdown();
    }
}

#[test]
fn refuses_a_request_for_another_nid() {
    let server = node("127.0.0.7", AcceptMode::All, SourcePort::Any, 0);
    let client = node("127.0.0.8", AcceptMode::All, SourcePort::Any, port(&server));
    // 127.0.0.7 listens, but the client asks for another NID at that address.
    let wrong: Nid = "127.0.0.7@tcp1".parse().unwrap();
    assert!(client.ping(wrong, TIMEOUT).is_err());
    client.shutdown();
    server.shutdown();
}
