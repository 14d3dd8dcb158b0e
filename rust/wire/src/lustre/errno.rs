//! The error numbers of `pb_status` and other wire fields (`lustre_errno.h`):
//! Linux's x86 numbers, whatever the peer's architecture, negated on the
//! wire. Only those that our code sends or tests for are here.

/// `EPERM`.
pub const EPERM: i32 = 1;
/// `ENOENT`.
pub const ENOENT: i32 = 2;
/// `EIO`.
pub const EIO: i32 = 5;
/// `E2BIG`.
pub const E2BIG: i32 = 7;
/// `EAGAIN`.
pub const EAGAIN: i32 = 11;
/// `ENOMEM`.
pub const ENOMEM: i32 = 12;
/// `EACCES`.
pub const EACCES: i32 = 13;
/// `EBUSY`.
pub const EBUSY: i32 = 16;
/// `EEXIST`.
pub const EEXIST: i32 = 17;
/// `EXDEV`.
pub const EXDEV: i32 = 18;
/// `ENODEV`: no such target.
pub const ENODEV: i32 = 19;
/// `ENOTDIR`.
pub const ENOTDIR: i32 = 20;
/// `EISDIR`.
pub const EISDIR: i32 = 21;
/// `EINVAL`.
pub const EINVAL: i32 = 22;
/// `EFBIG`.
pub const EFBIG: i32 = 27;
/// `ENOSPC`.
pub const ENOSPC: i32 = 28;
/// `EROFS`.
pub const EROFS: i32 = 30;
/// `ERANGE`.
pub const ERANGE: i32 = 34;
/// `ENAMETOOLONG`.
pub const ENAMETOOLONG: i32 = 36;
/// `ENOTEMPTY`.
pub const ENOTEMPTY: i32 = 39;
/// `EBADR`: a log read past its end.
pub const EBADR: i32 = 53;
/// `ENODATA`: no such extended attribute.
pub const ENODATA: i32 = 61;
/// `EPROTO`: a malformed message.
pub const EPROTO: i32 = 71;
/// `EOPNOTSUPP`: an opcode the target does not serve.
pub const EOPNOTSUPP: i32 = 95;
/// `ENOTCONN`: the client is not connected (or was evicted).
pub const ENOTCONN: i32 = 107;
/// `ETIMEDOUT`.
pub const ETIMEDOUT: i32 = 110;
/// `EALREADY`.
pub const EALREADY: i32 = 114;
/// `EINPROGRESS`: retry later.
pub const EINPROGRESS: i32 = 115;
/// `ESTALE`.
pub const ESTALE: i32 = 116;
