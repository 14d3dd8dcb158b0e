//! Readdir pages: every 4096-byte unit (`LU_PAGE_SIZE`, whatever the host's
//! page size) of a READPAGE bulk is a `lu_dirpage` header and `lu_dirent`
//! entries, in hash order. The last entry of a page has a record length of
//! 0. [`DirPage`] reads a page, checking every length; [`DirPageWriter`]
//! builds one. All fields are little-endian.

use crate::wire::codec::{ByteOrder, Fields, FieldsMut};
use crate::wire::error::WireError;
use crate::wire::layout::{wire_struct, RawFid, WireField};
use crate::wire::lustre::fid::LuFid;

/// The unit of readdir data (`LU_PAGE_SIZE`).
pub const LU_PAGE_SIZE: usize = 4096;
/// The hash after the last entry of a directory (`MDS_DIR_END_OFF`).
pub const MDS_DIR_END_OFF: u64 = 0xffff_ffff_ffff_fffe;
/// `LDF_EMPTY`: the page has no entries.
pub const LDF_EMPTY: u32 = 0x1;
/// `LDF_COLLIDE`: the last entry's hash equals `ldp_hash_end`.
pub const LDF_COLLIDE: u32 = 0x2;
/// `LUDA_FID`: the entry's FID is valid.
pub const LUDA_FID: u32 = 0x1;
/// `LUDA_TYPE`: a file type follows the name.
pub const LUDA_TYPE: u32 = 0x2;
/// `LUDA_64BITHASH`: the hash is 64 bits.
pub const LUDA_64BITHASH: u32 = 0x4;

wire_struct! {
    /// `struct lu_dirpage`: the header of a readdir page.
    pub struct LuDirpage("lu_dirpage", RawLuDirpage, LU_DIRPAGE_SIZE = 24) {
        /// The hash of the first entry.
        ldp_hash_start @ 0: u64 = u64,
        /// The hash to ask for next ([`MDS_DIR_END_OFF`] at the end).
        ldp_hash_end @ 8: u64 = u64,
        /// `LDF_*` flags.
        ldp_flags @ 16: u32 = u32,
        /// Padding, zero.
        ldp_pad0 @ 20: u32 = u32,
    }
}

wire_struct! {
    /// The fixed part of `struct lu_dirent`; the name follows.
    pub struct LuDirentHdr("lu_dirent", RawLuDirentHdr, LU_DIRENT_HDR_SIZE = 32) {
        /// The entry's FID.
        lde_fid @ 0: LuFid = RawFid,
        /// The entry's hash.
        lde_hash @ 16: u64 = u64,
        /// The record length; 0 for the last entry of the page.
        lde_reclen @ 24: u16 = u16,
        /// The name's length.
        lde_namelen @ 26: u16 = u16,
        /// `LUDA_*` attributes.
        lde_attrs @ 28: u32 = u32,
    }
}

/// One directory entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DirEntry<'a> {
    /// Its FID.
    pub fid: LuFid,
    /// Its hash.
    pub hash: u64,
    /// Its name.
    pub name: &'a [u8],
    /// Its file type in `S_IFMT` form, when the page carries it.
    pub file_type: Option<u16>,
}

const fn round_up(n: usize, to: usize) -> usize {
    n.div_ceil(to) * to
}

/// The record length of an entry with a name of `namelen` bytes.
pub const fn dirent_size(namelen: usize, with_type: bool) -> usize {
    if with_type {
        round_up(round_up(LU_DIRENT_HDR_SIZE + namelen + 1, 2) + 2, 8)
    } else {
        round_up(LU_DIRENT_HDR_SIZE + namelen + 1, 8)
    }
}

/// A readdir page.
#[derive(Clone, Copy, Debug)]
pub struct DirPage<'a> {
    /// The header.
    pub header: LuDirpage,
    page: &'a [u8],
}

impl<'a> DirPage<'a> {
    /// Reads the page at the start of `buf` (at most [`LU_PAGE_SIZE`]).
    ///
    /// # Errors
    /// [`WireError::Short`] when `buf` has no header.
    pub fn decode(buf: &'a [u8]) -> Result<Self, WireError> {
        let page = buf.get(..LU_PAGE_SIZE).unwrap_or(buf);
        Ok(DirPage {
            header: LuDirpage::decode(page, ByteOrder::Little)?,
            page,
        })
    }

    /// The page's entries, each checked against the page: a bad one ends
    /// the iteration with its error.
    pub fn entries(&self) -> DirEntries<'a> {
        let empty = self.header.ldp_flags & LDF_EMPTY != 0;
        DirEntries {
            page: self.page,
            off: if empty { None } else { Some(LU_DIRPAGE_SIZE) },
        }
    }
}

/// The entries of a [`DirPage`].
#[derive(Clone, Debug)]
pub struct DirEntries<'a> {
    page: &'a [u8],
    /// Where the next entry starts; `None` after the last.
    off: Option<usize>,
}

fn bad(field: &'static str, value: usize) -> WireError {
    WireError::BadField {
        field,
        value: value as u64,
    }
}

impl<'a> DirEntries<'a> {
    fn entry_at(&self, off: usize) -> Result<(DirEntry<'a>, Option<usize>), WireError> {
        let rest = self.page.get(off..).unwrap_or(&[]);
        let f = Fields::new("lu_dirent", rest, LU_DIRENT_HDR_SIZE, ByteOrder::Little)?;
        let hdr = LuDirentHdr::get(&f, 0)?;
        let namelen = usize::from(hdr.lde_namelen);
        let reclen = usize::from(hdr.lde_reclen);
        let with_type = hdr.lde_attrs & LUDA_TYPE != 0;
        let need = LU_DIRENT_HDR_SIZE + namelen + if with_type { 3 } else { 0 };
        // The record: up to the next entry, or for the last one what is
        // left of the page.
        let len = if reclen == 0 { rest.len() } else { reclen };
        if len < need || len > rest.len() || (reclen & 7 != 0) {
            return Err(bad("lu_dirent.lde_reclen", reclen));
        }
        let name = rest
            .get(LU_DIRENT_HDR_SIZE..LU_DIRENT_HDR_SIZE + namelen)
            .ok_or(bad("lu_dirent.lde_namelen", namelen))?;
        let file_type = if with_type {
            let at = LU_DIRENT_HDR_SIZE + round_up(namelen, 2);
            let rec = Fields::new("lu_dirent", rest, len, ByteOrder::Little)?;
            Some(rec.u16(at)?)
        } else {
            None
        };
        let next = (reclen != 0).then_some(off + reclen);
        let entry = DirEntry {
            fid: hdr.lde_fid,
            hash: hdr.lde_hash,
            name,
            file_type,
        };
        Ok((entry, next))
    }
}

impl<'a> Iterator for DirEntries<'a> {
    type Item = Result<DirEntry<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        let off = self.off.take()?;
        match self.entry_at(off) {
            Ok((entry, next)) => {
                self.off = next;
                Some(Ok(entry))
            }
            Err(e) => Some(Err(e)),
        }
    }
}

/// Builds a readdir page in a buffer of [`LU_PAGE_SIZE`] bytes.
#[derive(Debug)]
pub struct DirPageWriter<'a> {
    page: &'a mut [u8],
    hash_start: u64,
    /// The start of the last entry written, to mark it last.
    last: Option<usize>,
    end: usize,
}

impl<'a> DirPageWriter<'a> {
    /// Starts a page in `buf` for entries from `hash_start`.
    ///
    /// # Errors
    /// [`WireError::Short`] when `buf` is smaller than [`LU_PAGE_SIZE`].
    pub fn new(buf: &'a mut [u8], hash_start: u64) -> Result<Self, WireError> {
        let page = buf.get_mut(..LU_PAGE_SIZE).ok_or(WireError::Short {
            what: "lu_dirpage",
            need: LU_PAGE_SIZE,
            have: 0,
        })?;
        page.fill(0);
        Ok(DirPageWriter {
            page,
            hash_start,
            last: None,
            end: LU_DIRPAGE_SIZE,
        })
    }

    /// Adds an entry (with its file type); false when it does not fit, and
    /// the page is then full.
    ///
    /// # Errors
    /// [`WireError::BadField`] for a name longer than a page.
    pub fn push(&mut self, e: &DirEntry<'_>) -> Result<bool, WireError> {
        let namelen =
            u16::try_from(e.name.len()).map_err(|_| bad("lu_dirent.name", e.name.len()))?;
        let size = dirent_size(e.name.len(), e.file_type.is_some());
        let Some(rec) = self.page.get_mut(self.end..self.end + size) else {
            return Ok(false);
        };
        let mut f = FieldsMut::new("lu_dirent", rec, size)?;
        let attrs = LUDA_FID | LUDA_64BITHASH | if e.file_type.is_some() { LUDA_TYPE } else { 0 };
        LuDirentHdr {
            lde_fid: e.fid,
            lde_hash: e.hash,
            // At most a page.
            lde_reclen: size as u16,
            lde_namelen: namelen,
            lde_attrs: attrs,
        }
        .put(&mut f, 0)?;
        f.put_bytes(LU_DIRENT_HDR_SIZE, e.name)?;
        if let Some(t) = e.file_type {
            f.put_u16(LU_DIRENT_HDR_SIZE + round_up(e.name.len(), 2), t)?;
        }
        self.last = Some(self.end);
        self.end += size;
        Ok(true)
    }

    /// Finishes the page: the last entry gets record length 0, and the
    /// header says where the next page starts (`hash_end`).
    ///
    /// # Errors
    /// Never for a page built by this writer.
    pub fn finish(self, hash_end: u64, flags: u32) -> Result<(), WireError> {
        let mut flags = flags;
        match self.last {
            Some(last) => {
                let reclen = last + core::mem::offset_of!(RawLuDirentHdr, lde_reclen);
                if let Some(r) = self.page.get_mut(reclen..reclen + 2) {
                    r.fill(0);
                }
            }
            None => flags |= LDF_EMPTY,
        }
        LuDirpage {
            ldp_hash_start: self.hash_start,
            ldp_hash_end: hash_end,
            ldp_flags: flags,
            ldp_pad0: 0,
        }
        .encode(self.page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_records_as_lustre() {
        assert_eq!(dirent_size(1, false), 40);
        assert_eq!(dirent_size(1, true), 40);
        assert_eq!(dirent_size(6, true), 48);
        assert_eq!(dirent_size(8, false), 48);
    }

    #[test]
    fn writes_and_reads_a_page() {
        let mut buf = [0u8; LU_PAGE_SIZE];
        let mut w = DirPageWriter::new(&mut buf, 0).unwrap();
        let names: [&[u8]; 3] = [b".", b"..", b"file-with-a-name"];
        for (i, n) in names.iter().enumerate() {
            let e = DirEntry {
                fid: LuFid::ROOT,
                hash: i as u64 * 10,
                name: n,
                file_type: Some(if i < 2 { 0x4000 } else { 0x8000 }),
            };
            assert!(w.push(&e).unwrap());
        }
        w.finish(MDS_DIR_END_OFF, 0).unwrap();
        let page = DirPage::decode(&buf).unwrap();
        assert_eq!(page.header.ldp_hash_end, MDS_DIR_END_OFF);
        let got: [_; 3] = core::array::from_fn(|i| page.entries().nth(i).unwrap().unwrap());
        assert_eq!(got[1].name, b"..");
        assert_eq!(got[2].name, b"file-with-a-name");
        assert_eq!(got[2].file_type, Some(0x8000));
        assert_eq!(got[2].hash, 20);
        assert_eq!(page.entries().count(), 3);
    }

    #[test]
    fn fills_a_page_and_marks_an_empty_one() {
        let mut buf = [0u8; LU_PAGE_SIZE];
        let mut w = DirPageWriter::new(&mut buf, 5).unwrap();
        let e = DirEntry {
            fid: LuFid::ROOT,
            hash: 1,
            name: b"0123456789",
            file_type: None,
        };
        let mut n = 0;
        while w.push(&e).unwrap() {
            n += 1;
        }
        assert_eq!(n, (LU_PAGE_SIZE - LU_DIRPAGE_SIZE) / dirent_size(10, false));
        let mut buf = [0u8; LU_PAGE_SIZE];
        DirPageWriter::new(&mut buf, 5)
            .unwrap()
            .finish(5, 0)
            .unwrap();
        let page = DirPage::decode(&buf).unwrap();
        assert_eq!(page.header.ldp_flags, LDF_EMPTY);
        assert_eq!(page.entries().count(), 0);
    }

    #[test]
    fn never_trusts_a_length() {
        let mut buf = [0u8; LU_PAGE_SIZE];
        let mut w = DirPageWriter::new(&mut buf, 0).unwrap();
        let e = DirEntry {
            fid: LuFid::ROOT,
            hash: 1,
            name: b"abc",
            file_type: Some(0x8000),
        };
        w.push(&e).unwrap();
        w.push(&e).unwrap();
        w.finish(9, 0).unwrap();
        let entry = LU_DIRPAGE_SIZE;
        for (field, value) in [(24usize, 4080u16), (24, 12), (26, 60000)] {
            let mut bad = buf;
            bad[entry + field..entry + field + 2].copy_from_slice(&value.to_le_bytes());
            let page = DirPage::decode(&bad).unwrap();
            assert!(page.entries().any(|e| e.is_err()), "{field} = {value}");
        }
        // A short page: the last entry runs past it.
        let page = DirPage::decode(&buf[..LU_DIRPAGE_SIZE + 40]).unwrap();
        assert!(page.entries().any(|e| e.is_err()));
    }
}
