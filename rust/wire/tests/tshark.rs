//! An independent decoder agrees with us: a whole client-server
//! conversation (socklnd connections and HELLOs, connect, getattr, an
//! intent enqueue, a write and a read with bulk, disconnects), encoded by
//! the wire crate and written to a capture as TCP on port 988, is decoded
//! by Wireshark's `lnet` and `lustre` dissectors (tshark) with no malformed
//! packet and no expert warning or error, and the fields they print
//! (message types, portals, xids, NIDs, lengths, opcodes, buffer lengths,
//! FIDs) are the ones we encoded.
//!
//! One exception, a limit of the dissectors: a bulk PUT of read data (raw
//! bytes to `OST_BULK_PORTAL`, which no dissector claims) is always
//! reported as a bad buffer length; for it only the LNet fields are checked.
//!
//! Needs `tshark` (Debian package; `scripts/deps` installs it).

mod support;

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::Command;

use support::conversation::{
    conversation, Send, Unit, CLIENT_IP, OST_BULK_PORTAL, SERVER_IP, SERVER_PORT,
};
use support::pcap::Pcap;
use wire::lnet::hdr::LnetMsg;
use wire::nid::Nid;

/// Warning, in tshark's expert severities (chat, note, warning, error).
const PI_WARN: u64 = 0x60_0000;

/// The fields compared, in order.
const FIELDS: &[&str] = &[
    "frame.number",
    "lnet.msg_type",
    "lnet.ptl_index",
    "lnet.msg_dst_match_bits",
    "lnet.payload_length",
    "lnet.nid.addr",
    "lustre.ptlrpc_body.pb_opc",
    "lustre.ptlrpc_body.pb_type",
    "lustre.lustre_msg_v2.lm_buflens",
    "lustre.lu_fid.f_seq",
    "lustre.ll_fid.f_oid",
];

/// Writes `sends` to a capture file named after `name`.
fn capture(name: &str, sends: &[Send]) -> PathBuf {
    let mut pcap = Pcap::new(CLIENT_IP, SERVER_IP, SERVER_PORT);
    for s in sends {
        pcap.send(s.conn as u16, s.from_client, s.unit.bytes());
    }
    let path = std::env::temp_dir().join(format!("rustre-{name}-{}.pcap", std::process::id()));
    std::fs::write(&path, pcap.finish()).unwrap();
    path
}

/// Runs tshark on `path` with `args`; returns its rows of tab-separated
/// fields.
fn tshark(path: &PathBuf, args: &[&str]) -> Vec<Vec<String>> {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(path)
        .args(args)
        .output()
        .expect("tshark is needed: scripts/deps installs it");
    assert!(
        out.status.success(),
        "tshark failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

/// The frames with a malformed packet or an expert warning or error,
/// except bulk read PUTs (see the module's documentation) when `all` is
/// false.
fn flagged(path: &PathBuf, all: bool) -> Vec<String> {
    let problem = format!("(_ws.malformed || _ws.expert.severity >= {PI_WARN})");
    let filter = if all {
        problem
    } else {
        format!(
            "{problem} && !(lnet.bad_buflen && lnet.msg_type == 1 && lnet.ptl_index == {OST_BULK_PORTAL})"
        )
    };
    tshark(
        path,
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
    )
    .into_iter()
    .map(|r| r.join(" "))
    .collect()
}

fn ip(nid: u64) -> String {
    Ipv4Addr::from(Nid::from_u64(nid).unwrap().addr()).to_string()
}

/// A number as tshark prints it: decimal, or hexadecimal with `0x`.
fn number(s: &str) -> u64 {
    match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).unwrap(),
        None => s.parse().unwrap(),
    }
}

fn numbers(s: &str) -> Vec<u64> {
    s.split(',').filter(|v| !v.is_empty()).map(number).collect()
}

/// Checks one row of tshark's fields against the LNet message we sent.
fn check_row(row: &[String], unit: &Unit) {
    let Unit::Lnet { hdr, rpc, .. } = unit else {
        unreachable!("only LNet messages have rows")
    };
    let frame = &row[0];
    let (portal, match_bits) = match hdr.msg {
        LnetMsg::Put {
            ptl_index,
            match_bits,
            ..
        }
        | LnetMsg::Get {
            ptl_index,
            match_bits,
            ..
        } => (Some(ptl_index), Some(match_bits)),
        LnetMsg::Ack { match_bits, .. } => (None, Some(match_bits)),
        LnetMsg::Reply { .. } | LnetMsg::Hello { .. } => (None, None),
    };
    assert_eq!(
        number(&row[1]),
        u64::from(hdr.msg.msg_type()),
        "frame {frame}: type"
    );
    assert_eq!(
        numbers(&row[2]).first().copied(),
        portal.map(u64::from),
        "frame {frame}: portal"
    );
    assert_eq!(
        numbers(&row[3]).first().copied(),
        match_bits,
        "frame {frame}: match bits"
    );
    assert_eq!(
        number(&row[4]),
        u64::from(hdr.payload_length),
        "frame {frame}: length"
    );
    assert_eq!(
        row[5],
        format!("{},{}", ip(hdr.dest_nid), ip(hdr.src_nid)),
        "frame {frame}: NIDs"
    );
    let Some(rpc) = rpc else {
        assert!(
            row[6].is_empty(),
            "frame {frame}: a ptlrpc message where there is none"
        );
        return;
    };
    assert_eq!(number(&row[6]), u64::from(rpc.opc), "frame {frame}: opcode");
    assert_eq!(
        number(&row[7]),
        u64::from(rpc.msg_type),
        "frame {frame}: message type"
    );
    let mut buflens = vec![wire::ptlrpc::body::PTLRPC_BODY_SIZE as u64];
    buflens.extend(rpc.bufs.iter().map(|b| b.len() as u64));
    assert_eq!(numbers(&row[8]), buflens, "frame {frame}: buffer lengths");
    // The FIDs the dissector shows (it shows some structures' FIDs and not
    // others', and zero FIDs for unused slots) are the ones we sent.
    let shown: BTreeSet<(u64, u64)> = numbers(&row[9])
        .into_iter()
        .zip(numbers(&row[10]))
        .filter(|&(seq, oid)| seq != 0 || oid != 0)
        .collect();
    let sent: BTreeSet<(u64, u64)> = rpc.fids.iter().map(|f| (f.seq, u64::from(f.oid))).collect();
    assert_eq!(shown, sent, "frame {frame}: FIDs");
}

#[test]
fn tshark_decodes_a_whole_conversation_as_we_encoded_it() {
    let sends = conversation();
    let path = capture("conversation", &sends);
    let lnet: Vec<&Unit> = sends
        .iter()
        .map(|s| &s.unit)
        .filter(|u| matches!(u, Unit::Lnet { .. }))
        .collect();
    let mut args = vec!["-Y", "lnet", "-T", "fields"];
    for f in FIELDS {
        args.extend(["-e", f]);
    }
    let rows = tshark(&path, &args);
    assert_eq!(
        rows.len(),
        lnet.len(),
        "one decoded LNet message per message sent"
    );
    for (row, unit) in rows.iter().zip(&lnet) {
        check_row(row, unit);
    }

    assert_eq!(flagged(&path, false), Vec::<String>::new());
    // The exception is the bulk read PUT, and only it.
    let bulk_puts = lnet
        .iter()
        .filter(|u| {
            matches!(u, Unit::Lnet { hdr, .. }
                if matches!(hdr.msg, LnetMsg::Put { ptl_index, .. } if ptl_index == OST_BULK_PORTAL))
        })
        .count();
    assert_eq!(flagged(&path, true).len(), bulk_puts);
    std::fs::remove_file(path).unwrap();
}

/// The check above can fail: a ptlrpc message with bytes after its last
/// buffer is flagged.
#[test]
fn tshark_flags_a_corrupted_message() {
    let mut sends = conversation();
    let getattr = sends
        .iter_mut()
        .find(|s| matches!(&s.unit, Unit::Lnet { rpc: Some(r), .. } if r.opc == 33))
        .unwrap();
    let Unit::Lnet { bytes, .. } = &mut getattr.unit else {
        unreachable!()
    };
    // The LNet payload length: at 28 of the LNet header, after the
    // 24-byte socklnd header.
    let at = 24 + 28;
    let len = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    bytes[at..at + 4].copy_from_slice(&(len + 8).to_le_bytes());
    bytes.extend_from_slice(&[0; 8]);
    let path = capture("corrupted", &sends);
    assert!(!flagged(&path, false).is_empty());
    std::fs::remove_file(path).unwrap();
}
