//! `lctl`: the control tool of Lustre, for Rustre's `lnet.ko`.
//!
//! ```text
//! lctl network up|down      start or stop this node's networks
//! lctl list_nids            the NIDs of this node
//! lctl ping NID [SECONDS]   ping a Lustre node through lnet.ko
//! ```
//!
//! Both go through the ioctls of `/dev/lnet`, whose buffers the wire crate
//! encodes and decodes for `lnet.ko` and for us alike.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::process::ExitCode;

use wire::lnet::ctl::{
    ListNids, PingRequest, PingResult, LIST_NIDS_SIZE, LNET_IOC_LIST_NIDS, LNET_IOC_NETWORK_DOWN,
    LNET_IOC_NETWORK_UP, LNET_IOC_PING, LNET_IOC_TYPE, NETWORK_SIZE, PING_SIZE,
};
use wire::nid::Nid;

const USAGE: &str = "usage: lctl network up|down
       lctl list_nids
       lctl ping NID [TIMEOUT_SECONDS]";

/// `_IOWR(LNET_IOC_TYPE, nr, size)` in this platform's ioctl encoding.
const fn iowr(nr: u8, size: usize) -> libc::c_ulong {
    // Read and write directions, and the shift of the direction bits.
    #[cfg(any(target_arch = "powerpc", target_arch = "powerpc64"))]
    const DIR: (libc::c_ulong, u32) = (2 | 4, 29);
    #[cfg(not(any(target_arch = "powerpc", target_arch = "powerpc64")))]
    const DIR: (libc::c_ulong, u32) = (2 | 1, 30);
    (DIR.0 << DIR.1)
        | ((size as libc::c_ulong) << 16)
        | ((LNET_IOC_TYPE as libc::c_ulong) << 8)
        | nr as libc::c_ulong
}

/// Runs ioctl `nr` on `/dev/lnet` with `buf`.
fn lnet_ioctl(nr: u8, buf: &mut [u8]) -> Result<(), String> {
    let dev =
        File::open("/dev/lnet").map_err(|e| format!("/dev/lnet: {e} (is lnet.ko loaded?)"))?;
    // SAFETY: `buf` is valid for reads and writes of its whole length, which
    // is the size encoded in the request number; the kernel touches no more.
    let rc = unsafe { libc::ioctl(dev.as_raw_fd(), iowr(nr, buf.len()), buf.as_mut_ptr()) };
    if rc < 0 {
        return Err(std::io::Error::last_os_error().to_string());
    }
    Ok(())
}

fn fmt_nid(nid: u64) -> String {
    Nid::from_u64(nid).map_or_else(|_| format!("{nid:#x}"), |n| n.to_string())
}

fn network(nr: u8) -> Result<(), String> {
    let mut buf = [0u8; NETWORK_SIZE];
    lnet_ioctl(nr, &mut buf)
}

fn list_nids() -> Result<(), String> {
    let mut buf = [0u8; LIST_NIDS_SIZE];
    lnet_ioctl(LNET_IOC_LIST_NIDS, &mut buf)?;
    let list = ListNids::decode(&buf).map_err(|e| e.to_string())?;
    for nid in &list.nids[..list.count] {
        println!("{}", fmt_nid(*nid));
    }
    Ok(())
}

fn ping(nid: &str, timeout: Option<&str>) -> Result<(), String> {
    let target: Nid = nid.parse().map_err(|e| format!("{nid}: {e}"))?;
    let seconds: u32 = match timeout {
        Some(t) => t
            .parse()
            .map_err(|_| format!("{t}: not a number of seconds"))?,
        None => 5,
    };
    let mut buf = [0u8; PING_SIZE];
    PingRequest {
        nid: target.as_u64(),
        timeout_ms: seconds.saturating_mul(1000),
    }
    .encode(&mut buf)
    .map_err(|e| e.to_string())?;
    lnet_ioctl(LNET_IOC_PING, &mut buf).map_err(|e| format!("failed to ping {nid}: {e}"))?;
    let res = PingResult::decode(&buf).map_err(|e| e.to_string())?;
    for (nid, _) in &res.nis[..res.count] {
        println!("{}-{}", res.pid, fmt_nid(*nid));
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args[..] {
        ["network", "up"] => network(LNET_IOC_NETWORK_UP),
        ["network", "down"] => network(LNET_IOC_NETWORK_DOWN),
        ["list_nids"] => list_nids(),
        ["ping", nid] => ping(nid, None),
        ["ping", nid, timeout] => ping(nid, Some(timeout)),
        ["--help" | "-h" | "help"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lctl: {e}");
            ExitCode::FAILURE
        }
    }
}
