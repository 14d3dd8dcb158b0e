// SPDX-License-Identifier: GPL-2.0

//! `test_lnet.ko`: a test of `lnet.ko`'s API, run when the module loads, in
//! the manner of the kernel's own `test_*.ko`: the load fails (`EIO`) when
//! a transfer goes wrong, and the log says which.
//!
//! ```text
//! modprobe test_lnet peer=10.99.0.2@tcp
//! ```
//!
//! It PUTs buffers of a known pattern to the peer's LNet echo service
//! (`rustre-server`), with ACKs, GETs them back into fresh buffers and
//! compares their checksums (with `peer=0@lo`, over the loopback, to MDs of
//! its own that play the echo service): sizes from 0 bytes to 1 MiB (`LNET_MTU`) one
//! at a time, 4 MiB as four 1 MiB transfers in flight at once, and 1000
//! transfers of 1 KiB in flight at once; then the same from and into pages
//! (page-array MDs): 1 byte to 1 MiB, 4 MiB in flight, 100 pages in
//! flight. With `flood=N` it runs one round
//! of N 1 MiB transfers instead, and logs when all N PUTs are queued. It
//! uses only the safe wrapper of `rust/lnet_api`, as `lustre.ko` will.

use kernel::alloc::KVVec;
use kernel::prelude::*;
use kernel::str::CStr;

/// The safe side of `lnet.ko`'s API.
#[path = "../../rust/lnet_api/mod.rs"]
pub mod lnet_api;

/// The wire protocol (`rust/wire`), for NIDs and the echo portal.
#[path = "../../rust/wire/src/wire.rs"]
pub mod wire;

use lnet_api::{EventKind, MdBuf, MdMemory, MdOptions, Pages, ProcessId};
use wire::lnet::{LNET_NID_ANY, LNET_PID_ANY, LNET_PID_LUSTRE, RUSTRE_ECHO_PORTAL};
use wire::nid::Nid;

/// The declarations generated from `params.h`.
#[allow(dead_code, missing_docs, unreachable_pub, clippy::all)]
mod params {
    include!("../../rust/generated/test_lnet_params.rs");
}

module! {
    type: TestLnet,
    name: "test_lnet",
    author: "Rustre developers",
    description: "Test of lnet.ko's PUT and GET API against an LNet echo service",
    license: "GPL",
}

/// One round: (bytes per transfer, transfers in flight at once).
type Round = (usize, usize);

/// How long one event may take, in milliseconds.
const TIMEOUT_MS: u32 = 60_000;

/// The loaded (and passed) test.
struct TestLnet;

impl kernel::Module for TestLnet {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        lnet_api::check_version()?;
        let peer = peer()?;
        // SAFETY: the accessor reads a plain module parameter.
        let flood = unsafe { params::test_lnet_param_flood() } as usize;
        let (buf_rounds, page_rounds): (&[Round], &[Round]) = if flood > 0 {
            (&[(1 << 20, flood)], &[])
        } else {
            (
                &[
                    (0, 1),
                    (1, 1),
                    (4095, 1),
                    (4096, 1),
                    (65536, 1),
                    (1 << 20, 1),
                    (1 << 20, 4),
                    (1024, 1000),
                    (7, 3),
                ],
                &[
                    (1, 1),
                    (4097, 1),
                    (65636, 1),
                    (1 << 20, 1),
                    (1 << 20, 4),
                    (4096, 100),
                ],
            )
        };
        let mut total = 0;
        for &(size, inflight) in buf_rounds {
            total += round::<KVVec<u8>>(peer, total, size, inflight, "bytes")?;
        }
        for &(size, inflight) in page_rounds {
            total += round::<Pages>(peer, total, size, inflight, "bytes in pages")?;
        }
        pr_info!("all {total} transfers passed\n");
        Ok(TestLnet)
    }
}

/// A buffer of `size` bytes on the echo portal that takes one PUT with
/// `match_bits` and gives it back to one GET: the echo service of a
/// transfer over the loopback.
fn echo_md<M: TestMemory>(size: usize, match_bits: u64) -> Result<MdBuf<M>> {
    // The GET reads from where the PUT wrote: offset 0 of both.
    let options = MdOptions {
        op_put: true,
        op_get: true,
        manage_remote: true,
        ..MdOptions::default()
    };
    let any = ProcessId {
        nid: LNET_NID_ANY,
        pid: LNET_PID_ANY,
    };
    MdBuf::attach(
        M::zeroed(size)?,
        2,
        options,
        RUSTRE_ECHO_PORTAL,
        any,
        match_bits,
        0,
    )
}

/// Runs one round: `inflight` transfers of `size` bytes of memory `M`,
/// numbered from `first`, and logs it. Returns `inflight`.
fn round<M: TestMemory>(
    peer: ProcessId,
    first: usize,
    size: usize,
    inflight: usize,
    what: &str,
) -> Result<usize> {
    transfer::<M>(peer, first as u64, size, inflight).inspect_err(|e| {
        pr_err!("{size} {what} x {inflight} in flight: FAILED ({e:?})\n");
    })?;
    pr_info!("{size} {what} x {inflight} in flight: ok\n");
    Ok(inflight)
}

/// The memory of a transfer's MDs: a buffer, or pages (`LNET_MD_KIOV`).
trait TestMemory: MdMemory + Sized {
    /// Memory holding `data`.
    fn holding(data: KVVec<u8>) -> Result<Self>;
    /// `size` zeroed bytes.
    fn zeroed(size: usize) -> Result<Self>;
    /// The bytes.
    fn bytes(self) -> Result<KVVec<u8>>;
}

impl TestMemory for KVVec<u8> {
    fn holding(data: KVVec<u8>) -> Result<Self> {
        Ok(data)
    }

    fn zeroed(size: usize) -> Result<Self> {
        Ok(KVVec::from_elem(0u8, size, GFP_KERNEL)?)
    }

    fn bytes(self) -> Result<KVVec<u8>> {
        Ok(self)
    }
}

impl TestMemory for Pages {
    fn holding(data: KVVec<u8>) -> Result<Self> {
        Pages::from_slice(&data)
    }

    fn zeroed(size: usize) -> Result<Self> {
        Pages::new(size)
    }

    fn bytes(self) -> Result<KVVec<u8>> {
        self.to_kvvec()
    }
}

/// The `peer` parameter.
fn peer() -> Result<ProcessId> {
    // SAFETY: the accessor returns the parameter, a NUL-terminated string
    // that does not change while the module is loaded, or null.
    let p = unsafe { params::test_lnet_param_peer() };
    if p.is_null() {
        pr_err!("peer=<NID of an LNet echo server> is required\n");
        return Err(EINVAL);
    }
    // SAFETY: as above.
    let text = unsafe { CStr::from_char_ptr(p) }.to_str().map_err(|_| EINVAL)?;
    let nid: Nid = text.parse().map_err(|e| {
        pr_err!("peer={text}: {e}\n");
        EINVAL
    })?;
    Ok(ProcessId {
        nid: nid.as_u64(),
        pid: LNET_PID_LUSTRE,
    })
}

/// The test pattern of transfer `seed`: xorshift64.
fn pattern(seed: u64, size: usize) -> Result<KVVec<u8>> {
    let mut buf = KVVec::with_capacity(size, GFP_KERNEL)?;
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    for _ in 0..size {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf.push(x as u8, GFP_KERNEL)?;
    }
    Ok(buf)
}

/// FNV-1a, 64 bits.
fn checksum(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// PUTs `inflight` buffers of `size` bytes to the echo service, all before
/// waiting for their ACKs, then GETs them back the same way and compares.
fn transfer<M: TestMemory>(peer: ProcessId, first: u64, size: usize, inflight: usize) -> Result {
    let bits = |i: usize| first + i as u64;
    // Over the loopback, this module is the echo service.
    let mut echo = KVec::new();
    if peer.nid == Nid::LO.as_u64() {
        echo.reserve(inflight, GFP_KERNEL)?;
        for i in 0..inflight {
            echo.push(echo_md::<M>(size, bits(i))?, GFP_KERNEL)?;
        }
    }
    let mut sums = KVec::with_capacity(inflight, GFP_KERNEL)?;
    let mut mds = KVec::with_capacity(inflight, GFP_KERNEL)?;
    for i in 0..inflight {
        let buf = pattern(bits(i), size)?;
        sums.push(checksum(&buf), GFP_KERNEL)?;
        // SEND and ACK.
        mds.push(MdBuf::bind(M::holding(buf)?, 2)?, GFP_KERNEL)?;
    }
    // All at once, once the buffers are made.
    for (i, md) in mds.iter().enumerate() {
        md.put(true, peer, RUSTRE_ECHO_PORTAL, bits(i), 0, 0)?;
    }
    // lnet_put() queues and returns: a peer that reads nothing meanwhile
    // (see tests/vm/lnet-tx-queue.sh) does not stop this line.
    pr_info!("{inflight} PUTs of {size} bytes queued\n");
    for md in mds.iter() {
        md.wait(EventKind::Ack, 1, TIMEOUT_MS)?;
    }
    drop(mds);
    let mut mds = KVec::with_capacity(inflight, GFP_KERNEL)?;
    for i in 0..inflight {
        // SEND and REPLY.
        let md = MdBuf::bind(M::zeroed(size)?, 2)?;
        md.get(peer, RUSTRE_ECHO_PORTAL, bits(i), 0)?;
        mds.push(md, GFP_KERNEL)?;
    }
    for (i, (md, sum)) in mds.into_iter().zip(sums.iter()).enumerate() {
        let got = md.wait(EventKind::Reply, 1, TIMEOUT_MS)?.length;
        let buf = md.into_buffer().bytes()?;
        if got as usize != size || checksum(&buf) != *sum {
            pr_err!("transfer {i}: got {got} bytes, checksum mismatch or short\n");
            return Err(EIO);
        }
    }
    Ok(())
}
