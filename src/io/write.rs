//! Writing an output folder atomically: everything goes to a temporary sibling folder
//! that is renamed into place only once complete.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

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
}

impl OutDir {
    /// Starts writing `target` (created on [`OutDir::commit`], replacing any older one).
    pub fn new(target: &Path) -> Result<OutDir> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let tmp = tempfile::Builder::new()
            .prefix(".reallot-tmp-")
            .tempdir_in(&parent)
            .map_err(|e| Error::io(&parent, e))?;
        Ok(OutDir {
            tmp,
            target: target.to_path_buf(),
        })
    }

    /// The folder itself, as a [`SubDir`].
    pub fn root(&self) -> SubDir<'_> {
        self.sub("")
    }

    /// A sub-folder (created on first write).
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

    /// Writes one file.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let p = self.path(name);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        std::fs::write(&p, bytes).map_err(|e| Error::io(&p, e))
    }

    /// Moves the finished folder into place.
    pub fn commit(self) -> Result<PathBuf> {
        let tmp = self.tmp.keep();
        if self.target.exists() {
            let old = tmp.with_extension("old");
            std::fs::rename(&self.target, &old).map_err(|e| Error::io(&self.target, e))?;
            std::fs::rename(&tmp, &self.target).map_err(|e| Error::io(&self.target, e))?;
            std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        } else {
            std::fs::rename(&tmp, &self.target).map_err(|e| Error::io(&self.target, e))?;
        }
        Ok(self.target)
    }
}
