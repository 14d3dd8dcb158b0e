//! Llog files as the MGS keeps and serves them: a header chunk, then chunks
//! of [`LLOG_MIN_CHUNK_SIZE`] bytes holding the records. A record never
//! straddles two chunks: when the next one does not fit, a padding record
//! (with an index of its own, as Lustre writes them) fills the chunk.
//!
//! Reading follows Lustre's `llog_osd_next_block`: the client asks for the
//! records from index `lgd_index` on, starting at byte `lgd_cur_offset`;
//! it gets the first chunk from there that holds such a record, the index
//! of that chunk's last record and the offset after it, and `-EBADR` past
//! the end of the log.

use rustre_lnet::wire::lustre::errno::EBADR;
use rustre_lnet::wire::lustre::llog::{
    encode_llog_header, encode_llog_rec, llog_rec_size, LlogLogHdr, LlogRecords, LLOG_F_IS_PLAIN,
    LLOG_MIN_CHUNK_SIZE, LLOG_PAD_MAGIC, LLOG_REC_HDR_SIZE, LLOG_REC_TAIL_SIZE,
};
use rustre_lnet::wire::lustre::mgs::LlogdBody;

const CHUNK: usize = LLOG_MIN_CHUNK_SIZE;

/// The smallest record: a head and a tail (`LLOG_MIN_REC_SIZE`).
const LLOG_MIN_REC_SIZE: usize = LLOG_REC_HDR_SIZE + LLOG_REC_TAIL_SIZE;

/// A whole log.
#[derive(Clone, Debug)]
pub struct Llog {
    /// The header chunk, then the record chunks.
    file: Vec<u8>,
}

impl Llog {
    /// A plain log of records of type `lrh_type` with `bodies`, indexed
    /// from 1 in order (padding records take indexes too, but are not
    /// live). As Lustre, a record is padded out to the chunk's end unless
    /// what is left after it is either nothing or room for a padding
    /// record.
    ///
    /// # Panics
    /// When a record does not fit in a chunk, or the log in a header's
    /// bitmap.
    pub fn new(lrh_type: u32, bodies: &[Vec<u8>], timestamp: u64) -> Llog {
        let mut file = vec![0u8; CHUNK];
        let mut pads = Vec::new();
        let mut index = 0;
        for body in bodies {
            let len = llog_rec_size(body.len());
            assert!(len <= CHUNK, "an llog record over a chunk");
            let left = CHUNK - file.len() % CHUNK;
            if left != CHUNK && left != len && left < len + LLOG_MIN_REC_SIZE {
                index += 1;
                pads.push(index);
                let at = file.len();
                file.resize(at + left, 0);
                let pad_body = left - LLOG_MIN_REC_SIZE;
                encode_llog_rec(LLOG_PAD_MAGIC, index, pad_body, |_| Ok(()), &mut file[at..])
                    .expect("sized above");
            }
            index += 1;
            let at = file.len();
            file.resize(at + len, 0);
            let fill = |b: &mut [u8]| {
                b.copy_from_slice(body);
                Ok(())
            };
            encode_llog_rec(lrh_type, index, body.len(), fill, &mut file[at..])
                .expect("sized above");
        }
        // The last chunk is whole, as on disk.
        file.resize(file.len().next_multiple_of(CHUNK), 0);
        let hdr = LlogLogHdr {
            llh_timestamp: timestamp,
            llh_flags: LLOG_F_IS_PLAIN,
            ..LlogLogHdr::default()
        };
        encode_llog_header(&hdr, index, |i| !pads.contains(&i), &mut file[..CHUNK])
            .expect("a log that fits its bitmap");
        Llog { file }
    }

    /// The header chunk.
    pub fn header(&self) -> &[u8] {
        &self.file[..CHUNK]
    }

    /// The chunk that NEXT_BLOCK `req` asks for, and the body of the reply.
    ///
    /// # Errors
    /// [`EBADR`] past the end of the log.
    pub fn next_block(&self, req: &LlogdBody) -> Result<(LlogdBody, &[u8]), i32> {
        let from = usize::try_from(req.lgd_cur_offset).map_err(|_| EBADR)?;
        let mut start = (from / CHUNK * CHUNK).max(CHUNK);
        while start < self.file.len() {
            let chunk = &self.file[start..start + CHUNK];
            let last = LlogRecords::new(chunk)
                .map_while(Result::ok)
                .map(|r| r.hdr.lrh_index)
                .last()
                .unwrap_or(0);
            if last >= req.lgd_index {
                let body = LlogdBody {
                    lgd_saved_index: last,
                    lgd_cur_offset: (start + CHUNK) as u64,
                    lgd_len: CHUNK as u32,
                    ..*req
                };
                return Ok((body, chunk));
            }
            start += CHUNK;
        }
        Err(EBADR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustre_lnet::wire::lustre::llog::{LlogHeader, OBD_CFG_REC};

    /// Reads the whole log as a client does, returning the bodies of the
    /// records of type OBD_CFG_REC.
    fn read(log: &Llog) -> Vec<Vec<u8>> {
        let h = LlogHeader::decode(log.header()).unwrap();
        let mut out = Vec::new();
        let mut req = LlogdBody {
            lgd_index: 1,
            lgd_cur_offset: CHUNK as u64,
            ..LlogdBody::default()
        };
        loop {
            let (body, chunk) = match log.next_block(&req) {
                Ok(b) => b,
                Err(e) => {
                    assert_eq!(e, EBADR);
                    break;
                }
            };
            for r in LlogRecords::new(chunk).map_while(Result::ok) {
                if r.hdr.lrh_index >= req.lgd_index && h.is_live(r.hdr.lrh_index) && !r.is_pad() {
                    out.push(r.body.to_vec());
                }
            }
            req.lgd_index = body.lgd_saved_index + 1;
            req.lgd_cur_offset = body.lgd_cur_offset;
        }
        out
    }

    #[test]
    fn packs_records_into_chunks_and_serves_them_in_order() {
        // 40 records of 424 bytes: 19 a chunk (8056 bytes, 128 left, too
        // little for another), so padding and three chunks.
        let bodies: Vec<Vec<u8>> = (0..40u8).map(|i| vec![i; 400]).collect();
        let log = Llog::new(OBD_CFG_REC, &bodies, 1);
        assert_eq!(log.file.len(), 4 * CHUNK);
        let h = LlogHeader::decode(log.header()).unwrap();
        assert_eq!(h.last_index, 42, "two padding records");
        assert!(!h.is_live(20) && h.is_live(21) && h.hdr.llh_count == 41);
        let got = read(&log);
        assert_eq!(got.len(), 40);
        for (g, b) in got.iter().zip(&bodies) {
            assert_eq!(&g[..400], &b[..]);
        }
        let past = LlogdBody {
            lgd_index: 43,
            lgd_cur_offset: CHUNK as u64,
            ..LlogdBody::default()
        };
        assert_eq!(log.next_block(&past).unwrap_err(), EBADR);
    }

    #[test]
    fn an_empty_log_has_only_its_header() {
        let log = Llog::new(OBD_CFG_REC, &[], 1);
        assert_eq!(log.file.len(), CHUNK);
        assert!(read(&log).is_empty());
    }
}
