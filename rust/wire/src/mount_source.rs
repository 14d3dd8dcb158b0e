//! The device string of a Lustre client mount, as given to `mount -t lustre`:
//!
//! ```text
//! <mgsnode>[:<mgsnode>...]:/<fsname>[/<subdir>]
//! <mgsnode> = <nid>[,<nid>...]
//! ```
//!
//! Each `mgsnode` is one MGS server (the ones after the first are failover
//! partners), reachable at any of its comma-separated NIDs. For example
//! `10.0.0.1@tcp,10.1.0.1@o2ib:10.0.0.2@tcp:/scratch`.

use core::fmt;

use super::nid::{Nid, NidError};

/// The most NIDs a mount source may name, over all MGS nodes.
pub const MAX_MGS_NIDS: usize = 16;

/// The longest file system name Lustre allows (`LUSTRE_MAXFSNAME`).
pub const MAX_FSNAME: usize = 8;

/// A parsed mount source. Parsing checks everything, so the accessors cannot
/// fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MountSource<'a> {
    nids: [(u8, Nid); MAX_MGS_NIDS],
    count: usize,
    fsname: &'a str,
    subdir: Option<&'a str>,
}

/// Why a mount source is not valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MountSourceError {
    /// No `:/` separates the MGS NIDs from the file system name.
    MissingFsname,
    /// No NID before `:/`, or an empty one between separators.
    MissingNid,
    /// More than [`MAX_MGS_NIDS`] NIDs.
    TooManyNids,
    /// One of the NIDs is not valid.
    BadNid(NidError),
    /// The file system name is empty, longer than [`MAX_FSNAME`], or has
    /// characters other than letters, digits, `_` and `-`.
    BadFsname,
}

impl fmt::Display for MountSourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MountSourceError::MissingFsname => f.write_str("missing ':/<fsname>'"),
            MountSourceError::MissingNid => f.write_str("missing MGS NID"),
            MountSourceError::TooManyNids => {
                write!(f, "more than {MAX_MGS_NIDS} MGS NIDs")
            }
            MountSourceError::BadNid(e) => write!(f, "bad MGS NID: {e}"),
            MountSourceError::BadFsname => write!(
                f,
                "bad file system name (1 to {MAX_FSNAME} letters, digits, '_' or '-')"
            ),
        }
    }
}

impl<'a> MountSource<'a> {
    /// Parses a mount source.
    ///
    /// # Errors
    /// A [`MountSourceError`] that says what is wrong.
    pub fn parse(s: &'a str) -> Result<Self, MountSourceError> {
        let (mgs, path) = s.split_once(":/").ok_or(MountSourceError::MissingFsname)?;
        let (fsname, subdir) = match path.split_once('/') {
            Some((name, sub)) => (name, (!sub.is_empty()).then_some(sub)),
            None => (path, None),
        };
        let fsname_ok = !fsname.is_empty()
            && fsname.len() <= MAX_FSNAME
            && fsname
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !fsname_ok {
            return Err(MountSourceError::BadFsname);
        }

        let mut source = MountSource {
            nids: [(0, Nid::LO); MAX_MGS_NIDS],
            count: 0,
            fsname,
            subdir,
        };
        for (node, nids) in mgs.split(':').enumerate() {
            for nid in nids.split(',') {
                if nid.is_empty() {
                    return Err(MountSourceError::MissingNid);
                }
                let nid = nid.parse().map_err(MountSourceError::BadNid)?;
                let slot = source
                    .nids
                    .get_mut(source.count)
                    .ok_or(MountSourceError::TooManyNids)?;
                // At most MAX_MGS_NIDS nodes can have a NID, so this fits.
                *slot = (node as u8, nid);
                source.count += 1;
            }
        }
        Ok(source)
    }

    /// The file system name.
    pub fn fsname(&self) -> &'a str {
        self.fsname
    }

    /// The subdirectory of the file system to mount, if any (without the
    /// leading `/`).
    pub fn subdir(&self) -> Option<&'a str> {
        self.subdir
    }

    /// The MGS NIDs, each with the index of its MGS node (0 for the primary).
    pub fn mgs_nids(&self) -> impl Iterator<Item = (usize, Nid)> + '_ {
        self.nids[..self.count]
            .iter()
            .map(|&(node, nid)| (usize::from(node), nid))
    }

    /// The number of MGS nodes.
    pub fn mgs_nodes(&self) -> usize {
        self.nids[..self.count]
            .last()
            .map_or(0, |&(node, _)| usize::from(node) + 1)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    fn nids(s: &MountSource<'_>) -> Vec<(usize, u64)> {
        s.mgs_nids().map(|(n, nid)| (n, nid.as_u64())).collect()
    }

    #[test]
    fn parses_sources() {
        let s = MountSource::parse("10.0.0.1@tcp:/scratch").unwrap();
        assert_eq!(s.fsname(), "scratch");
        assert_eq!(s.subdir(), None);
        assert_eq!(s.mgs_nodes(), 1);
        assert_eq!(nids(&s), [(0, 0x0002_0000_0a00_0001)]);

        let s = MountSource::parse("10.0.0.1@tcp,10.1.0.1@o2ib:10.0.0.2@tcp1:/lus-1/a/b").unwrap();
        assert_eq!(s.fsname(), "lus-1");
        assert_eq!(s.subdir(), Some("a/b"));
        assert_eq!(s.mgs_nodes(), 2);
        assert_eq!(
            nids(&s),
            [
                (0, 0x0002_0000_0a00_0001),
                (0, 0x0005_0000_0a01_0001),
                (1, 0x0002_0001_0a00_0002)
            ]
        );
        assert_eq!(MountSource::parse("0@lo:/fs/").unwrap().subdir(), None);
    }

    #[test]
    fn rejects_bad_sources() {
        use MountSourceError::*;
        let many = "0@lo,".repeat(MAX_MGS_NIDS) + "0@lo:/fs";
        for (input, err) in [
            ("", MissingFsname),
            ("/dev/sda", MissingFsname),
            ("10.0.0.1@tcp:scratch", MissingFsname),
            ("10.0.0.1@tcp:/", BadFsname),
            ("10.0.0.1@tcp:/toolongname", BadFsname),
            ("10.0.0.1@tcp:/a.b", BadFsname),
            (":/scratch", MissingNid),
            ("10.0.0.1@tcp,:/scratch", MissingNid),
            ("10.0.0.1@tcp::/scratch", MissingNid),
            ("10.0.0.1:/scratch", BadNid(NidError::MissingAt)),
            ("bogus@tcp:/scratch", BadNid(NidError::BadAddress)),
            (many.as_str(), TooManyNids),
        ] {
            assert_eq!(MountSource::parse(input), Err(err), "{input}");
        }
    }
}
