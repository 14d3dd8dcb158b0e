//! The MGS: the configuration logs clients read when they mount.
//!
//! The one log there is, `<fsname>-client`, tells a client what to set up,
//! in groups of records between START and END markers, as Lustre's MGS
//! writes it: the LOV (`<fsname>-clilov`, with the default striping) and
//! the LMV (`<fsname>-clilmv`); for the MDT, the NID of its node, an MDC
//! and its place in the LMV; for each OST, the NID, an OSC and its index
//! in the LOV; and the mount profile that ties them together. Every target
//! of this server is on its one NID.
//!
//! Clients read logs with LLOG_ORIGIN_HANDLE_CREATE (open by name),
//! READ_HEADER and NEXT_BLOCK (see `llog.rs`); a log that does not exist
//! (the `-sptlrpc` and `params` logs a client also asks for) is
//! `-ENOENT`.

use std::time::{SystemTime, UNIX_EPOCH};

use rustre_lnet::wire::layout::Bytes;
use rustre_lnet::wire::lustre::cfg::{
    CfgMarker, LcfgBuf, LmvDesc, LovDesc, LustreCfgSpec, CFG_MARKER_SIZE, CM_END, CM_START,
    LCFG_ADD_MDC, LCFG_ADD_UUID, LCFG_ATTACH, LCFG_LOV_ADD_OBD, LCFG_MARKER, LCFG_MOUNTOPT,
    LCFG_SETUP, LMV_DESC_SIZE, LOV_DESC_MAGIC, LOV_DESC_SIZE,
};
use rustre_lnet::wire::lustre::errno::{ENOENT, EPROTO};
use rustre_lnet::wire::lustre::fid::LuFid;
use rustre_lnet::wire::lustre::llog::OBD_CFG_REC;
use rustre_lnet::wire::lustre::lov::LOV_PATTERN_RAID0;
use rustre_lnet::wire::lustre::mgs::{LlogdBody, LLOGD_BODY_SIZE};
use rustre_lnet::wire::nid::Nid;
use rustre_lnet::wire::ptlrpc::format;
use rustre_ptlrpc::{Reply, Request};

use crate::llog::Llog;
use crate::target::Target;

/// The sequence of log FIDs (`FID_SEQ_LLOG`).
const FID_SEQ_LLOG: u64 = 1;

/// The Lustre version the markers say wrote them: 2.15.0.
const MARKER_VERSION: u32 = 0x020f_0000;

/// The default stripe size of new files.
pub const DEFAULT_STRIPE_SIZE: u64 = 1 << 20;

/// The configuration logs, by name and by id.
pub struct Mgs {
    logs: Vec<(String, Llog)>,
}

/// Copies `s` into a NUL-padded name field.
fn name<const N: usize>(s: &str) -> Bytes<N> {
    let mut b = [0u8; N];
    let n = s.len().min(N - 1);
    b[..n].copy_from_slice(&s.as_bytes()[..n]);
    Bytes(b)
}

/// Builds the records of a log.
struct LogWriter {
    records: Vec<Vec<u8>>,
    step: u32,
    now: u64,
}

impl LogWriter {
    fn record(&mut self, command: u32, nid: u64, bufs: &[LcfgBuf<'_>]) {
        let spec = LustreCfgSpec { command, nid, bufs };
        let mut rec = vec![0u8; spec.size()];
        spec.encode(&mut rec).expect("sized above");
        self.records.push(rec);
    }

    fn marker(&mut self, flags: u32, target: &str, comment: &str) {
        if flags == CM_START {
            self.step += 1;
        }
        let mut m = [0u8; CFG_MARKER_SIZE];
        CfgMarker {
            cm_step: self.step,
            cm_flags: flags,
            cm_vers: MARKER_VERSION,
            cm_createtime: self.now,
            cm_tgtname: name(target),
            cm_comment: name(comment),
            ..CfgMarker::default()
        }
        .encode(&mut m)
        .expect("sized above");
        self.record(LCFG_MARKER, 0, &[LcfgBuf::Bytes(&[]), LcfgBuf::Bytes(&m)]);
    }

    /// A group of records between markers.
    fn group(&mut self, target: &str, comment: &str, body: impl FnOnce(&mut Self)) {
        self.marker(CM_START, target, comment);
        body(self);
        self.marker(CM_END, target, comment);
    }
}

/// The records of `<fsname>-client` for `targets`, all at `nid`.
fn client_log(fsname: &str, nid: Nid, targets: &[Target], now: u64) -> Vec<Vec<u8>> {
    let mut w = LogWriter {
        records: Vec::new(),
        step: 0,
        now,
    };
    let (lov, lmv) = (format!("{fsname}-clilov"), format!("{fsname}-clilmv"));
    let (lov_uuid, lmv_uuid) = (format!("{lov}_UUID"), format!("{lmv}_UUID"));
    let node = nid.to_string();
    w.group(&lov, "lov setup", |w| {
        let mut desc = [0u8; LOV_DESC_SIZE];
        LovDesc {
            ld_active_tgt_count: LOV_DESC_MAGIC,
            ld_default_stripe_count: 1,
            ld_pattern: LOV_PATTERN_RAID0,
            ld_default_stripe_size: DEFAULT_STRIPE_SIZE,
            ld_default_stripe_offset: u64::MAX,
            ld_qos_maxage: 5,
            ld_uuid: name(&lov_uuid),
            ..LovDesc::default()
        }
        .encode(&mut desc)
        .expect("sized above");
        w.record(
            LCFG_ATTACH,
            0,
            &[
                LcfgBuf::Str(&lov),
                LcfgBuf::Str("lov"),
                LcfgBuf::Str(&lov_uuid),
            ],
        );
        w.record(LCFG_SETUP, 0, &[LcfgBuf::Str(&lov), LcfgBuf::Bytes(&desc)]);
    });
    w.group(&lmv, "lmv setup", |w| {
        let mut desc = [0u8; LMV_DESC_SIZE];
        LmvDesc {
            ld_uuid: name(&lmv_uuid),
            ..LmvDesc::default()
        }
        .encode(&mut desc)
        .expect("sized above");
        w.record(
            LCFG_ATTACH,
            0,
            &[
                LcfgBuf::Str(&lmv),
                LcfgBuf::Str("lmv"),
                LcfgBuf::Str(&lmv_uuid),
            ],
        );
        w.record(LCFG_SETUP, 0, &[LcfgBuf::Str(&lmv), LcfgBuf::Bytes(&desc)]);
    });
    for t in targets {
        let (suffix, kind, parent, comment) = match t.kind {
            rustre_ptlrpc::TargetKind::Mdt => ("mdc", "mdc", &lmv_uuid, "add mdc"),
            rustre_ptlrpc::TargetKind::Ost => ("osc", "osc", &lov_uuid, "add osc"),
            rustre_ptlrpc::TargetKind::Mgs => continue,
        };
        let dev = format!("{}-{suffix}", t.name);
        let uuid = t.uuid();
        let index = t.index.to_string();
        w.group(&t.name, comment, |w| {
            w.record(
                LCFG_ADD_UUID,
                nid.as_u64(),
                &[LcfgBuf::Bytes(&[]), LcfgBuf::Str(&node)],
            );
            w.record(
                LCFG_ATTACH,
                0,
                &[LcfgBuf::Str(&dev), LcfgBuf::Str(kind), LcfgBuf::Str(parent)],
            );
            w.record(
                LCFG_SETUP,
                0,
                &[LcfgBuf::Str(&dev), LcfgBuf::Str(&uuid), LcfgBuf::Str(&node)],
            );
            if kind == "mdc" {
                let dev_uuid = format!("{dev}_UUID");
                let bufs = [
                    LcfgBuf::Str(&lmv),
                    LcfgBuf::Str(&uuid),
                    LcfgBuf::Str(&index),
                    LcfgBuf::Str("1"),
                    LcfgBuf::Str(&dev_uuid),
                ];
                w.record(LCFG_ADD_MDC, 0, &bufs);
            } else {
                let bufs = [
                    LcfgBuf::Str(&lov),
                    LcfgBuf::Str(&uuid),
                    LcfgBuf::Str(&index),
                    LcfgBuf::Str("1"),
                ];
                w.record(LCFG_LOV_ADD_OBD, 0, &bufs);
            }
        });
    }
    let profile = format!("{fsname}-client");
    w.group(&profile, "mount opts", |w| {
        let bufs = [
            LcfgBuf::Bytes(&[]),
            LcfgBuf::Str(&profile),
            LcfgBuf::Str(&lov),
            LcfgBuf::Str(&lmv),
        ];
        w.record(LCFG_MOUNTOPT, 0, &bufs);
    });
    w.records
}

/// The `llogd_body` of a request's first buffer.
fn llogd_body(req: &Request) -> Result<LlogdBody, i32> {
    LlogdBody::decode(req.msg.buffer(1).unwrap_or(&[]), req.msg.order()).map_err(|_| EPROTO)
}

fn llogd_buf(body: &LlogdBody) -> Vec<u8> {
    let mut b = vec![0u8; LLOGD_BODY_SIZE];
    body.encode(&mut b).expect("sized above");
    b
}

impl Mgs {
    /// The MGS of file system `fsname` whose `targets` are all at `nid`.
    pub fn new(fsname: &str, nid: Nid, targets: &[Target]) -> Mgs {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let client = Llog::new(OBD_CFG_REC, &client_log(fsname, nid, targets, now), now);
        Mgs {
            logs: vec![(format!("{fsname}-client"), client)],
        }
    }

    /// The log a request names by id (`lgd_logid`: its index from 1).
    fn log(&self, body: &LlogdBody) -> Result<&Llog, i32> {
        let i = usize::try_from(body.lgd_logid_oi.oid).map_err(|_| ENOENT)?;
        match (body.lgd_logid_oi.seq, i.checked_sub(1)) {
            (FID_SEQ_LLOG, Some(i)) => self.logs.get(i).map(|(_, l)| l).ok_or(ENOENT),
            _ => Err(ENOENT),
        }
    }

    /// LLOG_ORIGIN_HANDLE_CREATE: opens a log by name.
    pub fn open(&self, req: &Request) -> Result<Reply, i32> {
        format::LLOG_ORIGIN_HANDLE_CREATE
            .request
            .check(&req.msg.msg())
            .map_err(|_| EPROTO)?;
        let body = llogd_body(req)?;
        let raw = req.msg.buffer(2).unwrap_or(&[]);
        let wanted = raw.split(|c| *c == 0).next().unwrap_or(&[]);
        let i = self
            .logs
            .iter()
            .position(|(n, _)| n.as_bytes() == wanted)
            .ok_or(ENOENT)?;
        let reply = LlogdBody {
            lgd_logid_oi: LuFid {
                seq: FID_SEQ_LLOG,
                oid: i as u32 + 1,
                ver: 0,
            },
            lgd_llh_flags: rustre_lnet::wire::lustre::llog::LLOG_F_IS_PLAIN,
            ..body
        };
        Ok(Reply::ok(vec![llogd_buf(&reply)]))
    }

    /// LLOG_ORIGIN_HANDLE_READ_HEADER.
    pub fn read_header(&self, req: &Request) -> Result<Reply, i32> {
        let log = self.log(&llogd_body(req)?)?;
        Ok(Reply::ok(vec![log.header().to_vec()]))
    }

    /// LLOG_ORIGIN_HANDLE_NEXT_BLOCK; past the end, `-EBADR` with the
    /// request's body, as Lustre answers.
    pub fn next_block(&self, req: &Request) -> Result<Reply, i32> {
        let body = llogd_body(req)?;
        let log = self.log(&body)?;
        Ok(match log.next_block(&body) {
            Ok((reply, chunk)) => Reply::ok(vec![llogd_buf(&reply), chunk.to_vec()]),
            Err(errno) => Reply {
                status: -errno,
                ..Reply::ok(vec![llogd_buf(&body)])
            },
        })
    }
}
