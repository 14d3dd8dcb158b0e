//! The lock manager's structures (LDLM): resource names, lock descriptions,
//! and the bodies of enqueue requests and replies, with the lock modes,
//! types, inode bits and intent opcodes as typed values.

use crate::wire::error::WireError;
use crate::wire::layout::wire_struct;
use crate::wire::lustre::fid::LuFid;

/// A lock mode (`enum ldlm_mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockMode {
    /// Exclusive.
    Ex,
    /// Protected write.
    Pw,
    /// Protected read.
    Pr,
    /// Concurrent write.
    Cw,
    /// Concurrent read.
    Cr,
    /// Null.
    Nl,
    /// Group.
    Group,
}

impl LockMode {
    /// The wire value (`LCK_*`).
    pub const fn to_wire(self) -> u32 {
        match self {
            LockMode::Ex => 1,
            LockMode::Pw => 2,
            LockMode::Pr => 4,
            LockMode::Cw => 8,
            LockMode::Cr => 16,
            LockMode::Nl => 32,
            LockMode::Group => 64,
        }
    }

    /// The mode of wire value `v`.
    ///
    /// # Errors
    /// [`WireError::BadField`] for an unknown mode.
    pub const fn from_wire(v: u32) -> Result<Self, WireError> {
        Ok(match v {
            1 => LockMode::Ex,
            2 => LockMode::Pw,
            4 => LockMode::Pr,
            8 => LockMode::Cw,
            16 => LockMode::Cr,
            32 => LockMode::Nl,
            64 => LockMode::Group,
            _ => {
                return Err(WireError::BadField {
                    field: "ldlm mode",
                    value: v as u64,
                })
            }
        })
    }

    /// Whether a lock of this mode and one of `other` may be held at once
    /// (LDLM's compatibility matrix).
    pub const fn compatible(self, other: LockMode) -> bool {
        use LockMode::*;
        match (self, other) {
            (Nl, _) | (_, Nl) => true,
            (Cr, Ex) | (Ex, Cr) => false,
            (Cr, _) | (_, Cr) => true,
            (Cw, Cw) => true,
            (Pr, Pr) => true,
            (Group, Group) => true,
            _ => false,
        }
    }
}

/// `LDLM_PLAIN`.
pub const LDLM_PLAIN: u32 = 10;
/// `LDLM_EXTENT`: byte ranges of OST objects.
pub const LDLM_EXTENT: u32 = 11;
/// `LDLM_FLOCK`: POSIX and BSD file locks.
pub const LDLM_FLOCK: u32 = 12;
/// `LDLM_IBITS`: inode bits of MDT objects.
pub const LDLM_IBITS: u32 = 13;

/// `MDS_INODELOCK_LOOKUP`.
pub const MDS_INODELOCK_LOOKUP: u64 = 0x1;
/// `MDS_INODELOCK_UPDATE`.
pub const MDS_INODELOCK_UPDATE: u64 = 0x2;
/// `MDS_INODELOCK_OPEN`.
pub const MDS_INODELOCK_OPEN: u64 = 0x4;
/// `MDS_INODELOCK_LAYOUT`.
pub const MDS_INODELOCK_LAYOUT: u64 = 0x8;
/// `MDS_INODELOCK_PERM`.
pub const MDS_INODELOCK_PERM: u64 = 0x10;
/// `MDS_INODELOCK_XATTR`.
pub const MDS_INODELOCK_XATTR: u64 = 0x20;
/// `MDS_INODELOCK_DOM`.
pub const MDS_INODELOCK_DOM: u64 = 0x40;
/// All inode bits (`MDS_INODELOCK_FULL`).
pub const MDS_INODELOCK_FULL: u64 = 0x7f;

/// `IT_OPEN`.
pub const IT_OPEN: u64 = 0x1;
/// `IT_CREAT`.
pub const IT_CREAT: u64 = 0x2;
/// `IT_GETATTR`.
pub const IT_GETATTR: u64 = 0x8;
/// `IT_LOOKUP`.
pub const IT_LOOKUP: u64 = 0x10;
/// `IT_GETXATTR`.
pub const IT_GETXATTR: u64 = 0x80;
/// `IT_LAYOUT`.
pub const IT_LAYOUT: u64 = 0x400;
/// `IT_GLIMPSE`.
pub const IT_GLIMPSE: u64 = 0x4000;

/// `LDLM_FL_HAS_INTENT`: an intent buffer follows the request.
pub const LDLM_FL_HAS_INTENT: u32 = 0x1000;
/// `LDLM_FL_LOCK_CHANGED`: the server changed the lock (its resource or
/// extent).
pub const LDLM_FL_LOCK_CHANGED: u32 = 0x1;
/// `ELDLM_LOCK_ABORTED` in `pb_status`: the intent was executed, no lock
/// is granted.
pub const ELDLM_LOCK_ABORTED: i32 = 301;
/// `DISP_IT_EXECD` (intent replies' `lock_policy_res1`): the intent ran.
pub const DISP_IT_EXECD: u64 = 0x1;
/// `DISP_LOOKUP_EXECD`: the name was looked up.
pub const DISP_LOOKUP_EXECD: u64 = 0x2;
/// `DISP_LOOKUP_NEG`: it does not exist.
pub const DISP_LOOKUP_NEG: u64 = 0x4;
/// `DISP_LOOKUP_POS`: it exists.
pub const DISP_LOOKUP_POS: u64 = 0x8;
/// `DISP_OPEN_CREATE`: it was created.
pub const DISP_OPEN_CREATE: u64 = 0x10;
/// `DISP_OPEN_OPEN`: it was opened.
pub const DISP_OPEN_OPEN: u64 = 0x20;
/// `LDLM_FL_BLOCK_GRANTED`: the lock was not granted yet.
pub const LDLM_FL_BLOCK_GRANTED: u32 = 0x2;

/// The resource name of the MDT or FID-based OST object `fid`.
pub const fn res_id_of_fid(fid: &LuFid) -> [u64; 4] {
    [fid.seq, ((fid.ver as u64) << 32) | fid.oid as u64, 0, 0]
}

wire_struct! {
    /// `struct ldlm_lock_desc` (with its `ldlm_resource_desc` flattened): a
    /// lock's resource, modes and policy data (extent, inode bits or flock,
    /// by the resource type).
    pub struct LdlmLockDesc("ldlm_lock_desc", RawLdlmLockDesc, LDLM_LOCK_DESC_SIZE = 80) {
        /// The resource type (`LDLM_*`).
        lr_type @ 0: u32 = u32,
        /// Padding, zero.
        lr_pad @ 4: u32 = u32,
        /// The resource name.
        lr_name @ 8: [u64; 4] = [u64; 4],
        /// The mode asked for (`LCK_*`).
        l_req_mode @ 40: u32 = u32,
        /// The mode granted.
        l_granted_mode @ 44: u32 = u32,
        /// The policy: for extents (start, end, gid, -), for inode bits
        /// (bits, try/cancel bits, gid, -).
        l_policy_data @ 48: [u64; 4] = [u64; 4],
    }
}

impl LdlmLockDesc {
    /// Whether a lock described so conflicts with `other`: the same
    /// resource, modes that are not compatible, and policies that overlap
    /// (extents for EXTENT and FLOCK locks, inclusive; bits for IBITS; all
    /// of it for PLAIN). An unknown mode conflicts with everything.
    pub fn conflicts(&self, other: &LdlmLockDesc) -> bool {
        if self.lr_type != other.lr_type || self.lr_name != other.lr_name {
            return false;
        }
        let modes = match (
            LockMode::from_wire(self.l_req_mode),
            LockMode::from_wire(other.l_req_mode),
        ) {
            (Ok(a), Ok(b)) => !a.compatible(b),
            _ => true,
        };
        let (a, b) = (&self.l_policy_data, &other.l_policy_data);
        modes
            && match self.lr_type {
                LDLM_EXTENT | LDLM_FLOCK => a[0] <= b[1] && b[0] <= a[1],
                LDLM_IBITS => a[0] & b[0] != 0,
                _ => true,
            }
    }
}

wire_struct! {
    /// `struct ldlm_request` with its two lock handle slots (the size a
    /// client always sends; more handles may follow for cancels).
    pub struct LdlmRequest("ldlm_request", RawLdlmRequest, LDLM_REQUEST_SIZE = 104) {
        /// `LDLM_FL_*` flags.
        lock_flags @ 0: u32 = u32,
        /// The handles used in `lock_handle`.
        lock_count @ 4: u32 = u32,
        /// The lock.
        lock_desc @ 8: LdlmLockDesc = RawLdlmLockDesc,
        /// Lock handles (cookies).
        lock_handle @ 88: [u64; 2] = [u64; 2],
    }
}

wire_struct! {
    /// `struct ldlm_reply`.
    pub struct LdlmReply("ldlm_reply", RawLdlmReply, LDLM_REPLY_SIZE = 112) {
        /// `LDLM_FL_*` flags.
        lock_flags @ 0: u32 = u32,
        /// Padding, zero.
        lock_padding @ 4: u32 = u32,
        /// The lock as granted.
        lock_desc @ 8: LdlmLockDesc = RawLdlmLockDesc,
        /// The server's handle of the lock.
        lock_handle @ 88: u64 = u64,
        /// The intent's disposition (`DISP_*`).
        lock_policy_res1 @ 96: u64 = u64,
        /// The intent's status (a negative errno).
        lock_policy_res2 @ 104: u64 = u64,
    }
}

wire_struct! {
    /// `struct ldlm_intent`: what an intent enqueue asks the server to do.
    pub struct LdlmIntent("ldlm_intent", RawLdlmIntent, LDLM_INTENT_SIZE = 8) {
        /// `IT_*` bits.
        opc @ 0: u64 = u64,
    }
}

wire_struct! {
    /// `struct layout_intent`: the part of a file's layout an IT_LAYOUT
    /// enqueue is about.
    pub struct LayoutIntent("layout_intent", RawLayoutIntent, LAYOUT_INTENT_SIZE = 24) {
        /// `LAYOUT_INTENT_*` operation.
        lai_opc @ 0: u32 = u32,
        /// Flags.
        lai_flags @ 4: u32 = u32,
        /// The start of the byte range.
        lai_extent_start @ 8: u64 = u64,
        /// The end of the byte range.
        lai_extent_end @ 16: u64 = u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desc(ty: u32, mode: LockMode, policy: [u64; 2]) -> LdlmLockDesc {
        LdlmLockDesc {
            lr_type: ty,
            lr_name: [7, 0, 0, 0],
            l_req_mode: mode.to_wire(),
            l_policy_data: [policy[0], policy[1], 0, 0],
            ..LdlmLockDesc::default()
        }
    }

    #[test]
    fn conflicts_by_mode_and_policy() {
        use LockMode::*;
        let pw = desc(LDLM_EXTENT, Pw, [0, 4095]);
        assert!(pw.conflicts(&desc(LDLM_EXTENT, Pr, [4095, u64::MAX])));
        assert!(!pw.conflicts(&desc(LDLM_EXTENT, Pr, [4096, u64::MAX])));
        assert!(!desc(LDLM_EXTENT, Pr, [0, 9]).conflicts(&desc(LDLM_EXTENT, Pr, [0, 9])));
        assert!(desc(LDLM_IBITS, Pw, [0x2, 0]).conflicts(&desc(LDLM_IBITS, Pr, [0x3, 0])));
        assert!(!desc(LDLM_IBITS, Pw, [0x2, 0]).conflicts(&desc(LDLM_IBITS, Pr, [0x1, 0])));
        assert!(desc(LDLM_PLAIN, Ex, [0, 0]).conflicts(&desc(LDLM_PLAIN, Cr, [0, 0])));
        let mut other = pw;
        other.lr_name[0] = 8;
        assert!(!pw.conflicts(&other), "another resource");
    }
    use crate::wire::codec::ByteOrder;

    #[test]
    fn modes_are_compatible_as_in_ldlm() {
        use LockMode::*;
        assert!(Pr.compatible(Pr));
        assert!(!Pr.compatible(Pw));
        assert!(!Ex.compatible(Cr));
        assert!(Cr.compatible(Pw));
        assert!(Nl.compatible(Ex));
        for m in [Ex, Pw, Pr, Cw, Cr, Nl, Group] {
            assert_eq!(LockMode::from_wire(m.to_wire()), Ok(m));
        }
        assert!(LockMode::from_wire(3).is_err());
    }

    #[test]
    fn resource_names_follow_the_fid() {
        let fid = LuFid {
            seq: 0x2_0000_0401,
            oid: 5,
            ver: 1,
        };
        assert_eq!(res_id_of_fid(&fid), [0x2_0000_0401, 0x1_0000_0005, 0, 0]);
    }

    #[test]
    fn intents_round_trip() {
        let it = LdlmIntent {
            opc: IT_OPEN | IT_CREAT,
        };
        let mut buf = [0u8; LDLM_INTENT_SIZE];
        it.encode(&mut buf).unwrap();
        assert_eq!(buf, [3, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(LdlmIntent::decode(&buf, ByteOrder::Little), Ok(it));
        let li = LayoutIntent {
            lai_opc: 2,
            lai_flags: 0,
            lai_extent_start: 0,
            lai_extent_end: u64::MAX,
        };
        let mut buf = [0u8; LAYOUT_INTENT_SIZE];
        li.encode(&mut buf).unwrap();
        assert_eq!(&buf[16..24], &[0xff; 8]);
        assert_eq!(LayoutIntent::decode(&buf, ByteOrder::Little), Ok(li));
    }

    #[test]
    fn request_round_trips() {
        let desc = LdlmLockDesc {
            lr_type: LDLM_IBITS,
            lr_name: res_id_of_fid(&LuFid::ROOT),
            l_req_mode: LockMode::Pr.to_wire(),
            l_policy_data: [MDS_INODELOCK_LOOKUP | MDS_INODELOCK_UPDATE, 0, 0, 0],
            ..LdlmLockDesc::default()
        };
        let req = LdlmRequest {
            lock_flags: LDLM_FL_HAS_INTENT,
            lock_count: 0,
            lock_desc: desc,
            lock_handle: [0, 0],
        };
        let mut buf = [0u8; LDLM_REQUEST_SIZE];
        req.encode(&mut buf).unwrap();
        assert_eq!(&buf[8..12], &13u32.to_le_bytes());
        assert_eq!(&buf[48..52], &4u32.to_le_bytes());
        assert_eq!(LdlmRequest::decode(&buf, ByteOrder::Little), Ok(req));
        // A big-endian peer's nested fields are swapped too.
        let mut be = [0u8; LDLM_REQUEST_SIZE];
        be[8..12].copy_from_slice(&13u32.to_be_bytes());
        be[48..52].copy_from_slice(&4u32.to_be_bytes());
        let got = LdlmRequest::decode(&be, ByteOrder::Big).unwrap();
        assert_eq!(got.lock_desc.lr_type, LDLM_IBITS);
        assert_eq!(got.lock_desc.l_req_mode, 4);
    }
}
