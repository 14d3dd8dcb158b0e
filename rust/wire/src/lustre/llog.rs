//! Llog files, as LLOG_ORIGIN_HANDLE_READ_HEADER and _NEXT_BLOCK carry them:
//! a header chunk (`llog_log_hdr`: the log's flags and the bitmap of its
//! live records) and chunks of records. A record is an `llog_rec_hdr`, a
//! body, and an `llog_rec_tail` that repeats the length and the index; its
//! length is a multiple of 8.
//!
//! [`LlogHeader`] and [`LlogRecords`] read them, checking every length
//! against the chunk; [`encode_llog_header`] and [`encode_llog_rec`] write
//! them. The byte order of a log is the one its header's magic, or each
//! record's type, arrives in (Lustre swabs per record).

use crate::wire::codec::{ByteOrder, Fields};
use crate::wire::error::WireError;
use crate::wire::layout::{wire_struct, Bytes};

/// `LLOG_HDR_MAGIC`: the type of a log's header record.
pub const LLOG_HDR_MAGIC: u32 = 0x1064_5539;
/// `LLOG_OP_MAGIC`: the bits every record type has under [`LLOG_OP_MASK`].
pub const LLOG_OP_MAGIC: u32 = 0x1060_0000;
/// `LLOG_OP_MASK`.
pub const LLOG_OP_MASK: u32 = 0xfff0_0000;
/// `LLOG_PAD_MAGIC`: a padding record, skipped by readers.
pub const LLOG_PAD_MAGIC: u32 = LLOG_OP_MAGIC;
/// `OBD_CFG_REC`: a configuration record (a `lustre_cfg`).
pub const OBD_CFG_REC: u32 = LLOG_OP_MAGIC | 0x2_0000;
/// `LLOG_MIN_CHUNK_SIZE`: the smallest chunk, and the header's size.
pub const LLOG_MIN_CHUNK_SIZE: usize = 8192;
/// `LLOG_F_ZAP_WHEN_EMPTY`.
pub const LLOG_F_ZAP_WHEN_EMPTY: u32 = 0x1;
/// `LLOG_F_IS_CAT`: a catalog of logs.
pub const LLOG_F_IS_CAT: u32 = 0x2;
/// `LLOG_F_IS_PLAIN`: a log of records.
pub const LLOG_F_IS_PLAIN: u32 = 0x4;
/// Where the bitmap of live records starts in the header.
pub const LLOG_BITMAP_OFFSET: usize = LLOG_LOG_HDR_FIXED_SIZE;

wire_struct! {
    /// `struct llog_rec_hdr`: the head of every record.
    pub struct LlogRecHdr("llog_rec_hdr", RawLlogRecHdr, LLOG_REC_HDR_SIZE = 16) {
        /// The record's length, head and tail included.
        lrh_len @ 0: u32 = u32,
        /// The record's index in its log (from 1; 0 is the header).
        lrh_index @ 4: u32 = u32,
        /// The record's type (`OBD_CFG_REC`, ...).
        lrh_type @ 8: u32 = u32,
        /// Type-specific.
        lrh_id @ 12: u32 = u32,
    }
}

wire_struct! {
    /// `struct llog_rec_tail`: the end of every record.
    pub struct LlogRecTail("llog_rec_tail", RawLlogRecTail, LLOG_REC_TAIL_SIZE = 8) {
        /// The record's length, again.
        lrt_len @ 0: u32 = u32,
        /// The record's index, again.
        lrt_index @ 4: u32 = u32,
    }
}

wire_struct! {
    /// The fixed part of `struct llog_log_hdr`, before its bitmap.
    pub struct LlogLogHdr("llog_log_hdr", RawLlogLogHdr, LLOG_LOG_HDR_FIXED_SIZE = 88) {
        /// The header record's head: type [`LLOG_HDR_MAGIC`], index 0, and
        /// the chunk size as length.
        llh_hdr @ 0: LlogRecHdr = RawLlogRecHdr,
        /// When the log was created.
        llh_timestamp @ 16: u64 = u64,
        /// The live records, the header included.
        llh_count @ 24: u32 = u32,
        /// Where the bitmap starts ([`LLOG_BITMAP_OFFSET`]).
        llh_bitmap_offset @ 28: u32 = u32,
        /// The size of every record, or 0 when they vary.
        llh_size @ 32: u32 = u32,
        /// `LLOG_F_*`.
        llh_flags @ 36: u32 = u32,
        /// The log's index in its catalog.
        llh_cat_idx @ 40: u32 = u32,
        /// The target the log belongs to.
        llh_tgtuuid @ 44: Bytes<40> = [u8; 40],
        /// Reserved.
        llh_reserved @ 84: u32 = u32,
    }
}

fn bad(field: &'static str, value: impl Into<u64>) -> WireError {
    WireError::BadField {
        field,
        value: value.into(),
    }
}

/// Finds the byte order of a record from its type.
fn rec_order(f: &[u8], magic: u32, mask: u32) -> Result<ByteOrder, WireError> {
    let ty = Fields::new("llog_rec_hdr", f, LLOG_REC_HDR_SIZE, ByteOrder::Little)?.u32(8)?;
    if ty & mask == magic {
        Ok(ByteOrder::Little)
    } else if ty.swap_bytes() & mask == magic {
        Ok(ByteOrder::Big)
    } else {
        Err(WireError::BadMagic {
            what: "llog_rec_hdr.lrh_type",
            magic: ty,
        })
    }
}

/// Reads the head of the record at the start of `buf`, sent in `order`,
/// and checks its length against `buf` and its tail; returns the head and
/// the tail.
fn rec_at(buf: &[u8], order: ByteOrder) -> Result<(LlogRecHdr, LlogRecTail), WireError> {
    let hdr = LlogRecHdr::decode(buf, order)?;
    let len = hdr.lrh_len as usize;
    if len < LLOG_REC_HDR_SIZE + LLOG_REC_TAIL_SIZE || len & 7 != 0 {
        return Err(bad("llog_rec_hdr.lrh_len", hdr.lrh_len));
    }
    let rec = buf.get(..len).ok_or(WireError::Short {
        what: "llog record",
        need: len,
        have: buf.len(),
    })?;
    let tail = LlogRecTail::decode(&rec[len - LLOG_REC_TAIL_SIZE..], order)?;
    if tail.lrt_len != hdr.lrh_len {
        return Err(bad("llog_rec_tail.lrt_len", tail.lrt_len));
    }
    Ok((hdr, tail))
}

/// A log's header chunk.
#[derive(Clone, Copy, Debug)]
pub struct LlogHeader<'a> {
    /// The fixed fields.
    pub hdr: LlogLogHdr,
    bitmap: &'a [u8],
    order: ByteOrder,
    /// The index of the log's last record, which the header's tail holds.
    pub last_index: u32,
}

impl<'a> LlogHeader<'a> {
    /// Reads a header chunk: its magic, its length (a power of two, at
    /// least [`LLOG_MIN_CHUNK_SIZE`], all in `buf`), its tail's length and
    /// its bitmap offset are checked. The tail's index is not the head's:
    /// it is the index of the log's last record.
    ///
    /// # Errors
    /// [`WireError::BadMagic`], [`WireError::BadField`], [`WireError::Short`].
    pub fn decode(buf: &'a [u8]) -> Result<Self, WireError> {
        let order = rec_order(buf, LLOG_HDR_MAGIC, u32::MAX)?;
        let (rec, tail) = rec_at(buf, order)?;
        let len = rec.lrh_len as usize;
        if len < LLOG_MIN_CHUNK_SIZE || !len.is_power_of_two() {
            return Err(bad("llog_log_hdr.lrh_len", rec.lrh_len));
        }
        let hdr = LlogLogHdr::decode(buf, order)?;
        if hdr.llh_bitmap_offset as usize != LLOG_BITMAP_OFFSET {
            return Err(bad("llog_log_hdr.llh_bitmap_offset", hdr.llh_bitmap_offset));
        }
        let bitmap = buf
            .get(LLOG_BITMAP_OFFSET..len - LLOG_REC_TAIL_SIZE)
            .unwrap_or(&[]);
        Ok(LlogHeader {
            hdr,
            bitmap,
            order,
            last_index: tail.lrt_index,
        })
    }

    /// The chunk size of the log.
    pub fn chunk_size(&self) -> usize {
        self.hdr.llh_hdr.lrh_len as usize
    }

    /// The byte order the log was written in.
    pub fn order(&self) -> ByteOrder {
        self.order
    }

    /// Whether record `index` is live (its bit is set). The bitmap is an
    /// array of 32-bit words in the log's byte order.
    pub fn is_live(&self, index: u32) -> bool {
        let word = index as usize / 32;
        let at = word.saturating_mul(4);
        let Some(bytes) = self.bitmap.get(at..at.saturating_add(4)) else {
            return false;
        };
        let w = [bytes[0], bytes[1], bytes[2], bytes[3]];
        let w = match self.order {
            ByteOrder::Little => u32::from_le_bytes(w),
            ByteOrder::Big => u32::from_be_bytes(w),
        };
        w & (1 << (index % 32)) != 0
    }
}

/// Writes a header chunk of [`LLOG_MIN_CHUNK_SIZE`] bytes into `buf` for a
/// plain log whose last record is `last` and whose live records are those
/// of `1..=last` that `is_live` names (padding records are not), with
/// `hdr`'s timestamp, flags and target (its head, count, bitmap offset and
/// size are set here, and its tail names `last`).
///
/// # Errors
/// [`WireError::Short`] when `buf` is smaller than a chunk;
/// [`WireError::BadField`] when `last` does not fit the bitmap.
pub fn encode_llog_header(
    hdr: &LlogLogHdr,
    last: u32,
    is_live: impl Fn(u32) -> bool,
    buf: &mut [u8],
) -> Result<(), WireError> {
    let size = LLOG_MIN_CHUNK_SIZE;
    let bits = (size - LLOG_BITMAP_OFFSET - LLOG_REC_TAIL_SIZE) * 8;
    if last as usize >= bits {
        return Err(bad("llog_log_hdr.llh_count", last));
    }
    let have = buf.len();
    let chunk = buf.get_mut(..size).ok_or(WireError::Short {
        what: "llog_log_hdr",
        need: size,
        have,
    })?;
    chunk.fill(0);
    let bitmap = &mut chunk[LLOG_BITMAP_OFFSET..size - LLOG_REC_TAIL_SIZE];
    // Bit 0 is the header.
    let mut count = 1;
    bitmap[0] = 1;
    for i in (1..=last).filter(|i| is_live(*i)) {
        let i = i as usize;
        bitmap[i / 8] |= 1 << (i % 8);
        count += 1;
    }
    LlogLogHdr {
        llh_hdr: LlogRecHdr {
            lrh_len: size as u32,
            lrh_index: 0,
            lrh_type: LLOG_HDR_MAGIC,
            lrh_id: 0,
        },
        llh_count: count,
        llh_bitmap_offset: LLOG_BITMAP_OFFSET as u32,
        llh_size: 0,
        ..*hdr
    }
    .encode(chunk)?;
    LlogRecTail {
        lrt_len: size as u32,
        lrt_index: last,
    }
    .encode(&mut chunk[size - LLOG_REC_TAIL_SIZE..])
}

/// One record of a chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LlogRec<'a> {
    /// Its head.
    pub hdr: LlogRecHdr,
    /// Its body, between head and tail.
    pub body: &'a [u8],
    /// The byte order it was written in.
    pub order: ByteOrder,
}

impl LlogRec<'_> {
    /// Whether the record is padding, which readers skip.
    pub fn is_pad(&self) -> bool {
        self.hdr.lrh_type == LLOG_PAD_MAGIC
    }
}

/// The records of a chunk, each checked: a bad one ends the iteration with
/// its error. A record length of 0 ends the records: the rest of the chunk
/// is unused (the end of the log), as Lustre's readers take it.
#[derive(Clone, Debug)]
pub struct LlogRecords<'a> {
    rest: &'a [u8],
}

impl<'a> LlogRecords<'a> {
    /// The records of `chunk`.
    pub fn new(chunk: &'a [u8]) -> Self {
        LlogRecords { rest: chunk }
    }

    fn next_rec(&mut self) -> Result<LlogRec<'a>, WireError> {
        let order = rec_order(self.rest, LLOG_OP_MAGIC, LLOG_OP_MASK)?;
        let (hdr, tail) = rec_at(self.rest, order)?;
        if tail.lrt_index != hdr.lrh_index {
            return Err(bad("llog_rec_tail.lrt_index", tail.lrt_index));
        }
        let len = hdr.lrh_len as usize;
        let body = &self.rest[LLOG_REC_HDR_SIZE..len - LLOG_REC_TAIL_SIZE];
        self.rest = &self.rest[len..];
        Ok(LlogRec { hdr, body, order })
    }
}

impl<'a> Iterator for LlogRecords<'a> {
    type Item = Result<LlogRec<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() || self.rest.get(..4) == Some(&[0; 4]) {
            self.rest = &[];
            return None;
        }
        let r = self.next_rec();
        if r.is_err() {
            self.rest = &[];
        }
        Some(r)
    }
}

/// The length of a record with a body of `body_len` bytes: head, body
/// padded to 8, tail.
pub const fn llog_rec_size(body_len: usize) -> usize {
    LLOG_REC_HDR_SIZE + body_len.next_multiple_of(8) + LLOG_REC_TAIL_SIZE
}

/// Writes a record of type `lrh_type` and index `index` at the start of
/// `buf`; `body` writes the body into the slice it is given (of
/// `body_len` bytes, zeroed) and the padding stays zero. Returns the
/// record's length.
///
/// # Errors
/// [`WireError::Short`] when `buf` is too small, or what `body` returns.
pub fn encode_llog_rec(
    lrh_type: u32,
    index: u32,
    body_len: usize,
    body: impl FnOnce(&mut [u8]) -> Result<(), WireError>,
    buf: &mut [u8],
) -> Result<usize, WireError> {
    let len = llog_rec_size(body_len);
    let have = buf.len();
    let rec = buf.get_mut(..len).ok_or(WireError::Short {
        what: "llog record",
        need: len,
        have,
    })?;
    rec.fill(0);
    LlogRecHdr {
        lrh_len: len as u32,
        lrh_index: index,
        lrh_type,
        lrh_id: 0,
    }
    .encode(rec)?;
    body(&mut rec[LLOG_REC_HDR_SIZE..LLOG_REC_HDR_SIZE + body_len])?;
    LlogRecTail {
        lrt_len: len as u32,
        lrt_index: index,
    }
    .encode(&mut rec[len - LLOG_REC_TAIL_SIZE..])?;
    Ok(len)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec;

    #[test]
    fn header_round_trips() {
        let mut buf = vec![0u8; LLOG_MIN_CHUNK_SIZE];
        let hdr = LlogLogHdr {
            llh_timestamp: 1_700_000_000,
            llh_flags: LLOG_F_IS_PLAIN,
            ..LlogLogHdr::default()
        };
        encode_llog_header(&hdr, 40, |i| i != 7, &mut buf).unwrap();
        assert_eq!(&buf[8..12], &LLOG_HDR_MAGIC.to_le_bytes());
        let h = LlogHeader::decode(&buf).unwrap();
        assert_eq!(h.hdr.llh_count, 40);
        assert_eq!(h.last_index, 40);
        assert_eq!(h.chunk_size(), LLOG_MIN_CHUNK_SIZE);
        assert!(h.is_live(0) && h.is_live(40) && !h.is_live(41) && !h.is_live(7));
        assert!(!h.is_live(u32::MAX));

        // A tail that disagrees, a length that is not a power of two.
        let mut t = buf.clone();
        t[LLOG_MIN_CHUNK_SIZE - 8] = 1;
        assert!(LlogHeader::decode(&t).is_err());
        let mut t = buf.clone();
        t[0..4].copy_from_slice(&12288u32.to_le_bytes());
        assert!(LlogHeader::decode(&t).is_err());
        assert!(LlogHeader::decode(&buf[..4096]).is_err());
    }

    #[test]
    fn records_round_trip_and_are_checked() {
        let mut chunk = vec![0u8; 256];
        let mut off = 0;
        for (i, body) in [&b"abc"[..], &b"0123456789abcdef"[..]].iter().enumerate() {
            off += encode_llog_rec(
                OBD_CFG_REC,
                i as u32 + 1,
                body.len(),
                |b| {
                    b.copy_from_slice(body);
                    Ok(())
                },
                &mut chunk[off..],
            )
            .unwrap();
        }
        assert_eq!(off, llog_rec_size(3) + llog_rec_size(16));
        let recs: std::vec::Vec<_> = LlogRecords::new(&chunk[..off])
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(&recs[0].body[..3], b"abc");
        assert_eq!(recs[1].hdr.lrh_index, 2);

        // A record longer than the chunk, a bad tail, an unknown type.
        let mut bad_len = chunk.clone();
        bad_len[0..4].copy_from_slice(&4096u32.to_le_bytes());
        assert!(LlogRecords::new(&bad_len[..off]).next().unwrap().is_err());
        let mut bad_tail = chunk.clone();
        bad_tail[llog_rec_size(3) - 4] = 9;
        assert!(LlogRecords::new(&bad_tail[..off]).next().unwrap().is_err());
        let mut bad_type = chunk.clone();
        bad_type[8..12].copy_from_slice(&1u32.to_le_bytes());
        let mut it = LlogRecords::new(&bad_type[..off]);
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
        // The unused rest of a chunk ends the records.
        assert_eq!(LlogRecords::new(&chunk).count(), 2);
    }

    #[test]
    fn swabbed_records_are_read() {
        let mut rec = [0u8; 32];
        for (at, v) in [(0, 32u32), (4, 7), (8, OBD_CFG_REC), (24, 32), (28, 7)] {
            rec[at..at + 4].copy_from_slice(&v.to_be_bytes());
        }
        let r = LlogRecords::new(&rec).next().unwrap().unwrap();
        assert_eq!(r.order, ByteOrder::Big);
        assert_eq!(r.hdr.lrh_index, 7);
    }
}
