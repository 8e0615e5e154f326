//! Writing an output folder without ever putting the advisor's files at risk (README, "Safety").
//!
//! - [`OutDir::new`] first decides whether the target may be written at all: a path that
//!   does not exist, an empty folder, or a folder holding reallot's marker file
//!   ([`MARKER`]). Anything else — a file, a symbolic link, a non-empty folder reallot did
//!   not write, the case folder, a folder that contains the case or any input file — is
//!   refused (exit 2) before anything on disk is touched.
//! - Everything is written into a temporary sibling folder (`.reallot-tmp-<name>.<pid>.…`)
//!   that carries the marker from its first moment, and [`OutDir::commit`] puts it in place
//!   atomically: on Linux the two names are exchanged (`renameat2(RENAME_EXCHANGE)`), so the
//!   target holds either the old or the new complete folder at every instant; elsewhere (or
//!   on a file system without exchange) the old folder is first renamed aside, which leaves
//!   a short window with no folder at the target but never a mixed one.
//! - The temporary folder is removed on every failure path (it is a [`tempfile::TempDir`]
//!   until committed), and temporary folders left by killed runs (their process is gone, or
//!   they are over a day old where processes cannot be looked up) are removed by the next
//!   run on the same target. Only folders that carry the marker are ever removed.

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// Name of the marker file reallot writes into every folder it creates.
pub const MARKER: &str = ".reallot-output";

const MARKER_TEXT: &str =
    "This folder was written by reallot. It is replaced as a whole when reallot \
writes here again: keep nothing else in it.\n";

const TMP_PREFIX: &str = ".reallot-tmp-";

/// The buffer of a file written by streaming ([`OutDir::write_with`]).
pub const STREAM_BUFFER: usize = 256 * 1024;

/// An output folder being written.
pub struct OutDir {
    tmp: tempfile::TempDir,
    target: PathBuf,
}

/// A sub-folder of an [`OutDir`] (or the folder itself, with an empty prefix).
pub struct SubDir<'a> {
    out: &'a OutDir,
    prefix: String,
}

impl SubDir<'_> {
    /// Writes one file into the sub-folder.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        if self.prefix.is_empty() {
            self.out.write(name, bytes)
        } else {
            self.out.write(&format!("{}/{name}", self.prefix), bytes)
        }
    }

    /// Writes one file into the sub-folder by streaming it through a buffer: `fill`
    /// writes the content, and no copy of the whole file is held in memory.
    pub fn write_with(
        &self,
        name: &str,
        fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<()> {
        if self.prefix.is_empty() {
            self.out.write_with(name, fill)
        } else {
            self.out
                .write_with(&format!("{}/{name}", self.prefix), fill)
        }
    }
}

/// Makes a path absolute and free of `.`/`..` without requiring it to exist: the longest
/// existing ancestor is canonicalised (resolving symbolic links), the rest appended.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut existing = abs.clone();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    loop {
        match existing.canonicalize() {
            Ok(c) => {
                let mut out = c;
                for part in rest.iter().rev() {
                    let p = Path::new(part);
                    match p.components().next() {
                        Some(Component::ParentDir) => {
                            out.pop();
                        }
                        Some(Component::CurDir) | None => {}
                        _ => out.push(p),
                    }
                }
                return Ok(out);
            }
            Err(_) => {
                let Some(name) = existing.file_name().map(|n| n.to_os_string()) else {
                    // `..` or the root: step up lexically.
                    if !existing.pop() {
                        return Ok(abs);
                    }
                    rest.push("..".into());
                    continue;
                };
                rest.push(name);
                if !existing.pop() {
                    return Ok(abs);
                }
            }
        }
    }
}

fn refused(target: &Path, why: &str) -> Error {
    Error::Usage(format!(
        "refusing to write to {}: {why}; nothing was touched (choose a new folder, an empty one, or one reallot wrote before)",
        target.display()
    ))
}

/// Checks that `target` may be replaced by an output folder, given the input paths the
/// command reads (case folder, scenario files, JSON exports). Touches nothing.
pub fn check_target(target: &Path, inputs: &[&Path]) -> Result<()> {
    let io = |e| Error::io(target, e);
    if target.as_os_str().is_empty() {
        return Err(Error::Usage("--out names an empty path".into()));
    }
    if target.file_name().is_none() {
        return Err(refused(
            target,
            "it names no folder of its own (., .. or /)",
        ));
    }
    let resolved = resolve(target).map_err(io)?;
    for input in inputs {
        let Ok(inp) = resolve(input) else { continue };
        if inp.starts_with(&resolved) {
            return Err(refused(
                target,
                &format!("it is or contains the input {}", input.display()),
            ));
        }
    }
    let meta = match std::fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(e)),
    };
    if meta.file_type().is_symlink() {
        return Err(refused(target, "it is a symbolic link"));
    }
    if !meta.is_dir() {
        return Err(refused(target, "it is a file"));
    }
    if target.join(MARKER).is_file() {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(target).map_err(io)?;
    if entries.next().is_some() {
        return Err(refused(
            target,
            "it is a folder that holds files reallot did not write",
        ));
    }
    Ok(())
}

/// Removes temporary folders that earlier runs on `target` left behind when they were
/// killed. A folder is removed only when it carries the marker and its process is gone.
fn clean_stale(parent: &Path, base: &str) {
    let prefix = format!("{TMP_PREFIX}{base}.");
    let Ok(rd) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in rd.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let path = entry.path();
        if !path.join(MARKER).is_file() {
            continue;
        }
        let pid = rest.split('.').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|pid| process_alive(pid, &path)) {
            continue;
        }
        let _ = std::fs::remove_dir_all(&path);
    }
}

/// Whether the run that made temporary folder `dir` may still be running: its process
/// exists (Linux: /proc); where processes cannot be looked up, the folder is younger than
/// a day.
fn process_alive(pid: u32, dir: &Path) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    if proc.is_dir() {
        return proc.join(pid.to_string()).exists();
    }
    let age = std::fs::metadata(dir)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok());
    age.is_none_or(|a| a < std::time::Duration::from_secs(86_400))
}

/// Swaps the names `a` and `b` atomically; `Ok(false)` where the system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<bool> {
    Ok(false)
}

impl OutDir {
    /// Starts writing `target`, after checking with [`check_target`] that it may be
    /// replaced; `inputs` are the paths the command reads. Nothing is created when the
    /// target is refused.
    pub fn new(target: &Path, inputs: &[&Path]) -> Result<OutDir> {
        check_target(target, inputs)?;
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let base = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        clean_stale(&parent, &base);
        let tmp = tempfile::Builder::new()
            .prefix(&format!("{TMP_PREFIX}{base}.{}.", std::process::id()))
            .tempdir_in(&parent)
            .map_err(|e| Error::io(&parent, e))?;
        let out = OutDir {
            tmp,
            target: target.to_path_buf(),
        };
        out.write(MARKER, MARKER_TEXT.as_bytes())?;
        Ok(out)
    }

    /// The folder itself, as a [`SubDir`].
    pub fn root(&self) -> SubDir<'_> {
        self.sub("")
    }

    /// A sub-folder (created, with its own marker, on first use).
    pub fn sub(&self, prefix: &str) -> SubDir<'_> {
        SubDir {
            out: self,
            prefix: prefix.to_string(),
        }
    }

    /// Path of a file inside the folder being written.
    pub fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// The path of file `name`, its folders created (each with a marker).
    fn file_path(&self, name: &str) -> Result<PathBuf> {
        let p = self.path(name);
        if let Some(dir) = p.parent() {
            if !dir.is_dir() {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
                let marker = dir.join(MARKER);
                std::fs::write(&marker, MARKER_TEXT).map_err(|e| Error::io(&marker, e))?;
            }
        }
        Ok(p)
    }

    /// Writes one file (creating its folders, each with a marker).
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let p = self.file_path(name)?;
        std::fs::write(&p, bytes).map_err(|e| Error::io(&p, e))
    }

    /// Writes one file by streaming it through a buffer of [`STREAM_BUFFER`] bytes:
    /// `fill` writes the content (creating its folders, each with a marker).
    pub fn write_with(
        &self,
        name: &str,
        fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<()> {
        let p = self.file_path(name)?;
        let io = |e| Error::io(&p, e);
        let file = std::fs::File::create(&p).map_err(io)?;
        let mut w = std::io::BufWriter::with_capacity(STREAM_BUFFER, file);
        fill(&mut w).map_err(io)?;
        w.into_inner().map_err(|e| io(e.into_error()))?;
        Ok(())
    }

    /// Moves the finished folder into place, replacing the old one atomically where the
    /// system allows. The target is checked once more, in case it changed meanwhile.
    pub fn commit(self) -> Result<PathBuf> {
        check_target(&self.target, &[])?;
        let target = self.target;
        let exists = std::fs::symlink_metadata(&target).is_ok();
        if !exists {
            let tmp = self.tmp.keep();
            if let Err(e) = std::fs::rename(&tmp, &target) {
                let _ = std::fs::remove_dir_all(&tmp);
                return Err(Error::io(&target, e));
            }
            return Ok(target);
        }
        match exchange(self.tmp.path(), &target) {
            Ok(true) => {
                // The temporary path now holds the old folder; dropping it removes it.
                drop(self.tmp);
                Ok(target)
            }
            Ok(false) => {
                let tmp = self.tmp.keep();
                let old = tmp.with_extension("old");
                std::fs::rename(&target, &old).map_err(|e| Error::io(&target, e))?;
                if let Err(e) = std::fs::rename(&tmp, &target) {
                    // Put the old plan back rather than leave nothing.
                    let _ = std::fs::rename(&old, &target);
                    let _ = std::fs::remove_dir_all(&tmp);
                    return Err(Error::io(&target, e));
                }
                let _ = std::fs::remove_dir_all(&old);
                Ok(target)
            }
            Err(e) => Err(Error::io(&target, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_handles_missing_parts_and_dots() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        assert_eq!(
            resolve(&dir.path().join("a/b/../c")).unwrap(),
            base.join("a/c")
        );
        assert_eq!(resolve(&dir.path().join("x/..")).unwrap(), base);
    }

    #[test]
    fn refuses_foreign_folders_files_and_inputs() {
        let dir = tempfile::tempdir().unwrap();
        let case = dir.path().join("case");
        std::fs::create_dir(&case).unwrap();
        std::fs::write(case.join("usage.csv"), "x").unwrap();
        let file = dir.path().join("f.txt");
        std::fs::write(&file, "x").unwrap();
        let inputs = [case.as_path()];
        assert!(check_target(&case, &inputs).is_err());
        assert!(check_target(dir.path(), &inputs).is_err());
        assert!(check_target(&file, &inputs).is_err());
        assert!(check_target(&dir.path().join("new"), &inputs).is_ok());
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        assert!(check_target(&empty, &inputs).is_ok());
        // A folder reallot wrote is accepted, unless it holds an input.
        let old = dir.path().join("old");
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join(MARKER), MARKER_TEXT).unwrap();
        assert!(check_target(&old, &inputs).is_ok());
        let model = old.join("m.toml");
        std::fs::write(&model, "").unwrap();
        assert!(check_target(&old, &[model.as_path()]).is_err());
    }

    #[test]
    fn replaces_atomically_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        for round in 0..3 {
            let out = OutDir::new(&target, &[]).unwrap();
            out.write("a.txt", format!("{round}").as_bytes()).unwrap();
            out.sub("s").write("b.txt", b"b").unwrap();
            out.sub("s")
                .write_with("c.txt", |w| w.write_all(&[b'c'; STREAM_BUFFER + 1]))
                .unwrap();
            out.commit().unwrap();
            assert_eq!(
                std::fs::read_to_string(target.join("a.txt")).unwrap(),
                format!("{round}")
            );
            assert!(target.join(MARKER).is_file());
            assert!(target.join("s").join(MARKER).is_file());
            let c = std::fs::read(target.join("s").join("c.txt")).unwrap();
            assert!(c.len() == STREAM_BUFFER + 1 && c.iter().all(|&b| b == b'c'));
        }
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "only the target remains");
    }

    #[test]
    fn stale_temporary_folders_of_dead_runs_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        // pid 0 never names a user process.
        let stale = dir.path().join(format!("{TMP_PREFIX}out.0.abc"));
        std::fs::create_dir(&stale).unwrap();
        std::fs::write(stale.join(MARKER), MARKER_TEXT).unwrap();
        let foreign = dir.path().join(format!("{TMP_PREFIX}out.0.xyz"));
        std::fs::create_dir(&foreign).unwrap();
        let out = OutDir::new(&dir.path().join("out"), &[]).unwrap();
        drop(out);
        assert!(!stale.exists());
        assert!(
            foreign.exists(),
            "a folder without the marker is never removed"
        );
    }
}
