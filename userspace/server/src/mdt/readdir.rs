//! Directory pages for MDS_READPAGE: the entries of a directory (`.` and
//! `..` first) in the order of a 64-bit hash of their names, from the hash
//! the client asks for, in 4096-byte `lu_dirpage` units. Each page says
//! which hash to ask for next (`ldp_hash_end`), the last one
//! `MDS_DIR_END_OFF`.

use rustre_lnet::wire::lustre::dir::{
    DirEntry, DirPageWriter, LDF_COLLIDE, LU_PAGE_SIZE, MDS_DIR_END_OFF,
};
use rustre_lnet::wire::lustre::fid::LuFid;

use super::namespace::{Namespace, S_IFDIR, S_IFMT};

/// The hash of `name`: 1 for `.`, 2 for `..`, else 64-bit FNV-1a folded
/// into 3 .. 2^63, below `MDS_DIR_END_OFF`.
pub fn name_hash(name: &[u8]) -> u64 {
    match name {
        b"." => 1,
        b".." => 2,
        _ => {
            let h = name.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
            });
            (h >> 1).max(3)
        }
    }
}

/// One entry, ready for a page.
struct Entry {
    hash: u64,
    name: Vec<u8>,
    fid: LuFid,
    file_type: u16,
}

/// The pages of directory `dir` from hash `start`, at most `bytes` of them
/// (at least one page).
///
/// # Errors
/// `ENOENT`, `ENOTDIR`.
pub fn pages(ns: &Namespace, dir: &LuFid, start: u64, bytes: usize) -> Result<Vec<u8>, i32> {
    let this = ns.get(dir)?;
    let mut entries = vec![
        Entry {
            hash: 1,
            name: b".".to_vec(),
            fid: *dir,
            file_type: S_IFDIR as u16,
        },
        Entry {
            hash: 2,
            name: b"..".to_vec(),
            fid: this.parent,
            file_type: S_IFDIR as u16,
        },
    ];
    for (name, fid) in ns.list(dir)? {
        let mode = ns.get(fid).map_or(0, |i| i.mode);
        entries.push(Entry {
            hash: name_hash(name),
            name: name.to_vec(),
            fid: *fid,
            file_type: (mode & S_IFMT) as u16,
        });
    }
    entries.sort_by(|a, b| (a.hash, &a.name).cmp(&(b.hash, &b.name)));
    let mut rest = entries.iter().filter(|e| e.hash >= start).peekable();
    let count = (bytes / LU_PAGE_SIZE).max(1);
    let mut out = Vec::with_capacity(count * LU_PAGE_SIZE);
    for _ in 0..count {
        let at = out.len();
        out.resize(at + LU_PAGE_SIZE, 0);
        let first = rest.peek().map_or(start, |e| e.hash);
        let mut w = DirPageWriter::new(&mut out[at..], first).expect("a whole page");
        let mut last = None;
        while let Some(e) = rest.peek() {
            let entry = DirEntry {
                fid: e.fid,
                hash: e.hash,
                name: &e.name,
                file_type: Some(e.file_type),
            };
            if !w.push(&entry).expect("a name of at most NAME_MAX") {
                break;
            }
            last = Some(e.hash);
            rest.next();
        }
        let (end, flags) = match rest.peek() {
            Some(next) if Some(next.hash) == last => (next.hash, LDF_COLLIDE),
            Some(next) => (next.hash, 0),
            None => (MDS_DIR_END_OFF, 0),
        };
        w.finish(end, flags).expect("a whole page");
        if rest.peek().is_none() {
            break;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mdt::namespace::{NewInode, S_IFREG};
    use rustre_lnet::wire::lustre::dir::DirPage;

    #[test]
    fn pages_list_every_entry_once_in_hash_order() {
        let mut ns = Namespace::new(LuFid::ROOT, 1);
        for i in 0..300u32 {
            let new = NewInode {
                fid: LuFid {
                    seq: 0x2_0000_0400,
                    oid: i + 1,
                    ver: 0,
                },
                mode: S_IFREG | 0o644,
                owner: (0, 0),
                time: 1,
                rdev: 0,
                target: b"",
            };
            ns.create(&LuFid::ROOT, format!("file-{i:03}").as_bytes(), &new)
                .unwrap();
        }
        // Two pages at a time, until the end.
        let mut seen = Vec::new();
        let mut hash = 0;
        let mut calls = 0;
        while hash != MDS_DIR_END_OFF {
            calls += 1;
            let buf = pages(&ns, &LuFid::ROOT, hash, 2 * LU_PAGE_SIZE).unwrap();
            for page in buf.chunks(LU_PAGE_SIZE) {
                let p = DirPage::decode(page).unwrap();
                for e in p.entries() {
                    let e = e.unwrap();
                    assert!(e.hash >= hash);
                    seen.push((e.hash, e.name.to_vec()));
                }
                hash = p.header.ldp_hash_end;
            }
        }
        assert!(calls >= 2, "continued from a page's end hash");
        assert_eq!(seen.len(), 302);
        assert_eq!(seen[0].1, b".");
        assert_eq!(seen[1].1, b"..");
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "in order, once");
    }
}
