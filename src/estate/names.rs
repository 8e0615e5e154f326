//! An arena of instance names: one buffer for all the text and a hash table of ids, so a
//! million-row instance file costs no allocation per name.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

/// Interned instance names, by dense id.
#[derive(Clone, Default)]
pub struct NameArena {
    text: String,
    ends: Vec<usize>,
    table: HashTable<u32>,
}

impl std::fmt::Debug for NameArena {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NameArena({} names)", self.ends.len())
    }
}

fn hash(s: &str) -> u64 {
    FxBuildHasher.hash_one(s)
}

impl NameArena {
    /// Number of names.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Makes room for about `names` more names of `bytes` bytes in all.
    pub fn reserve(&mut self, names: usize, bytes: usize) {
        self.text.reserve(bytes);
        self.ends.reserve(names);
        let (text, ends) = (&self.text, &self.ends);
        self.table.reserve(names, |&id| {
            let i = id as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            hash(&text[start..ends[i]])
        });
    }

    /// The name with id `id`.
    pub fn get(&self, id: u32) -> &str {
        let i = id as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// The id of `name`, if interned.
    pub fn find(&self, name: &str) -> Option<u32> {
        self.table
            .find(hash(name), |&id| self.get(id) == name)
            .copied()
    }

    /// The id of `name`, interning it if new.
    pub fn intern(&mut self, name: &str) -> u32 {
        let h = hash(name);
        if let Some(&id) = self.table.find(h, |&id| self.get(id) == name) {
            return id;
        }
        let id = self.ends.len() as u32;
        self.text.push_str(name);
        self.ends.push(self.text.len());
        let (text, ends) = (&self.text, &self.ends);
        let get = |id: u32| {
            let i = id as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            &text[start..ends[i]]
        };
        self.table.insert_unique(h, id, |&other| hash(get(other)));
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_once() {
        let mut a = NameArena::default();
        assert_eq!(a.intern("dev-1"), 0);
        assert_eq!(a.intern("dev-2"), 1);
        assert_eq!(a.intern("dev-1"), 0);
        assert_eq!(
            (a.len(), a.get(1), a.find("dev-2"), a.find("x")),
            (2, "dev-2", Some(1), None)
        );
    }
}
