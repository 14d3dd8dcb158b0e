//! The targets one server serves: the MGS, one MDT and `osts` OSTs of one
//! file system, named as Lustre names them (`scratch-MDT0000`,
//! `scratch-OST0001`), each with its UUID (the name with `_UUID`; the
//! MGS's is `MGS`) and the connect flags it grants.

use rustre_lnet::wire::lustre::connect_flags::{
    OBD_CONNECT_AT, OBD_CONNECT_ATTRFID, OBD_CONNECT_FID, OBD_CONNECT_FULL20, OBD_CONNECT_VERSION,
};
use rustre_ptlrpc::TargetKind;

/// One target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// What it is.
    pub kind: TargetKind,
    /// Its name.
    pub name: String,
    /// Its index among the targets of its kind.
    pub index: u32,
}

impl Target {
    /// Its UUID, which clients name it by when they connect.
    pub fn uuid(&self) -> String {
        match self.kind {
            TargetKind::Mgs => "MGS".to_owned(),
            _ => format!("{}_UUID", self.name),
        }
    }

    /// The connect flags it grants (those asked for among these): only
    /// what the server implements. Every target speaks the 2.0 protocol
    /// with version checks and adaptive timeouts (replies at offset 224);
    /// the MDT names files by FID and serves getattr by FID, which clients
    /// require of it.
    pub fn connect_flags(&self) -> u64 {
        let common = OBD_CONNECT_VERSION | OBD_CONNECT_AT | OBD_CONNECT_FULL20;
        match self.kind {
            TargetKind::Mgs | TargetKind::Ost => common,
            TargetKind::Mdt => common | OBD_CONNECT_FID | OBD_CONNECT_ATTRFID,
        }
    }
}

/// The targets of file system `fsname` with `osts` OSTs.
pub fn targets(fsname: &str, osts: u32) -> Vec<Target> {
    let mut t = vec![
        Target {
            kind: TargetKind::Mgs,
            name: "MGS".to_owned(),
            index: 0,
        },
        Target {
            kind: TargetKind::Mdt,
            name: format!("{fsname}-MDT0000"),
            index: 0,
        },
    ];
    t.extend((0..osts).map(|i| Target {
        kind: TargetKind::Ost,
        name: format!("{fsname}-OST{i:04x}"),
        index: i,
    }));
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_targets_as_lustre_does() {
        let t = targets("scratch", 11);
        assert_eq!(t.len(), 13);
        assert_eq!(t[0].uuid(), "MGS");
        assert_eq!(t[1].uuid(), "scratch-MDT0000_UUID");
        assert_eq!(t[12].name, "scratch-OST000a");
    }
}
