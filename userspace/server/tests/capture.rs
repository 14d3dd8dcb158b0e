//! A real session between the client library and the server, captured on
//! the loopback interface and decoded by Wireshark's `lnet` and `lustre`
//! dissectors (tshark): no malformed packet and no expert warning or error
//! beyond the dissectors' own limits (listed below), and the opcodes of the
//! session all there.
//!
//! Needs `tshark` and the right to capture (root, as `make check` runs).

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rustre_client::Client;
use rustre_lnet::wire::lustre::fid::LuFid;
use rustre_lnet::wire::ptlrpc::opcode::Opcode;

/// Starts capturing the TCP traffic of `port` on `lo` into `file`, and
/// waits until the capture runs.
fn capture(port: u16, file: &Path) -> Child {
    let mut child = Command::new("tshark")
        .args(["-i", "lo", "-f", &format!("tcp port {port}"), "-w"])
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tshark is needed: scripts/deps installs it");
    // The capture file gets its header once tshark listens.
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if std::fs::metadata(file).is_ok_and(|m| m.len() > 0) {
            return child;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("tshark ended ({status}): can it capture here?");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("tshark did not start capturing");
}

fn tshark(file: &Path, port: u16, args: &[&str]) -> String {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(file)
        .args(["-d", &format!("tcp.port=={port},lnet")])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn tshark_decodes_a_session_cleanly() {
    let server = common::server("127.0.8.1", 2);
    let port = server.node().listen_addr().unwrap().port();
    let file = std::env::temp_dir().join(format!("rustre-session-{}.pcapng", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let mut tshark_capture = capture(port, &file);

    let node = common::client(&server, "127.0.8.2");
    let c = Client::mount(&node, server.node().nid(), "scratch", "cap_UUID").unwrap();
    let d = c.mdc.create(LuFid::ROOT, b"dir", 0o040_755, b"").unwrap();
    let f = c.create(d.fid, "file", 0o644, &[]).unwrap();
    c.write(&f, 0, &[7u8; 100_000]).unwrap();
    assert_eq!(c.read(&f, 0, 100_000).unwrap().len(), 100_000);
    c.mdc.getattr(f.attr.fid).unwrap();
    c.mdc.readdir(d.fid).unwrap();
    c.close(f).unwrap();
    c.mdc.rename(d.fid, b"file", d.fid, b"moved").unwrap();
    c.mdc.unlink(d.fid, b"moved", false).unwrap();
    c.unmount().unwrap();
    node.shutdown();
    server.shutdown();

    // Let the last segments reach the capture, then stop it.
    std::thread::sleep(Duration::from_millis(500));
    Command::new("kill")
        .args(["-INT", &tshark_capture.id().to_string()])
        .status()
        .unwrap();
    tshark_capture.wait().unwrap();

    let opcodes: BTreeSet<u32> = tshark(
        &file,
        port,
        &["-T", "fields", "-e", "lustre.ptlrpc_body.pb_opc"],
    )
    .split(['\n', ','])
    .filter_map(|s| s.trim().parse().ok())
    .collect();
    for opc in [
        Opcode::MgsConnect,
        Opcode::LlogOriginHandleNextBlock,
        Opcode::MdsConnect,
        Opcode::OstConnect,
        Opcode::MdsReint,
        Opcode::LdlmEnqueue,
        Opcode::OstWrite,
        Opcode::OstRead,
        Opcode::MdsReadpage,
        Opcode::MdsClose,
        Opcode::MdsDisconnect,
    ] {
        assert!(opcodes.contains(&(opc as u32)), "{opc:?} decoded");
    }
    // Problems in our traffic, not in the dissectors' limits, which a real
    // Lustre node meets too: bulk PUTs of raw data (to OST_BULK_PORTAL 8,
    // MDS_BULK_PORTAL 14), which no dissector decodes; requests to
    // MDS_IO_PORTAL 13 (renames), for which the lustre dissector is not
    // registered, and so the replies to them, which it cannot pair; and
    // the zero-filled end of an llog chunk (LLOG_ORIGIN_HANDLE_NEXT_BLOCK
    // replies), which it reads as records.
    let unpaired: Vec<String> = tshark(
        &file,
        port,
        &[
            "-Y",
            "lnet.ptl_index == 13",
            "-T",
            "fields",
            "-e",
            "lnet.msg_dst_match_bits",
        ],
    )
    .lines()
    .map(str::to_owned)
    .collect();
    assert!(!unpaired.is_empty(), "the rename was captured");
    let mut filter = String::from(
        "(_ws.malformed || (_ws.expert.severity >= 0x600000 && !tcp.analysis.flags)) \
         && !(lnet.msg_type == 1 && (lnet.ptl_index == 8 || lnet.ptl_index == 13 || lnet.ptl_index == 14)) \
         && !(lustre.ptlrpc_body.pb_opc == 502 && lustre.ptlrpc_body.pb_type == 4713)",
    );
    for bits in &unpaired {
        filter += &format!(" && !(lnet.msg_dst_match_bits == {bits})");
    }
    let flagged = tshark(
        &file,
        port,
        &[
            "-Y",
            &filter,
            "-T",
            "fields",
            "-e",
            "frame.number",
            "-e",
            "_ws.expert.message",
        ],
    );
    assert_eq!(flagged, "", "frames flagged in {}", file.display());
    std::fs::remove_file(&file).unwrap();
}
