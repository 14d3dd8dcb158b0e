//! Where an OST keeps its objects ([`Store`]): in memory ([`MemoryStore`],
//! sparse in 4 KiB pages) or as sparse files in a directory
//! ([`DirStore`], with `--data`: one file per object, named by its FID,
//! which survives a restart). Holes read as zeros in both.

use std::collections::{BTreeMap, HashMap};
use std::fs::{File, FileTimes, OpenOptions};
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustre_lnet::wire::lustre::errno::{EIO, ENOENT};
use rustre_lnet::wire::lustre::fid::LuFid;

const PAGE: u64 = 4096;

/// An object's attributes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ObjAttr {
    /// Size in bytes.
    pub size: u64,
    /// 512-byte blocks in use.
    pub blocks: u64,
    /// Access, modification, change times (seconds).
    pub times: [u64; 3],
}

/// The objects of one OST. Errors are errnos.
pub trait Store: Send {
    /// Makes an empty object `fid` at time `t`.
    fn create(&mut self, fid: LuFid, t: u64) -> Result<(), i32>;
    /// Removes object `fid`.
    fn destroy(&mut self, fid: &LuFid);
    /// Whether object `fid` exists.
    fn exists(&self, fid: &LuFid) -> bool;
    /// The attributes of object `fid`.
    fn attr(&self, fid: &LuFid) -> Result<ObjAttr, i32>;
    /// Up to `len` bytes at `off` of object `fid` (fewer at its end).
    fn read(&self, fid: &LuFid, off: u64, len: u64) -> Result<Vec<u8>, i32>;
    /// Writes `data` at `off` of object `fid`, at time `t`.
    fn write(&mut self, fid: &LuFid, off: u64, data: &[u8], t: u64) -> Result<(), i32>;
    /// Sets the size of object `fid`, at time `t`.
    fn truncate(&mut self, fid: &LuFid, size: u64, t: u64) -> Result<(), i32>;
    /// Sets the times of object `fid` that are given.
    fn set_times(&mut self, fid: &LuFid, times: [Option<u64>; 3]) -> Result<(), i32>;
    /// How many objects there are, and the blocks they use.
    fn usage(&self) -> (u64, u64);
    /// The highest object number in use (0: none).
    fn last_oid(&self) -> u32;
    /// Writes everything out to stable storage.
    fn sync(&self) -> Result<(), i32>;
}

/// One object in memory.
#[derive(Default)]
struct Object {
    pages: BTreeMap<u64, Box<[u8; PAGE as usize]>>,
    size: u64,
    times: [u64; 3],
}

impl Object {
    fn read(&self, off: u64, len: u64) -> Vec<u8> {
        let end = off.saturating_add(len).min(self.size);
        let mut out = vec![0u8; end.saturating_sub(off) as usize];
        let mut at = off;
        while at < end {
            let (page, inpage) = (at / PAGE, at % PAGE);
            let n = (PAGE - inpage).min(end - at);
            if let Some(p) = self.pages.get(&page) {
                let dst = (at - off) as usize;
                out[dst..dst + n as usize]
                    .copy_from_slice(&p[inpage as usize..(inpage + n) as usize]);
            }
            at += n;
        }
        out
    }

    fn write(&mut self, off: u64, data: &[u8]) {
        let mut at = off;
        let mut rest = data;
        while !rest.is_empty() {
            let (page, inpage) = (at / PAGE, (at % PAGE) as usize);
            let n = (PAGE as usize - inpage).min(rest.len());
            let p = self
                .pages
                .entry(page)
                .or_insert_with(|| Box::new([0; PAGE as usize]));
            p[inpage..inpage + n].copy_from_slice(&rest[..n]);
            rest = &rest[n..];
            at += n as u64;
        }
        self.size = self.size.max(off + data.len() as u64);
    }

    fn truncate(&mut self, size: u64) {
        self.pages.retain(|p, _| p * PAGE < size);
        if let Some(p) = self.pages.get_mut(&(size / PAGE)) {
            p[(size % PAGE) as usize..].fill(0);
        }
        self.size = size;
    }

    fn blocks(&self) -> u64 {
        self.pages.len() as u64 * (PAGE / 512)
    }
}

/// Objects in memory.
#[derive(Default)]
pub struct MemoryStore {
    objects: HashMap<LuFid, Object>,
}

impl MemoryStore {
    fn get(&self, fid: &LuFid) -> Result<&Object, i32> {
        self.objects.get(fid).ok_or(ENOENT)
    }

    fn get_mut(&mut self, fid: &LuFid) -> Result<&mut Object, i32> {
        self.objects.get_mut(fid).ok_or(ENOENT)
    }
}

impl Store for MemoryStore {
    fn create(&mut self, fid: LuFid, t: u64) -> Result<(), i32> {
        let obj = Object {
            times: [t; 3],
            ..Object::default()
        };
        self.objects.insert(fid, obj);
        Ok(())
    }

    fn destroy(&mut self, fid: &LuFid) {
        self.objects.remove(fid);
    }

    fn exists(&self, fid: &LuFid) -> bool {
        self.objects.contains_key(fid)
    }

    fn attr(&self, fid: &LuFid) -> Result<ObjAttr, i32> {
        let o = self.get(fid)?;
        Ok(ObjAttr {
            size: o.size,
            blocks: o.blocks(),
            times: o.times,
        })
    }

    fn read(&self, fid: &LuFid, off: u64, len: u64) -> Result<Vec<u8>, i32> {
        Ok(self.get(fid)?.read(off, len))
    }

    fn write(&mut self, fid: &LuFid, off: u64, data: &[u8], t: u64) -> Result<(), i32> {
        let o = self.get_mut(fid)?;
        o.write(off, data);
        o.times[1] = t;
        o.times[2] = t;
        Ok(())
    }

    fn truncate(&mut self, fid: &LuFid, size: u64, t: u64) -> Result<(), i32> {
        let o = self.get_mut(fid)?;
        o.truncate(size);
        o.times[1] = t;
        o.times[2] = t;
        Ok(())
    }

    fn set_times(&mut self, fid: &LuFid, times: [Option<u64>; 3]) -> Result<(), i32> {
        let o = self.get_mut(fid)?;
        for (slot, t) in o.times.iter_mut().zip(times) {
            if let Some(t) = t {
                *slot = t;
            }
        }
        Ok(())
    }

    fn usage(&self) -> (u64, u64) {
        let blocks = self.objects.values().map(Object::blocks).sum();
        (self.objects.len() as u64, blocks)
    }

    fn last_oid(&self) -> u32 {
        self.objects.keys().map(|f| f.oid).max().unwrap_or(0)
    }

    fn sync(&self) -> Result<(), i32> {
        Ok(())
    }
}

/// Objects as sparse files in a directory, named `SEQ-OID` in hex. The
/// file's modification time is the object's; its access time too; the
/// change time is the modification time.
pub struct DirStore {
    dir: PathBuf,
}

fn io(e: std::io::Error) -> i32 {
    match e.kind() {
        std::io::ErrorKind::NotFound => ENOENT,
        _ => {
            eprintln!("ost: {e}");
            EIO
        }
    }
}

fn secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn time(s: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(s)
}

impl DirStore {
    /// The objects in `dir`, made if need be.
    ///
    /// # Errors
    /// Those of making the directory.
    pub fn open(dir: &Path) -> std::io::Result<DirStore> {
        std::fs::create_dir_all(dir)?;
        Ok(DirStore {
            dir: dir.to_path_buf(),
        })
    }

    fn path(&self, fid: &LuFid) -> PathBuf {
        self.dir.join(format!("{:x}-{:x}", fid.seq, fid.oid))
    }

    fn file(&self, fid: &LuFid, write: bool) -> Result<File, i32> {
        OpenOptions::new()
            .read(true)
            .write(write)
            .open(self.path(fid))
            .map_err(io)
    }

    fn touch(file: &File, t: u64) -> Result<(), i32> {
        let times = FileTimes::new().set_modified(time(t));
        file.set_times(times).map_err(io)
    }
}

impl Store for DirStore {
    fn create(&mut self, fid: LuFid, t: u64) -> Result<(), i32> {
        let f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(self.path(&fid))
            .map_err(io)?;
        let times = FileTimes::new().set_modified(time(t)).set_accessed(time(t));
        f.set_times(times).map_err(io)
    }

    fn destroy(&mut self, fid: &LuFid) {
        let _ = std::fs::remove_file(self.path(fid));
    }

    fn exists(&self, fid: &LuFid) -> bool {
        self.path(fid).is_file()
    }

    fn attr(&self, fid: &LuFid) -> Result<ObjAttr, i32> {
        let m = std::fs::metadata(self.path(fid)).map_err(io)?;
        let mtime = m.modified().map(secs).unwrap_or(0);
        Ok(ObjAttr {
            size: m.len(),
            blocks: m.blocks(),
            times: [m.accessed().map(secs).unwrap_or(mtime), mtime, mtime],
        })
    }

    fn read(&self, fid: &LuFid, off: u64, len: u64) -> Result<Vec<u8>, i32> {
        let f = self.file(fid, false)?;
        let size = f.metadata().map_err(io)?.len();
        let end = off.saturating_add(len).min(size);
        let mut out = vec![0u8; end.saturating_sub(off) as usize];
        f.read_exact_at(&mut out, off).map_err(io)?;
        Ok(out)
    }

    fn write(&mut self, fid: &LuFid, off: u64, data: &[u8], t: u64) -> Result<(), i32> {
        let f = self.file(fid, true)?;
        f.write_all_at(data, off).map_err(io)?;
        Self::touch(&f, t)
    }

    fn truncate(&mut self, fid: &LuFid, size: u64, t: u64) -> Result<(), i32> {
        let f = self.file(fid, true)?;
        f.set_len(size).map_err(io)?;
        Self::touch(&f, t)
    }

    fn set_times(&mut self, fid: &LuFid, times: [Option<u64>; 3]) -> Result<(), i32> {
        let f = self.file(fid, true)?;
        let mut ft = FileTimes::new();
        if let Some(a) = times[0] {
            ft = ft.set_accessed(time(a));
        }
        if let Some(m) = times[1].or(times[2]) {
            ft = ft.set_modified(time(m));
        }
        f.set_times(ft).map_err(io)
    }

    fn usage(&self) -> (u64, u64) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return (0, 0);
        };
        entries
            .flatten()
            .filter_map(|e| e.metadata().ok())
            .fold((0, 0), |(n, b), m| (n + 1, b + m.blocks()))
    }

    fn last_oid(&self) -> u32 {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name();
                let (_, oid) = name.to_str()?.split_once('-')?;
                u32::from_str_radix(oid, 16).ok()
            })
            .max()
            .unwrap_or(0)
    }

    fn sync(&self) -> Result<(), i32> {
        let entries = std::fs::read_dir(&self.dir).map_err(io)?;
        for e in entries.flatten() {
            File::open(e.path())
                .and_then(|f| f.sync_data())
                .map_err(io)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fid(oid: u32) -> LuFid {
        LuFid {
            seq: 0xf_0000_0000,
            oid,
            ver: 0,
        }
    }

    /// The same behaviour from both stores.
    fn exercise(s: &mut dyn Store) {
        s.create(fid(1), 5).unwrap();
        s.write(&fid(1), 10_000_000, b"end", 6).unwrap();
        let a = s.attr(&fid(1)).unwrap();
        assert_eq!((a.size, a.times[1]), (10_000_003, 6));
        assert!(a.blocks <= 64, "a hole costs nothing");
        assert_eq!(s.read(&fid(1), 0, 4).unwrap(), [0; 4]);
        assert_eq!(s.read(&fid(1), 10_000_001, 100).unwrap(), b"nd");
        s.write(&fid(1), 4090, &[7; 12], 7).unwrap();
        assert_eq!(
            s.read(&fid(1), 4088, 16).unwrap(),
            [0, 0, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 0, 0]
        );
        s.truncate(&fid(1), 4094, 8).unwrap();
        assert_eq!(s.read(&fid(1), 4088, 16).unwrap(), [0, 0, 7, 7, 7, 7]);
        s.truncate(&fid(1), 8192, 8).unwrap();
        assert_eq!(s.read(&fid(1), 4092, 4).unwrap(), [7, 7, 0, 0]);
        assert_eq!((s.usage().0, s.last_oid()), (1, 1));
        s.destroy(&fid(1));
        assert!(!s.exists(&fid(1)));
        assert_eq!(s.read(&fid(1), 0, 1).unwrap_err(), ENOENT);
    }

    #[test]
    fn both_stores_keep_sparse_objects() {
        exercise(&mut MemoryStore::default());
        let dir = std::env::temp_dir().join(format!("rustre-store-{}", std::process::id()));
        exercise(&mut DirStore::open(&dir).unwrap());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
