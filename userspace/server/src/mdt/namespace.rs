//! The MDT's namespace: inodes by FID, directories of names, with the
//! rules of a POSIX file system (what may be created where, removed,
//! renamed over what). Errors are errnos, as the wire carries them.
//!
//! Clients choose the FIDs of the objects they create (from sequences the
//! MDT grants them); the namespace refuses a FID that is taken.

use std::collections::{BTreeMap, HashMap};

use std::path::Path;

use rustre_lnet::wire::lustre::errno::{
    EEXIST, EINVAL, EIO, EISDIR, ENAMETOOLONG, ENOENT, ENOTDIR, ENOTEMPTY, EPERM,
};
use rustre_lnet::wire::lustre::fid::LuFid;

use super::journal::{fid, jfid, Journal, Op};

/// `S_IFMT`: the file type bits of a mode.
pub const S_IFMT: u32 = 0o170_000;
/// `S_IFDIR`.
pub const S_IFDIR: u32 = 0o040_000;
/// `S_IFREG`.
pub const S_IFREG: u32 = 0o100_000;
/// `S_IFLNK`.
pub const S_IFLNK: u32 = 0o120_000;

/// The first sequence granted to clients (`FID_SEQ_NORMAL`).
const FIRST_SEQ: u64 = 0x2_0000_0400;

/// The longest name (`NAME_MAX`).
pub const NAME_MAX: usize = 255;

/// What an inode is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A directory: names to FIDs.
    Dir(BTreeMap<Vec<u8>, LuFid>),
    /// A regular file, with its layout once it has OST objects.
    File(Option<Vec<u8>>),
    /// A symbolic link and its target.
    Symlink(Vec<u8>),
    /// A device, FIFO or socket.
    Special,
}

/// One file, directory, link or special file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inode {
    /// Its FID.
    pub fid: LuFid,
    /// Type and permission bits.
    pub mode: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Links to it (a directory counts its `.` and its subdirectories').
    pub nlink: u32,
    /// Size, for what has one on the MDT (directories, links).
    pub size: u64,
    /// Access, modification, change times (seconds).
    pub times: [u64; 3],
    /// Device number of a special file.
    pub rdev: u32,
    /// What it is.
    pub kind: Kind,
    /// Extended attributes.
    pub xattrs: BTreeMap<Vec<u8>, Vec<u8>>,
    /// The directory it was created in or last renamed to (for a
    /// directory, its `..`).
    pub parent: LuFid,
}

impl Inode {
    /// Whether it is a directory.
    pub fn is_dir(&self) -> bool {
        matches!(self.kind, Kind::Dir(_))
    }
}

/// Attributes given to a new inode.
#[derive(Clone, Copy, Debug)]
pub struct NewInode<'a> {
    /// Its FID.
    pub fid: LuFid,
    /// Type and permission bits.
    pub mode: u32,
    /// Owner and group.
    pub owner: (u32, u32),
    /// The time of creation.
    pub time: u64,
    /// Device number.
    pub rdev: u32,
    /// A symbolic link's target.
    pub target: &'a [u8],
}

/// The namespace.
pub struct Namespace {
    inodes: HashMap<LuFid, Inode>,
    root: LuFid,
    /// The next sequence to grant a client.
    next_seq: u64,
    /// Where changes are written (with `--data`).
    journal: Option<Journal>,
}

fn check_name(name: &[u8]) -> Result<(), i32> {
    if name.is_empty() || name == b"." || name == b".." || name.contains(&b'/') {
        return Err(EINVAL);
    }
    if name.len() > NAME_MAX {
        return Err(ENAMETOOLONG);
    }
    Ok(())
}

impl Namespace {
    /// A namespace with only the root directory, `root`, made at `time`.
    pub fn new(root: LuFid, time: u64) -> Self {
        let mut inodes = HashMap::new();
        inodes.insert(
            root,
            Inode {
                fid: root,
                mode: S_IFDIR | 0o755,
                uid: 0,
                gid: 0,
                nlink: 2,
                size: 4096,
                times: [time; 3],
                rdev: 0,
                kind: Kind::Dir(BTreeMap::new()),
                xattrs: BTreeMap::new(),
                parent: root,
            },
        );
        Namespace {
            inodes,
            root,
            next_seq: FIRST_SEQ,
            journal: None,
        }
    }

    /// The namespace kept in directory `dir`: the root made at `time`, then
    /// every change the journal there holds.
    ///
    /// # Errors
    /// The journal's I/O errors; a change that no longer applies (the
    /// journal does not belong to this namespace).
    pub fn open(root: LuFid, time: u64, dir: &Path) -> std::io::Result<Self> {
        let (journal, ops) = Journal::open(dir)?;
        let mut ns = Namespace::new(root, time);
        for (i, op) in ops.iter().enumerate() {
            ns.apply(op).map_err(|errno| {
                std::io::Error::other(format!("journal entry {}: error {errno}", i + 1))
            })?;
        }
        ns.journal = Some(journal);
        Ok(ns)
    }

    /// Does `op`; returns the inode a removal freed.
    fn apply(&mut self, op: &Op) -> Result<Option<Inode>, i32> {
        match op {
            Op::Create {
                dir,
                name,
                fid: new,
                mode,
                owner,
                time,
                rdev,
                target,
            } => {
                let new = NewInode {
                    fid: fid(*new),
                    mode: *mode,
                    owner: *owner,
                    time: *time,
                    rdev: *rdev,
                    target,
                };
                self.do_create(&fid(*dir), name, &new).map(|_| None)
            }
            Op::Unlink {
                dir,
                name,
                want_dir,
                time,
            } => self.do_unlink(&fid(*dir), name, *want_dir, *time),
            Op::Rename {
                src,
                name,
                dst,
                new_name,
                time,
            } => self.do_rename((&fid(*src), name), (&fid(*dst), new_name), *time),
            Op::Link {
                fid: f,
                dir,
                name,
                time,
            } => self
                .do_link(&fid(*f), &fid(*dir), name, *time)
                .map(|()| None),
            Op::Update {
                fid: f,
                mode,
                owner,
                size,
                times,
                xattrs,
                layout,
            } => {
                let inode = self.get_mut(&fid(*f))?;
                inode.mode = *mode;
                (inode.uid, inode.gid) = *owner;
                inode.size = *size;
                inode.times = *times;
                inode.xattrs = xattrs.iter().cloned().collect();
                if let Kind::File(l) = &mut inode.kind {
                    l.clone_from(layout);
                }
                Ok(None)
            }
            Op::Seq { next } => {
                self.next_seq = *next;
                Ok(None)
            }
        }
    }

    /// Does `op` and writes it to the journal.
    ///
    /// # Errors
    /// What `op` fails with; `EIO` when it cannot be written.
    fn change(&mut self, op: Op) -> Result<Option<Inode>, i32> {
        let removed = self.apply(&op)?;
        if let Some(j) = &mut self.journal {
            j.append(&op).map_err(|e| {
                eprintln!("mdt: cannot write the journal: {e}");
                EIO
            })?;
        }
        Ok(removed)
    }

    /// Creates `new` as `name` in `dir`: a directory, regular file,
    /// symbolic link or special file, by its mode.
    ///
    /// # Errors
    /// `EEXIST` (the name, or the FID), `ENOENT`, `ENOTDIR`, `EINVAL`,
    /// `ENAMETOOLONG`, `EIO`.
    pub fn create(&mut self, dir: &LuFid, name: &[u8], new: &NewInode<'_>) -> Result<&Inode, i32> {
        self.change(Op::Create {
            dir: jfid(dir),
            name: name.to_vec(),
            fid: jfid(&new.fid),
            mode: new.mode,
            owner: new.owner,
            time: new.time,
            rdev: new.rdev,
            target: new.target.to_vec(),
        })?;
        self.get(&new.fid)
    }

    /// Removes `name` from `dir`: a directory (which must be empty) when
    /// `want_dir`, anything else otherwise. Returns the inode when its last
    /// link went (its OST objects are to be destroyed).
    ///
    /// # Errors
    /// `ENOENT`, `ENOTDIR`, `EISDIR`, `ENOTEMPTY`, `EINVAL`, `EIO`.
    pub fn unlink(
        &mut self,
        dir: &LuFid,
        name: &[u8],
        want_dir: bool,
        time: u64,
    ) -> Result<Option<Inode>, i32> {
        self.change(Op::Unlink {
            dir: jfid(dir),
            name: name.to_vec(),
            want_dir,
            time,
        })
    }

    /// Renames `name` in `src` to `new_name` in `dst`, replacing what
    /// `new_name` named if that may be replaced (a file by a file, an
    /// empty directory by a directory). Returns a replaced inode whose
    /// last link went.
    ///
    /// # Errors
    /// `ENOENT`, `ENOTDIR`, `EISDIR`, `ENOTEMPTY`, `EINVAL` (a directory
    /// into itself), `EIO`.
    pub fn rename(
        &mut self,
        (src, name): (&LuFid, &[u8]),
        (dst, new_name): (&LuFid, &[u8]),
        time: u64,
    ) -> Result<Option<Inode>, i32> {
        self.change(Op::Rename {
            src: jfid(src),
            name: name.to_vec(),
            dst: jfid(dst),
            new_name: new_name.to_vec(),
            time,
        })
    }

    /// Links `fid` as `name` in `dir`.
    ///
    /// # Errors
    /// `EEXIST`, `ENOENT`, `ENOTDIR`, `EPERM` (a directory), `EINVAL`,
    /// `EIO`.
    pub fn link(&mut self, fid: &LuFid, dir: &LuFid, name: &[u8], time: u64) -> Result<(), i32> {
        self.change(Op::Link {
            fid: jfid(fid),
            dir: jfid(dir),
            name: name.to_vec(),
            time,
        })
        .map(drop)
    }

    /// Changes inode `fid` as `f` does (its attributes, extended
    /// attributes, layout; not its directory entries).
    ///
    /// # Errors
    /// `ENOENT`, what `f` returns, `EIO`.
    pub fn update(
        &mut self,
        fid: &LuFid,
        f: impl FnOnce(&mut Inode) -> Result<(), i32>,
    ) -> Result<&Inode, i32> {
        let mut inode = self.get(fid)?.clone();
        f(&mut inode)?;
        self.change(Op::Update {
            fid: jfid(fid),
            mode: inode.mode,
            owner: (inode.uid, inode.gid),
            size: inode.size,
            times: inode.times,
            xattrs: inode.xattrs.into_iter().collect(),
            layout: match inode.kind {
                Kind::File(l) => l,
                _ => None,
            },
        })?;
        self.get(fid)
    }

    /// Grants a client the next sequence of FIDs.
    ///
    /// # Errors
    /// `EIO`.
    pub fn grant_seq(&mut self) -> Result<u64, i32> {
        let seq = self.next_seq;
        self.change(Op::Seq { next: seq + 1 })?;
        Ok(seq)
    }

    /// How many inodes there are.
    pub fn count(&self) -> usize {
        self.inodes.len()
    }

    /// The inode `fid`.
    ///
    /// # Errors
    /// `ENOENT`.
    pub fn get(&self, fid: &LuFid) -> Result<&Inode, i32> {
        self.inodes.get(fid).ok_or(ENOENT)
    }

    /// The inode `fid`, to change.
    fn get_mut(&mut self, fid: &LuFid) -> Result<&mut Inode, i32> {
        self.inodes.get_mut(fid).ok_or(ENOENT)
    }

    fn entries(&self, dir: &LuFid) -> Result<&BTreeMap<Vec<u8>, LuFid>, i32> {
        match &self.get(dir)?.kind {
            Kind::Dir(e) => Ok(e),
            _ => Err(ENOTDIR),
        }
    }

    fn entries_mut(&mut self, dir: &LuFid) -> Result<&mut BTreeMap<Vec<u8>, LuFid>, i32> {
        match &mut self.get_mut(dir)?.kind {
            Kind::Dir(e) => Ok(e),
            _ => Err(ENOTDIR),
        }
    }

    /// The entries of directory `dir`, by name.
    ///
    /// # Errors
    /// `ENOENT`, `ENOTDIR`.
    pub fn list(&self, dir: &LuFid) -> Result<impl Iterator<Item = (&[u8], &LuFid)>, i32> {
        Ok(self.entries(dir)?.iter().map(|(n, f)| (n.as_slice(), f)))
    }

    /// The FID that `name` names in `dir`.
    ///
    /// # Errors
    /// `ENOENT`, `ENOTDIR`.
    pub fn lookup(&self, dir: &LuFid, name: &[u8]) -> Result<LuFid, i32> {
        self.entries(dir)?.get(name).copied().ok_or(ENOENT)
    }

    /// The work of [`Self::create`], not journaled (replay does it too).
    fn do_create(&mut self, dir: &LuFid, name: &[u8], new: &NewInode<'_>) -> Result<&Inode, i32> {
        check_name(name)?;
        if self.entries(dir)?.contains_key(name) || self.inodes.contains_key(&new.fid) {
            return Err(EEXIST);
        }
        let (kind, nlink, size) = match new.mode & S_IFMT {
            S_IFDIR => (Kind::Dir(BTreeMap::new()), 2, 4096),
            S_IFREG => (Kind::File(None), 1, 0),
            S_IFLNK => (
                Kind::Symlink(new.target.to_vec()),
                1,
                new.target.len() as u64,
            ),
            _ => (Kind::Special, 1, 0),
        };
        let is_dir = matches!(kind, Kind::Dir(_));
        self.entries_mut(dir)?.insert(name.to_vec(), new.fid);
        let parent = self.get_mut(dir)?;
        parent.times[1] = new.time;
        parent.times[2] = new.time;
        if is_dir {
            parent.nlink += 1;
        }
        let inode = Inode {
            fid: new.fid,
            mode: new.mode,
            uid: new.owner.0,
            gid: new.owner.1,
            nlink,
            size,
            times: [new.time; 3],
            rdev: new.rdev,
            kind,
            xattrs: BTreeMap::new(),
            parent: *dir,
        };
        Ok(self.inodes.entry(new.fid).or_insert(inode))
    }

    /// The work of [`Self::unlink`], not journaled (replay does it too).
    fn do_unlink(
        &mut self,
        dir: &LuFid,
        name: &[u8],
        want_dir: bool,
        time: u64,
    ) -> Result<Option<Inode>, i32> {
        check_name(name)?;
        let fid = self.lookup(dir, name)?;
        let child = self.get(&fid)?;
        match (&child.kind, want_dir) {
            (Kind::Dir(e), true) if !e.is_empty() => return Err(ENOTEMPTY),
            (Kind::Dir(_), true) => {}
            (Kind::Dir(_), false) => return Err(EISDIR),
            (_, true) => return Err(ENOTDIR),
            (_, false) => {}
        }
        self.entries_mut(dir)?.remove(name);
        let parent = self.get_mut(dir)?;
        parent.times[1] = time;
        parent.times[2] = time;
        if want_dir {
            parent.nlink -= 1;
            return Ok(self.inodes.remove(&fid));
        }
        let child = self.get_mut(&fid)?;
        child.nlink = child.nlink.saturating_sub(1);
        child.times[2] = time;
        if child.nlink == 0 {
            return Ok(self.inodes.remove(&fid));
        }
        Ok(None)
    }

    /// Whether directory `dir` is `ancestor` or below it.
    fn is_within(&self, mut dir: LuFid, ancestor: &LuFid) -> bool {
        loop {
            if dir == *ancestor {
                return true;
            }
            match self.inodes.get(&dir) {
                Some(i) if dir != self.root => dir = i.parent,
                _ => return false,
            }
        }
    }

    /// The work of [`Self::rename`], not journaled (replay does it too).
    fn do_rename(
        &mut self,
        (src, name): (&LuFid, &[u8]),
        (dst, new_name): (&LuFid, &[u8]),
        time: u64,
    ) -> Result<Option<Inode>, i32> {
        check_name(name)?;
        check_name(new_name)?;
        let fid = self.lookup(src, name)?;
        self.entries(dst)?;
        let is_dir = self.get(&fid)?.is_dir();
        if is_dir && self.is_within(*dst, &fid) {
            return Err(EINVAL);
        }
        let mut replaced = None;
        if let Ok(old) = self.lookup(dst, new_name) {
            if old == fid {
                return Ok(None);
            }
            // A file cannot replace a directory, nor the reverse; unlink()
            // refuses a directory that is not empty.
            let old_is_dir = self.get(&old)?.is_dir();
            if old_is_dir != is_dir {
                return Err(if is_dir { ENOTDIR } else { EISDIR });
            }
            replaced = self.do_unlink(dst, new_name, old_is_dir, time)?;
        }
        self.entries_mut(src)?.remove(name);
        self.entries_mut(dst)?.insert(new_name.to_vec(), fid);
        if is_dir && src != dst {
            self.get_mut(src)?.nlink -= 1;
            self.get_mut(dst)?.nlink += 1;
        }
        for d in [src, dst] {
            let d = self.get_mut(d)?;
            d.times[1] = time;
            d.times[2] = time;
        }
        let moved = self.get_mut(&fid)?;
        moved.times[2] = time;
        moved.parent = *dst;
        Ok(replaced)
    }

    /// The work of [`Self::link`], not journaled (replay does it too).
    fn do_link(&mut self, fid: &LuFid, dir: &LuFid, name: &[u8], time: u64) -> Result<(), i32> {
        check_name(name)?;
        if self.get(fid)?.is_dir() {
            return Err(EPERM);
        }
        if self.entries(dir)?.contains_key(name) {
            return Err(EEXIST);
        }
        self.entries_mut(dir)?.insert(name.to_vec(), *fid);
        let inode = self.get_mut(fid)?;
        inode.nlink += 1;
        inode.times[2] = time;
        let d = self.get_mut(dir)?;
        d.times[1] = time;
        d.times[2] = time;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: LuFid = LuFid::ROOT;

    fn fid(oid: u32) -> LuFid {
        LuFid {
            seq: 0x2_0000_0400,
            oid,
            ver: 0,
        }
    }

    fn new(oid: u32, mode: u32) -> NewInode<'static> {
        NewInode {
            fid: fid(oid),
            mode,
            owner: (1000, 1000),
            time: 5,
            rdev: 0,
            target: b"",
        }
    }

    #[test]
    fn creates_looks_up_and_removes() {
        let mut ns = Namespace::new(ROOT, 1);
        ns.create(&ROOT, b"d", &new(1, S_IFDIR | 0o755)).unwrap();
        ns.create(&fid(1), b"f", &new(2, S_IFREG | 0o644)).unwrap();
        assert_eq!(ns.get(&ROOT).unwrap().nlink, 3);
        assert_eq!(ns.lookup(&fid(1), b"f"), Ok(fid(2)));
        assert_eq!(
            ns.create(&fid(1), b"f", &new(3, S_IFREG)).unwrap_err(),
            EEXIST
        );
        assert_eq!(
            ns.create(&fid(2), b"x", &new(3, S_IFREG)).unwrap_err(),
            ENOTDIR
        );
        assert_eq!(
            ns.create(&ROOT, b"..", &new(3, S_IFREG)).unwrap_err(),
            EINVAL
        );
        assert_eq!(
            ns.create(&ROOT, &[b'a'; 256], &new(3, S_IFREG))
                .unwrap_err(),
            ENAMETOOLONG
        );
        assert_eq!(ns.unlink(&ROOT, b"d", true, 6).unwrap_err(), ENOTEMPTY);
        assert_eq!(ns.unlink(&fid(1), b"f", true, 6).unwrap_err(), ENOTDIR);
        assert_eq!(ns.unlink(&ROOT, b"d", false, 6).unwrap_err(), EISDIR);
        assert!(ns.unlink(&fid(1), b"f", false, 6).unwrap().is_some());
        assert!(ns.unlink(&ROOT, b"d", true, 6).unwrap().is_some());
        assert_eq!(ns.get(&ROOT).unwrap().nlink, 2);
        assert_eq!(ns.lookup(&ROOT, b"d"), Err(ENOENT));
    }

    #[test]
    fn links_and_renames() {
        let mut ns = Namespace::new(ROOT, 1);
        ns.create(&ROOT, b"a", &new(1, S_IFREG)).unwrap();
        ns.create(&ROOT, b"d", &new(2, S_IFDIR)).unwrap();
        ns.create(&fid(2), b"e", &new(3, S_IFDIR)).unwrap();
        ns.link(&fid(1), &fid(2), b"b", 7).unwrap();
        assert_eq!(ns.get(&fid(1)).unwrap().nlink, 2);
        assert_eq!(ns.link(&fid(2), &ROOT, b"x", 7).unwrap_err(), EPERM);
        // The last link of a linked file is the second unlink.
        assert!(ns.unlink(&ROOT, b"a", false, 8).unwrap().is_none());
        // Rename a directory up, over nothing; into itself is refused.
        ns.rename((&fid(2), b"e"), (&ROOT, b"e"), 9).unwrap();
        assert_eq!(ns.get(&fid(2)).unwrap().nlink, 2);
        assert_eq!(ns.get(&ROOT).unwrap().nlink, 4);
        assert_eq!(
            ns.rename((&ROOT, b"d"), (&fid(2), b"d2"), 9).unwrap_err(),
            EINVAL
        );
        // A file over a file replaces it; over a directory is refused.
        ns.create(&ROOT, b"c", &new(4, S_IFREG)).unwrap();
        let gone = ns.rename((&ROOT, b"c"), (&fid(2), b"b"), 10).unwrap();
        assert!(gone.is_some_and(|i| i.fid == fid(1)));
        assert_eq!(ns.lookup(&fid(2), b"b"), Ok(fid(4)));
        assert_eq!(ns.lookup(&ROOT, b"c"), Err(ENOENT));
    }
}
