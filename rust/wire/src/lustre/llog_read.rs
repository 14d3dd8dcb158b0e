//! Reading a log from a server, chunk by chunk
//! (`LLOG_ORIGIN_HANDLE_NEXT_BLOCK`), as a client reads its configuration
//! log: [`LlogCursor`] says what to ask for next and which records of each
//! chunk are new and live.

use crate::wire::error::WireError;
use crate::wire::lustre::llog::{LlogHeader, LlogRecords, LLOG_MIN_CHUNK_SIZE, OBD_CFG_REC};
use crate::wire::lustre::mgs::LlogdBody;

/// Where a reader is in a log.
#[derive(Clone, Copy, Debug)]
pub struct LlogCursor<'h> {
    header: LlogHeader<'h>,
    /// The next NEXT_BLOCK request: the first index not yet read and the
    /// offset of the chunk that holds it.
    req: LlogdBody,
}

impl<'h> LlogCursor<'h> {
    /// A cursor at the first record of the log `log` (the body of the
    /// `LLOG_ORIGIN_HANDLE_CREATE` reply), whose header is `header`.
    pub fn new(log: LlogdBody, header: LlogHeader<'h>) -> Self {
        let req = LlogdBody {
            lgd_index: 1,
            lgd_cur_offset: header.chunk_size() as u64,
            lgd_len: LLOG_MIN_CHUNK_SIZE as u32,
            ..log
        };
        LlogCursor { header, req }
    }

    /// The body of the next `LLOG_ORIGIN_HANDLE_NEXT_BLOCK` request, or
    /// `None` once the header's last record has been read. A server
    /// answers `-EBADR` when asked past the end.
    pub fn next_request(&self) -> Option<LlogdBody> {
        (self.req.lgd_index <= self.header.last_index).then_some(self.req)
    }

    /// Takes the reply to [`Self::next_request`] (its `llogd_body` and its
    /// chunk of records): gives `f` the body of each live configuration
    /// record of the chunk that was not read before, in order.
    ///
    /// # Errors
    /// What `f` returns; [`WireError`] for a malformed record or a reply
    /// that does not move the cursor forward.
    pub fn chunk<E: From<WireError>>(
        &mut self,
        reply: &LlogdBody,
        records: &[u8],
        mut f: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        for rec in LlogRecords::new(records) {
            let rec = rec?;
            let index = rec.hdr.lrh_index;
            if index >= self.req.lgd_index
                && rec.hdr.lrh_type == OBD_CFG_REC
                && self.header.is_live(index)
            {
                f(rec.body)?;
            }
        }
        if reply.lgd_saved_index < self.req.lgd_index
            || reply.lgd_cur_offset <= self.req.lgd_cur_offset
        {
            return Err(WireError::BadField {
                field: "llogd_body.lgd_saved_index",
                value: reply.lgd_saved_index.into(),
            }
            .into());
        }
        self.req.lgd_index = reply.lgd_saved_index.saturating_add(1);
        self.req.lgd_cur_offset = reply.lgd_cur_offset;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::wire::lustre::llog::{encode_llog_header, encode_llog_rec, LlogLogHdr};
    use std::vec;
    use std::vec::Vec;

    /// A chunk of records `indices`, each of type `OBD_CFG_REC` with its
    /// index as its one-byte body.
    fn chunk(indices: &[u32]) -> Vec<u8> {
        let mut c = vec![0u8; 1024];
        let mut off = 0;
        for &i in indices {
            off += encode_llog_rec(
                OBD_CFG_REC,
                i,
                1,
                |b| {
                    b[0] = i as u8;
                    Ok(())
                },
                &mut c[off..],
            )
            .unwrap();
        }
        c.truncate(off);
        c
    }

    fn reply(saved: u32, offset: u64) -> LlogdBody {
        LlogdBody {
            lgd_saved_index: saved,
            lgd_cur_offset: offset,
            ..LlogdBody::default()
        }
    }

    #[test]
    fn reads_live_records_once_in_order() {
        let mut hdr = vec![0u8; LLOG_MIN_CHUNK_SIZE];
        encode_llog_header(&LlogLogHdr::default(), 5, |i| i != 2, &mut hdr).unwrap();
        let header = LlogHeader::decode(&hdr).unwrap();
        let mut c = LlogCursor::new(LlogdBody::default(), header);
        let first = c.next_request().unwrap();
        assert_eq!(first.lgd_index, 1);
        assert_eq!(first.lgd_cur_offset, LLOG_MIN_CHUNK_SIZE as u64);

        let mut seen = Vec::new();
        let mut keep = |b: &[u8]| -> Result<(), WireError> {
            seen.push(b[0]);
            Ok(())
        };
        c.chunk(
            &reply(3, 2 * LLOG_MIN_CHUNK_SIZE as u64),
            &chunk(&[1, 2, 3]),
            &mut keep,
        )
        .unwrap();
        assert_eq!(c.next_request().unwrap().lgd_index, 4);
        // A server may send a record again: it is not given twice.
        c.chunk(
            &reply(5, 3 * LLOG_MIN_CHUNK_SIZE as u64),
            &chunk(&[3, 4, 5]),
            &mut keep,
        )
        .unwrap();
        assert!(c.next_request().is_none());
        assert_eq!(seen, [1, 3, 4, 5]);
    }

    #[test]
    fn a_reply_that_does_not_move_on_is_an_error() {
        let mut hdr = vec![0u8; LLOG_MIN_CHUNK_SIZE];
        encode_llog_header(&LlogLogHdr::default(), 5, |_| true, &mut hdr).unwrap();
        let header = LlogHeader::decode(&hdr).unwrap();
        let mut c = LlogCursor::new(LlogdBody::default(), header);
        let ok = |_: &[u8]| -> Result<(), WireError> { Ok(()) };
        let at = LLOG_MIN_CHUNK_SIZE as u64;
        assert!(c.chunk(&reply(0, 2 * at), &chunk(&[]), ok).is_err());
        assert!(c.chunk(&reply(2, at), &chunk(&[1, 2]), ok).is_err());
        // A malformed record fails the chunk.
        let mut bad = chunk(&[1]);
        bad[0] = 0xff;
        assert!(c.chunk(&reply(1, 2 * at), &bad, ok).is_err());
        // What the callback returns fails it too.
        let stop = |_: &[u8]| -> Result<(), WireError> {
            Err(WireError::BadField {
                field: "test",
                value: 0,
            })
        };
        assert!(c.chunk(&reply(1, 2 * at), &chunk(&[1]), stop).is_err());
    }
}
