//! A mounted file system: what `mount -t lustre` sets up, in userspace.
//! [`Client::mount`] reads the configuration from the MGS and connects to
//! the MDT and every OST; files are opened on the MDT and their data read
//! and written on the OSTs, by RAID-0 striping over the objects of their
//! layout.

use rustre_lnet::wire::lustre::fid::LuFid;
use rustre_lnet::wire::lustre::ldlm::LockMode;
use rustre_lnet::wire::lustre::lov::{Layout, Striping};
use rustre_lnet::wire::lustre::reint::{
    MDS_FMODE_READ, MDS_FMODE_WRITE, MDS_OPEN_CREAT, MDS_OPEN_EXCL,
};
use rustre_lnet::wire::nid::Nid;
use rustre_lnet::Node;
use rustre_ptlrpc::Error;

use crate::config::FsConfig;
use crate::connected::Connected;
use crate::ldlm::{ClientLocks, Granted};
use crate::mdc::{Attr, Mdc};
use crate::mgc::Mgc;
use crate::osc::{Osc, MAX_BRW};

/// A mounted file system.
pub struct Client {
    mgc: Mgc,
    /// The MDT's connection.
    pub mdc: Mdc,
    /// The OSTs' connections, by index.
    oscs: Vec<Osc>,
    /// The locks this client holds.
    pub locks: ClientLocks,
    /// What the configuration log said.
    pub config: FsConfig,
}

/// An open regular file.
pub struct File {
    /// Its attributes on the MDT.
    pub attr: Attr,
    handle: u64,
    striping: Striping,
    /// Its objects: OST index and object FID, in stripe order.
    objects: Vec<(u32, LuFid)>,
}

fn layout_of(md: &[u8]) -> Result<(Striping, Vec<(u32, LuFid)>), Error> {
    let l = Layout::decode(md)?;
    let striping = Striping::new(u64::from(l.header.lmm_stripe_size), l.stripe_count() as u64)
        .ok_or_else(|| Error::Protocol("a layout without stripes".into()))?;
    let objects = (0..l.stripe_count())
        .map(|i| l.stripe(i).map(|s| (s.l_ost_idx, s.l_ost_oi)))
        .collect::<Result<_, _>>()?;
    Ok((striping, objects))
}

impl Client {
    /// Mounts file system `fsname` whose MGS is at `mgs`, as client
    /// `cluuid`.
    ///
    /// # Errors
    /// What the MGS, the MDT or an OST answers; [`Error::Protocol`] for a
    /// configuration without an MDT.
    pub fn mount(node: &Node, mgs: Nid, fsname: &str, cluuid: &str) -> Result<Client, Error> {
        let mgc = Mgc::connect(node, mgs, cluuid)?;
        let log = format!("{fsname}-client");
        mgc.lock(&log)?;
        let config = FsConfig::from_client_log(&mgc.read_log(&log)?).map_err(Error::Protocol)?;
        let mdt = config
            .mdts
            .first()
            .ok_or_else(|| Error::Protocol("no MDT in the configuration".into()))?;
        let nid = |n| Nid::from_u64(n).map_err(|e| Error::Protocol(e.to_string()));
        let mdc = Mdc::connect(node, nid(mdt.nid)?, &mdt.uuid, cluuid)?;
        let mut oscs = Vec::new();
        for (i, ost) in config.osts.iter().enumerate() {
            if ost.index as usize != i {
                return Err(Error::Protocol(format!("OST indexes with a gap at {i}")));
            }
            oscs.push(Osc::connect(node, nid(ost.nid)?, &ost.uuid, cluuid)?);
        }
        Ok(Client {
            mgc,
            mdc,
            oscs,
            locks: ClientLocks::start(node),
            config,
        })
    }

    /// Connects again to every target (after an eviction or a server
    /// restart); the locks held are gone.
    ///
    /// # Errors
    /// The first connect that fails.
    pub fn reconnect(&self) -> Result<(), Error> {
        self.mgc.reconnect()?;
        self.mdc.reconnect()?;
        for osc in &self.oscs {
            osc.reconnect()?;
        }
        Ok(())
    }

    /// Waits `timeout` for each reply (and resends after it) from now on,
    /// on every connection.
    pub fn set_timeout(&self, timeout: std::time::Duration) {
        self.mgc.set_timeout(timeout);
        self.mdc.set_timeout(timeout);
        for osc in &self.oscs {
            osc.set_timeout(timeout);
        }
    }

    /// Disconnects from every target.
    ///
    /// # Errors
    /// The first disconnect that fails.
    pub fn unmount(self) -> Result<(), Error> {
        for osc in &self.oscs {
            osc.disconnect()?;
        }
        self.mdc.disconnect()?;
        self.mgc.disconnect()
    }

    /// The attributes of `path` (absolute, `/`-separated).
    ///
    /// # Errors
    /// `Error::Status(-ENOENT)` and RPC errors.
    pub fn stat(&self, path: &str) -> Result<Attr, Error> {
        let mut attr = self.mdc.getattr(self.mdc.root()?)?;
        for name in path.split('/').filter(|n| !n.is_empty()) {
            attr = self.mdc.lookup(attr.fid, name.as_bytes())?;
        }
        Ok(attr)
    }

    fn file(&self, opened: crate::mdc::Opened) -> Result<File, Error> {
        let (striping, objects) = layout_of(&opened.attr.md)?;
        if objects
            .iter()
            .any(|(idx, _)| *idx as usize >= self.oscs.len())
        {
            return Err(Error::Protocol("a layout with an unknown OST".into()));
        }
        Ok(File {
            attr: opened.attr,
            handle: opened.handle,
            striping,
            objects,
        })
    }

    /// Creates `name` in `dir` (it must not exist) with permissions `mode`,
    /// striped as `striping` asks (a `lov_user_md`; empty for the
    /// default), and opens it.
    ///
    /// # Errors
    /// `Error::Status(-EEXIST)` and RPC errors.
    pub fn create(
        &self,
        dir: LuFid,
        name: &str,
        mode: u32,
        striping: &[u8],
    ) -> Result<File, Error> {
        let flags = MDS_FMODE_READ | MDS_FMODE_WRITE | MDS_OPEN_CREAT | MDS_OPEN_EXCL;
        let opened = self.mdc.open(dir, name.as_bytes(), flags, mode, striping)?;
        self.file(opened)
    }

    /// Opens the existing file `name` in `dir`.
    ///
    /// # Errors
    /// `Error::Status(-ENOENT)` and RPC errors.
    pub fn open(&self, dir: LuFid, name: &str) -> Result<File, Error> {
        let opened = self.mdc.open(
            dir,
            name.as_bytes(),
            MDS_FMODE_READ | MDS_FMODE_WRITE,
            0,
            &[],
        )?;
        self.file(opened)
    }

    /// Closes `file`.
    ///
    /// # Errors
    /// RPC errors.
    pub fn close(&self, file: File) -> Result<(), Error> {
        self.mdc.close(file.attr.fid, file.handle)
    }

    /// The pieces of `len` bytes at `offset` of `file`: object, object
    /// offset, and length, each within one stripe and one BRW.
    fn pieces(file: &File, offset: u64, len: u64) -> Vec<(usize, u64, u64)> {
        let mut out = Vec::new();
        let (mut at, end) = (offset, offset + len);
        while at < end {
            let (stripe, obj_off) = file.striping.locate(at);
            let n = file.striping.left_in_stripe(at).min(end - at).min(MAX_BRW);
            out.push((stripe as usize, obj_off, n));
            at += n;
        }
        out
    }

    /// Writes `data` at `offset` of `file`.
    ///
    /// # Errors
    /// What the OSTs answer.
    pub fn write(&self, file: &File, offset: u64, data: &[u8]) -> Result<(), Error> {
        let mut at = 0;
        for (stripe, obj_off, n) in Self::pieces(file, offset, data.len() as u64) {
            let (ost, fid) = file.objects[stripe];
            let end = at + n as usize;
            self.oscs[ost as usize].write(fid, obj_off, &data[at..end])?;
            at = end;
        }
        Ok(())
    }

    /// The size of `file`: the largest that its objects imply.
    ///
    /// # Errors
    /// What the OSTs answer.
    pub fn size(&self, file: &File) -> Result<u64, Error> {
        let mut size = 0;
        for (i, (ost, fid)) in file.objects.iter().enumerate() {
            let obj = self.oscs[*ost as usize].getattr(*fid)?;
            size = size.max(file.striping.file_size(i as u64, obj.o_size));
        }
        Ok(size)
    }

    /// Reads up to `len` bytes at `offset` of `file`: fewer at its end;
    /// holes read as zeros.
    ///
    /// # Errors
    /// What the OSTs answer.
    pub fn read(&self, file: &File, offset: u64, len: u64) -> Result<Vec<u8>, Error> {
        let len = len.min(self.size(file)?.saturating_sub(offset));
        let mut out = Vec::with_capacity(len as usize);
        for (stripe, obj_off, n) in Self::pieces(file, offset, len) {
            let (ost, fid) = file.objects[stripe];
            let mut got = self.oscs[ost as usize].read(fid, obj_off, n as u32)?;
            // An object shorter than the file: a hole at its end.
            got.resize(n as usize, 0);
            out.extend_from_slice(&got);
        }
        Ok(out)
    }

    /// Takes an extent lock in `mode` on bytes `range` (inclusive) of the
    /// object of stripe `stripe` of `file`.
    ///
    /// # Errors
    /// What the OST answers.
    pub fn lock(
        &self,
        file: &File,
        stripe: usize,
        mode: LockMode,
        range: (u64, u64),
    ) -> Result<Granted, Error> {
        let (ost, fid) = *file
            .objects
            .get(stripe)
            .ok_or_else(|| Error::Protocol(format!("no stripe {stripe}")))?;
        self.oscs[ost as usize].lock(&self.locks, fid, mode, range)
    }

    /// Truncates `file` to `size` bytes: each object to its share.
    ///
    /// # Errors
    /// What the OSTs answer.
    pub fn truncate(&self, file: &File, size: u64) -> Result<(), Error> {
        for (i, (ost, fid)) in file.objects.iter().enumerate() {
            self.oscs[*ost as usize].punch(*fid, file.striping.object_size(i as u64, size))?;
        }
        Ok(())
    }
}
