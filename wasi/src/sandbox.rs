//! Path resolution that never leaves a directory descriptor.
//!
//! A guest path is resolved one component at a time, each opened with
//! `openat(…, O_NOFOLLOW)` relative to a descriptor this module holds, so the
//! kernel never walks more than one name and never follows a symbolic link
//! on its own. `..` pops a directory this walk itself descended into — it
//! never asks the kernel for a parent — so it cannot climb above the starting
//! descriptor. A symbolic link is read with `readlinkat` and its target
//! spliced into the remaining path, to be walked by the same rules: an
//! absolute target, or one that climbs too far, is refused. Because no step
//! trusts anything the kernel resolved from a name longer than one
//! component, a link created or retargeted while the program runs cannot
//! lead outside either: at worst an operation then finds a link where it
//! expected a directory and fails.
//!
//! An escape is [`ESCAPE`].

use crate::errno::{Errno, ErrnoResult};

/// What an attempt to leave the directory answers: `EPERM`, as wasmtime
/// answers it, so that programs print the same on both.
pub const ESCAPE: Errno = Errno::PERM;
use rustix::fs::{openat, readlinkat, Mode, OFlags};
use std::collections::VecDeque;
use std::ffi::CString;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

/// How many symbolic links one resolution may expand, as Linux's `MAXSYMLINKS`.
const MAX_SYMLINKS: u32 = 40;

/// Where a guest path ended up: the directory holding its last component,
/// and that component's name, for the `*at` call the operation makes.
pub struct Resolved<'a> {
    base: BorrowedFd<'a>,
    /// Directories descended into below `base`; the last is the parent.
    stack: Vec<OwnedFd>,
    /// The last component: a single name, `.` for the directory itself.
    pub name: CString,
}

impl Resolved<'_> {
    /// The directory that holds `name`.
    pub fn dir(&self) -> BorrowedFd<'_> {
        self.stack.last().map_or(self.base, |fd| fd.as_fd())
    }
}

/// Resolves `path` below `base`. With `follow`, a symbolic link as the last
/// component is expanded too (so the result never names a link unless it
/// changed since); without, the last component is left as it is, for
/// operations on the link itself. A path ending in `/` or `/.` names a
/// directory: it is walked whole, every link followed, and resolves to `.`
/// in it (as cap-std resolves it for wasmtime: `unlink("d/")` is `EISDIR`,
/// `rmdir("d/")` `EINVAL`, `stat("file/.")` `ENOTDIR`).
pub fn resolve<'a>(base: BorrowedFd<'a>, path: &[u8], follow: bool) -> ErrnoResult<Resolved<'a>> {
    if path.is_empty() {
        return Err(Errno::NOENT);
    }
    if path.contains(&0) {
        return Err(Errno::INVAL);
    }
    let mut pending = components(path)?;
    let names_dir = path.ends_with(b"/") || path.ends_with(b"/.");
    let mut stack: Vec<OwnedFd> = Vec::new();
    let mut links = 0;
    loop {
        let Some(name) = pending.pop_front() else {
            // Every component was `.` or `..`: the path names a directory
            // on the stack itself, reached through its parent as `.`.
            return Ok(Resolved {
                base,
                stack,
                name: CString::new(".").unwrap(),
            });
        };
        if name == b".." {
            if stack.pop().is_none() {
                return Err(ESCAPE);
            }
            continue;
        }
        let last = pending.is_empty() && !names_dir;
        if last && !follow {
            return Ok(Resolved {
                base,
                stack,
                name: CString::new(name).unwrap(),
            });
        }
        let here = stack.last().map_or(base, |fd| fd.as_fd());
        if !last {
            let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            match openat(here, name.as_slice(), flags, Mode::empty()) {
                Ok(fd) => {
                    stack.push(fd);
                    continue;
                }
                // A link (or not a directory at all): expanded below.
                Err(e) if e == rustix::io::Errno::NOTDIR || e == rustix::io::Errno::LOOP => {}
                Err(e) => return Err(e.into()),
            }
        }
        match readlinkat(here, name.as_slice(), Vec::new()) {
            Ok(target) => {
                links += 1;
                if links > MAX_SYMLINKS {
                    return Err(Errno::LOOP);
                }
                let target = target.into_bytes();
                if target.starts_with(b"/") {
                    return Err(ESCAPE);
                }
                let mut spliced = components(&target)?;
                spliced.append(&mut pending);
                pending = spliced;
            }
            // Not a link: the last component stays as named; an inner one
            // that is not a directory ends the walk.
            Err(_) if last => {
                return Ok(Resolved {
                    base,
                    stack,
                    name: CString::new(name).unwrap(),
                })
            }
            Err(e) if e == rustix::io::Errno::INVAL => return Err(Errno::NOTDIR),
            Err(e) => return Err(e.into()),
        }
    }
}

/// The names of a relative path; `.` and empty components dropped, except
/// that a path of only `.`s keeps one so that it names its directory.
fn components(path: &[u8]) -> ErrnoResult<VecDeque<Vec<u8>>> {
    if path.starts_with(b"/") {
        return Err(ESCAPE);
    }
    Ok(path
        .split(|&b| b == b'/')
        .filter(|c| !c.is_empty() && *c != b".")
        .map(<[u8]>::to_vec)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::fs::{mkdirat, statat, symlinkat, AtFlags, CWD};
    use std::path::{Path, PathBuf};

    /// A fresh directory holding `sandbox/` (the root handed to resolve) and
    /// `secret` beside it, which no resolution may reach.
    fn layout(tag: &str) -> (PathBuf, OwnedFd) {
        let top = std::env::temp_dir().join(format!("tandem-sandbox-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&top);
        std::fs::create_dir_all(top.join("sandbox/sub/deeper")).unwrap();
        std::fs::write(top.join("secret"), "outside").unwrap();
        std::fs::write(top.join("sandbox/file"), "inside").unwrap();
        let root = openat(
            CWD,
            top.join("sandbox"),
            OFlags::PATH | OFlags::DIRECTORY,
            Mode::empty(),
        )
        .unwrap();
        (top, root)
    }

    /// Resolves and stats the result; what the guest would reach.
    fn reach(root: &OwnedFd, path: &str) -> ErrnoResult<rustix::fs::Stat> {
        let r = resolve(root.as_fd(), path.as_bytes(), true)?;
        Ok(statat(r.dir(), &r.name, AtFlags::SYMLINK_NOFOLLOW)?)
    }

    fn link(top: &Path, at: &str, target: &str) {
        symlinkat(target, CWD, top.join("sandbox").join(at)).unwrap();
    }

    #[test]
    fn inside_paths_resolve() {
        let (top, root) = layout("inside");
        link(&top, "sub/up", "../file");
        link(&top, "sub/chain", "up");
        link(&top, "dirlink", "sub/deeper");
        for path in [
            "file",
            "./file",
            "sub/../file",
            "sub/deeper/../../file",
            "sub/up",
            "sub/chain",
            "dirlink/../../file",
        ] {
            assert_eq!(reach(&root, path).unwrap().st_size, 6, "{path}");
        }
        // `dirlink/..` is `sub`, the parent of the link's target, as in POSIX.
        assert!(reach(&root, "dirlink/..").is_ok());
        assert!(reach(&root, ".").is_ok());
        assert!(reach(&root, "sub/").is_ok());
        std::fs::remove_dir_all(top).unwrap();
    }

    #[test]
    fn a_trailing_slash_names_the_directory_walked_to() {
        let (top, root) = layout("slash");
        link(&top, "dirlink", "sub");
        link(&top, "filelink", "file");
        link(&top, "secret-link", "../secret");
        for path in ["sub/", "sub/.", "sub//", "dirlink/", "dirlink/."] {
            let r = resolve(root.as_fd(), path.as_bytes(), false).unwrap();
            assert_eq!(r.name.as_bytes(), b".", "{path}");
            let st = statat(r.dir(), &r.name, AtFlags::SYMLINK_NOFOLLOW).unwrap();
            assert_eq!(
                rustix::fs::FileType::from_raw_mode(st.st_mode),
                rustix::fs::FileType::Directory,
                "{path}"
            );
        }
        for path in ["file/", "file/.", "filelink/"] {
            let r = resolve(root.as_fd(), path.as_bytes(), false).map(|_| ());
            assert_eq!(r, Err(Errno::NOTDIR), "{path}");
        }
        let r = resolve(root.as_fd(), b"secret-link/", false).map(|_| ());
        assert_eq!(r, Err(ESCAPE));
        std::fs::remove_dir_all(top).unwrap();
    }

    #[test]
    fn escapes_are_refused() {
        let (top, root) = layout("escape");
        link(&top, "up", "..");
        link(&top, "secret-link", "../secret");
        link(&top, "abs", "/etc/passwd");
        link(&top, "root", "/");
        link(&top, "sub/upup", "../../secret");
        link(&top, "sub/via", "../up/secret");
        for path in [
            "..",
            "../secret",
            "sub/../../secret",
            "/etc/passwd",
            "/",
            "up",
            "up/secret",
            "secret-link",
            "abs",
            "root",
            "root/etc/passwd",
            "sub/upup",
            "sub/via",
            "sub/deeper/../../../secret",
        ] {
            assert_eq!(reach(&root, path).map(|_| ()), Err(ESCAPE), "{path}");
        }
        // Without following, the link itself is what is named, inside.
        let r = resolve(root.as_fd(), b"secret-link", false).unwrap();
        assert_eq!(r.name.as_bytes(), b"secret-link");
        std::fs::remove_dir_all(top).unwrap();
    }

    #[test]
    fn loops_and_oddities() {
        let (top, root) = layout("loops");
        link(&top, "a", "b");
        link(&top, "b", "a");
        assert_eq!(reach(&root, "a").map(|_| ()), Err(Errno::LOOP));
        assert_eq!(reach(&root, "a/x").map(|_| ()), Err(Errno::LOOP));
        assert_eq!(reach(&root, "").map(|_| ()), Err(Errno::NOENT));
        assert_eq!(reach(&root, "file\0x").map(|_| ()), Err(Errno::INVAL));
        assert_eq!(reach(&root, "file/x").map(|_| ()), Err(Errno::NOTDIR));
        assert_eq!(reach(&root, "missing/x").map(|_| ()), Err(Errno::NOENT));
        std::fs::remove_dir_all(top).unwrap();
    }

    /// A link retargeted between inside and outside while the guest keeps
    /// resolving through it never yields the outside file.
    #[test]
    fn retargeted_links_never_lead_outside() {
        let (top, root) = layout("race");
        mkdirat(CWD, top.join("sandbox/in"), Mode::from_raw_mode(0o755)).unwrap();
        std::fs::write(top.join("sandbox/in/secret"), "inside!").unwrap();
        let flip = top.join("sandbox/flip");
        link(&top, "flip", "in");
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flipper = {
            let (stop, flip, tmp) = (stop.clone(), flip.clone(), top.join("sandbox/flip.tmp"));
            std::thread::spawn(move || {
                let mut outside = false;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    outside = !outside;
                    let _ = std::fs::remove_file(&tmp);
                    std::os::unix::fs::symlink(if outside { ".." } else { "in" }, &tmp).unwrap();
                    std::fs::rename(&tmp, &flip).unwrap();
                }
            })
        };
        let (mut inside, mut refused) = (0, 0);
        for _ in 0..20_000 {
            match reach(&root, "flip/secret") {
                Ok(st) => {
                    assert_eq!(st.st_size, 7, "reached a file outside the sandbox");
                    inside += 1;
                }
                Err(e) => {
                    assert!(
                        [ESCAPE, Errno::NOENT, Errno::NOTDIR, Errno::LOOP].contains(&e),
                        "{e:?}"
                    );
                    refused += 1;
                }
            }
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        flipper.join().unwrap();
        assert!(
            inside > 0 && refused > 0,
            "the race was not exercised: {inside} in, {refused} out"
        );
        std::fs::remove_dir_all(top).unwrap();
    }
}
