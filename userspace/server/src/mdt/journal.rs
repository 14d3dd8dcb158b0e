//! The MDT's journal (with `--data DIR`): every change to the namespace, one
//! JSON line each in `DIR/mdt.journal`, written and synced before the
//! reply that reports it committed. At start the journal is replayed
//! through the same namespace operations, so a restarted server has the
//! namespace it had. A last line cut short by a crash is dropped.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use rustre_lnet::wire::lustre::fid::LuFid;
use serde::{Deserialize, Serialize};

/// A FID in the journal: sequence, object id, version.
pub type JFid = (u64, u32, u32);

/// `fid` as the journal writes it.
pub fn jfid(fid: &LuFid) -> JFid {
    (fid.seq, fid.oid, fid.ver)
}

/// A FID the journal wrote.
pub fn fid(j: JFid) -> LuFid {
    LuFid {
        seq: j.0,
        oid: j.1,
        ver: j.2,
    }
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// A name and a new inode in a directory.
    Create {
        dir: JFid,
        name: Vec<u8>,
        fid: JFid,
        mode: u32,
        owner: (u32, u32),
        time: u64,
        rdev: u32,
        target: Vec<u8>,
    },
    /// A name removed.
    Unlink {
        dir: JFid,
        name: Vec<u8>,
        want_dir: bool,
        time: u64,
    },
    /// A name moved.
    Rename {
        src: JFid,
        name: Vec<u8>,
        dst: JFid,
        new_name: Vec<u8>,
        time: u64,
    },
    /// A name added for an inode.
    Link {
        fid: JFid,
        dir: JFid,
        name: Vec<u8>,
        time: u64,
    },
    /// An inode's attributes, extended attributes and layout, as they now
    /// are.
    Update {
        fid: JFid,
        mode: u32,
        owner: (u32, u32),
        size: u64,
        times: [u64; 3],
        xattrs: Vec<(Vec<u8>, Vec<u8>)>,
        layout: Option<Vec<u8>>,
    },
    /// The next sequence to grant.
    Seq { next: u64 },
}

/// The journal file, open for appending.
pub struct Journal {
    file: File,
}

impl Journal {
    /// Opens (creating) `DIR/mdt.journal` and reads what it holds.
    ///
    /// # Errors
    /// I/O errors; a line that does not parse and is not the last.
    pub fn open(dir: &Path) -> std::io::Result<(Journal, Vec<Op>)> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join("mdt.journal");
        let mut ops = Vec::new();
        let mut good = 0u64;
        if let Ok(f) = File::open(&path) {
            let mut reader = BufReader::new(f);
            let mut line = String::new();
            while reader.read_line(&mut line)? > 0 {
                match serde_json::from_str::<Op>(&line) {
                    Ok(op) if line.ends_with('\n') => {
                        ops.push(op);
                        good += line.len() as u64;
                    }
                    // Cut short by a crash: the change was never reported.
                    _ if !line.ends_with('\n') => break,
                    Err(e) => {
                        return Err(std::io::Error::other(format!(
                            "{}: entry {}: {e}",
                            path.display(),
                            ops.len() + 1
                        )))
                    }
                    Ok(_) => unreachable!("the arms above cover both line endings"),
                }
                line.clear();
            }
        }
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        file.set_len(good)?;
        Ok((Journal { file }, ops))
    }

    /// Appends `op` and syncs it to disk.
    ///
    /// # Errors
    /// I/O errors.
    pub fn append(&mut self, op: &Op) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(op).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.sync_data()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_was_written_and_drops_a_torn_end() {
        let dir = std::env::temp_dir().join(format!("rustre-journal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let op = Op::Seq { next: 7 };
        {
            let (mut j, ops) = Journal::open(&dir).unwrap();
            assert!(ops.is_empty());
            j.append(&op).unwrap();
            j.file.write_all(br#"{"Seq":{"ne"#).unwrap();
        }
        let (mut j, ops) = Journal::open(&dir).unwrap();
        assert_eq!(ops, std::slice::from_ref(&op));
        j.append(&op).unwrap();
        drop(j);
        assert_eq!(Journal::open(&dir).unwrap().1.len(), 2);
        std::fs::write(dir.join("mdt.journal"), "nonsense\n").unwrap();
        assert!(Journal::open(&dir).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
