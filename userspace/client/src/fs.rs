//! The file commands of `rustre-client`: mount a file system from its
//! source (`MGSNID:/FSNAME`) with the client library, do one thing on it,
//! unmount.

use std::io::Write;

use rustre_client::Client;
use rustre_lnet::wire::lustre::fid::LuFid;
use rustre_lnet::wire::mount_source::MountSource;
use rustre_lnet::Node;

/// The file commands, for the usage text.
pub const COMMANDS: &str = "  targets SOURCE              print the targets the configuration names
  ls SOURCE PATH              list a directory
  stat SOURCE PATH            print a file's attributes
  mkdir SOURCE PATH           make a directory
  put SOURCE LOCAL PATH       copy a local file in (created, default striping)
  cat SOURCE PATH             copy a file to standard output
  mv SOURCE PATH NEWPATH      rename
  rm SOURCE PATH              remove a file, or an empty directory";

/// A path's directory and last name.
fn split(path: &str) -> Result<(&str, &str), String> {
    let path = path.trim_end_matches('/');
    match path.rsplit_once('/') {
        Some((dir, name)) if !name.is_empty() => Ok((dir, name)),
        _ => Err(format!("'{path}' is not an absolute path to a name")),
    }
}

/// Mounts `source` with `node`, runs `cmd` (its words after the source),
/// unmounts.
pub fn run(node: &Node, source: &str, cmd: &str, args: &[&str]) -> Result<(), String> {
    let src = MountSource::parse(source).map_err(|e| format!("{source}: {e}"))?;
    let (_, mgs) = src.mgs_nids().next().ok_or("no MGS NID")?;
    let uuid = format!("rustre-client-{}_UUID", std::process::id());
    let c = Client::mount(node, mgs, src.fsname(), &uuid)
        .map_err(|e| format!("mount {source}: {e}"))?;
    let e = |e: rustre_ptlrpc::Error| e.to_string();
    let result = match (cmd, args) {
        ("targets", []) => {
            for t in c.config.mdts.iter().chain(&c.config.osts) {
                println!("{} {}", t.uuid, rustre_lnet::fmt_nid(t.nid));
            }
            Ok(())
        }
        ("ls", [path]) => {
            let dir = c.stat(path).map_err(e)?;
            for (name, fid, _) in c.mdc.readdir(dir.fid).map_err(e)? {
                println!(
                    "{} [{:#x}:{:#x}:{:#x}]",
                    String::from_utf8_lossy(&name),
                    fid.seq,
                    fid.oid,
                    fid.ver
                );
            }
            Ok(())
        }
        ("stat", [path]) => {
            let a = c.stat(path).map_err(e)?;
            let f = a.fid;
            println!(
                "fid [{:#x}:{:#x}:{:#x}] mode {:o} links {} owner {}:{}",
                f.seq, f.oid, f.ver, a.mode, a.nlink, a.owner.0, a.owner.1
            );
            Ok(())
        }
        ("mkdir", [path]) => {
            let (dir, name) = split(path)?;
            let d = c.stat(dir).map_err(e)?;
            c.mdc
                .create(d.fid, name.as_bytes(), 0o040_755, b"")
                .map(drop)
                .map_err(e)
        }
        ("put", [local, path]) => {
            let data = std::fs::read(local).map_err(|err| format!("{local}: {err}"))?;
            let (dir, name) = split(path)?;
            let d = c.stat(dir).map_err(e)?;
            let f = c.create(d.fid, name, 0o644, &[]).map_err(e)?;
            let written = c.write(&f, 0, &data).map_err(e);
            c.close(f).map_err(e)?;
            written
        }
        ("cat", [path]) => {
            let (dir, name) = split(path)?;
            let d = c.stat(dir).map_err(e)?;
            let f = c.open(d.fid, name).map_err(e)?;
            let data = c.read(&f, 0, u64::MAX).map_err(e);
            c.close(f).map_err(e)?;
            std::io::stdout()
                .write_all(&data?)
                .map_err(|err| err.to_string())
        }
        ("mv", [from, to]) => {
            let ((fd, fname), (td, tname)) = (split(from)?, split(to)?);
            let (f, t): (LuFid, LuFid) = (c.stat(fd).map_err(e)?.fid, c.stat(td).map_err(e)?.fid);
            c.mdc
                .rename(f, fname.as_bytes(), t, tname.as_bytes())
                .map_err(e)
        }
        ("rm", [path]) => {
            let (dir, name) = split(path)?;
            let d = c.stat(dir).map_err(e)?;
            let is_dir =
                c.mdc.lookup(d.fid, name.as_bytes()).map_err(e)?.mode & 0o170_000 == 0o040_000;
            c.mdc.unlink(d.fid, name.as_bytes(), is_dir).map_err(e)
        }
        _ => Err(format!("{cmd}: wrong arguments\n{COMMANDS}")),
    };
    let unmounted = c.unmount().map_err(e);
    result.and(unmounted)
}
