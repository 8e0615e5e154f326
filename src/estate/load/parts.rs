//! A large `entitlements.csv`, `instances.csv`, `usage.csv` or `cmdb.csv` read in parts
//! side by side (issue 13): each part is parsed and checked on its own thread into compact
//! rows, then the parts are joined in file order, interning names and keeping the first
//! row of each key exactly as one pass would. Only a file that reads without a single
//! problem takes this path; otherwise the loader reads it again in one pass, so the
//! messages (and their order and line numbers) are those of one pass.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::*;
use crate::io::table::Parts;

/// Files below this size per thread are read in one pass: the parts would not pay.
const MIN_PART_BYTES: u64 = 2 << 20;

/// Fewer bytes than a row of a large instance file takes in practice (the rows of the
/// standard estates take about 50): the parts reserve room for a row per this many bytes.
/// Capacity a part never fills is never touched, so it costs no memory; a file of
/// shorter rows only grows its buffers.
const MIN_ROW_BYTES: u64 = 32;

/// Separates the SA, VA and licence of a key; the name rules refuse control characters,
/// so no valid name holds it.
const SEP: char = '\u{1f}';

/// The rows of one part, with part-local ids.
struct Part {
    /// The part's distinct `SA SEP VA SEP licence`, in order of first appearance.
    keys: Vec<String>,
    /// Its rows: `va` is an index into `keys`, `name` into the names; `lic` is unset.
    rows: Vec<Instance>,
    /// The instance names, one after the other, each ending at `ends[i]`.
    names: String,
    ends: Vec<usize>,
    /// Units of all rows.
    units: u128,
    /// Rows read (as [`super::read_rows`] counts them).
    read: usize,
}

impl Part {
    fn name(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.names[start..self.ends[i]]
    }
}

/// Reads part `k` of `parts`; `None` when it has any problem, when a `"` makes its cut
/// unsafe, or when another part already failed (`abort`).
fn read_part(parts: &Parts, k: usize, abort: &AtomicBool) -> Option<Part> {
    let mut table = parts.reader::<Inst>(k).ok()?;
    let mut diags = Diagnostics::default();
    let mut keys: FxHashMap<String, u32> = FxHashMap::default();
    let mut key = String::new();
    let range = &parts.ranges[k];
    // Room for more rows than the part can hold (a row takes at least MIN_ROW_BYTES), so
    // no buffer grows and copies itself (fresh pages cost more than untouched capacity).
    // The first part's rows become the table's: it has room for the whole file's.
    let bytes = range.end - range.start;
    let all = if k == 0 {
        parts.ranges.last().map_or(bytes, |r| r.end)
    } else {
        bytes
    };
    let rows = usize::try_from(all / MIN_ROW_BYTES).unwrap_or(0);
    let part_rows = usize::try_from(bytes / MIN_ROW_BYTES).unwrap_or(0);
    let mut p = Part {
        keys: Vec::new(),
        rows: Vec::with_capacity(rows),
        names: String::with_capacity(usize::try_from(bytes / 4).unwrap_or(0)),
        ends: Vec::with_capacity(part_rows),
        units: 0,
        read: 0,
    };
    while let Some(r) = table.next_row(&mut diags) {
        p.read += 1;
        let row = instance_row(&r, &mut diags);
        if !diags.is_empty() || (p.read.is_multiple_of(4096) && abort.load(Ordering::Relaxed)) {
            return None;
        }
        let (name, [sa, va, lic], qty, lc, res) = row?;
        key.clear();
        for (i, s) in [sa, va, lic].into_iter().enumerate() {
            if i > 0 {
                key.push(SEP);
            }
            key.push_str(s);
        }
        let at = match keys.get(key.as_str()) {
            Some(&at) => at,
            None => {
                let at = p.keys.len() as u32;
                keys.insert(key.clone(), at);
                p.keys.push(key.clone());
                at
            }
        };
        p.names.push_str(name);
        p.ends.push(p.names.len());
        p.units += u128::from(qty);
        p.rows.push(Instance {
            name: p.rows.len() as u32,
            va: at,
            lic: 0,
            quantity: qty,
            last_contact: lc,
            reservation: res,
        });
    }
    (diags.is_empty() && table.clean_part()).then_some(p)
}

/// Cuts table `src` (columns `C`) into a part per thread when it is large and reads the
/// parts side by side with `read` (given the parts, the part's index and a flag a failed
/// part raises, so the others stop early); `None` when the table is not cut or any part
/// fails.
fn read_parts<C: Columns, P: Send>(
    src: &TableSource,
    read: impl Fn(&Parts, usize, &AtomicBool) -> Option<P> + Sync,
) -> Option<Vec<P>> {
    let parts = Parts::plan::<C>(src, MIN_PART_BYTES, rayon::current_num_threads())?;
    let abort = AtomicBool::new(false);
    let read: Vec<Option<P>> = (0..parts.ranges.len())
        .into_par_iter()
        .map(|k| {
            let p = read(&parts, k, &abort);
            if p.is_none() {
                abort.store(true, Ordering::Relaxed);
            }
            p
        })
        .collect();
    read.into_iter().collect()
}

/// A part's SAs, VAs and licences with part-local ids, in order of first appearance.
#[derive(Default)]
struct LocalNames {
    /// The distinct `SA SEP VA`, and their ids.
    vas: Vec<String>,
    va_ids: FxHashMap<String, u32>,
    /// The distinct licences, and their ids.
    lics: Vec<String>,
    lic_ids: FxHashMap<String, u32>,
    /// The `SA SEP VA` key being looked up (no allocation per row).
    key: String,
}

impl LocalNames {
    /// The part-local ids of a row's VA and licence.
    fn ids(&mut self, sa: &str, va: &str, lic: &str) -> (u32, u32) {
        self.key.clear();
        self.key.push_str(sa);
        self.key.push(SEP);
        self.key.push_str(va);
        (
            intern(&mut self.va_ids, &mut self.vas, &self.key),
            intern(&mut self.lic_ids, &mut self.lics, lic),
        )
    }

    /// The estate's ids of the part's VAs and licences, interned in the part's order (VAs
    /// and licences are separate id spaces, each in order of first appearance).
    fn estate_ids(&self, e: &mut Estate, names: &mut Names) -> (Vec<VaId>, Vec<LicId>) {
        let vas = self
            .vas
            .iter()
            .map(|k| {
                let (sa, va) = k.split_once(SEP).unwrap_or_default();
                names.va(e, sa, va)
            })
            .collect();
        (vas, self.lics.iter().map(|l| names.lic(e, l)).collect())
    }
}

/// Reads `instances.csv` from `src` in parts when it is large and reads without a
/// problem, filling `e` as [`super::read_instances`] would; `false` (and `e` untouched)
/// when it must be read in one pass instead.
pub(super) fn read_instances(src: &TableSource, e: &mut Estate, names: &mut Names) -> Result<bool> {
    let Some(mut read) = read_parts::<Inst, _>(src, read_part) else {
        return Ok(false);
    };
    // Below the cap in all, no sum per VA or licence can pass it: nothing to report.
    if read.iter().map(|p| p.units).sum::<u128>() > u128::from(MAX_TOTAL) {
        return Ok(false);
    }
    let rows: usize = read.iter().map(|p| p.rows.len()).sum();
    let bytes: usize = read.iter().map(|p| p.names.len()).sum();
    e.instance_names.reserve(rows, bytes);
    // Interned in file order: the same ids as one pass gives.
    for p in &mut read {
        let ids: Vec<(VaId, LicId)> = p
            .keys
            .iter()
            .map(|k| {
                let mut it = k.split(SEP);
                let (sa, va, lic) = (
                    it.next().unwrap_or_default(),
                    it.next().unwrap_or_default(),
                    it.next().unwrap_or_default(),
                );
                (names.va(e, sa, va), names.lic(e, lic))
            })
            .collect();
        let mut rows = std::mem::take(&mut p.rows);
        for (i, inst) in rows.iter_mut().enumerate() {
            (inst.va, inst.lic) = ids[inst.va as usize];
            inst.name = e.instance_names.intern(p.name(i));
        }
        p.rows = rows;
    }
    let mut parts_rows = read.iter_mut().map(|p| std::mem::take(&mut p.rows));
    let mut list = parts_rows.next().unwrap_or_default();
    list.reserve(rows - list.len());
    for more in parts_rows {
        list.extend(more);
    }
    let count = read.iter().map(|p| p.read).sum();
    e.files.push((CaseFiles::INSTANCES.into(), count));
    e.sources.push(src.clone());
    e.instances = Some(list);
    Ok(true)
}

/// The rows of one part of `entitlements.csv`, with part-local name ids.
struct LotPart {
    /// The part's names.
    names: LocalNames,
    /// Its lots, `va` and `lic` part-local ids.
    lots: Vec<Lot>,
    /// Lots that end before they start: (line within the part, start, end).
    inverted: Vec<(u64, NaiveDate, NaiveDate)>,
    /// Units of all lots.
    units: u128,
    /// Rows read, and line breaks read (the next part's lines follow them).
    read: usize,
    breaks: u64,
}

/// Reads part `k` of `entitlements.csv`; `None` as for [`read_part`].
fn read_lot_part(parts: &Parts, k: usize, abort: &AtomicBool) -> Option<LotPart> {
    let mut table = parts.reader::<Ent>(k).ok()?;
    let mut diags = Diagnostics::default();
    // The first part's lots become the estate's: it has room for the whole file's (as
    // for instances), so the parts join without a copy of the first.
    let rows = if k == 0 {
        (0..parts.ranges.len()).map(|j| room(parts, j)).sum()
    } else {
        room(parts, k)
    };
    let mut p = LotPart {
        names: LocalNames::default(),
        lots: Vec::with_capacity(rows),
        inverted: Vec::new(),
        units: 0,
        read: 0,
        breaks: 0,
    };
    while let Some(r) = table.next_row(&mut diags) {
        p.read += 1;
        let stop = p.read.is_multiple_of(4096) && abort.load(Ordering::Relaxed);
        let row = lot_row(&r, &mut diags);
        if !diags.is_empty() || stop {
            return None;
        }
        if let Some((s, en)) = row.inverted() {
            p.inverted.push((r.line, s, en));
        }
        let ([sa, va, lic], mut lot) = row.lot?;
        (lot.va, lot.lic) = p.names.ids(sa, va, lic);
        p.units += u128::from(lot.quantity);
        p.lots.push(lot);
    }
    p.breaks = table.part_breaks();
    (diags.is_empty() && table.clean_part()).then_some(p)
}

/// Reads `entitlements.csv` from `src` in parts when it is large and reads without a
/// problem, filling `e` as the one-pass read would (its lots, names and warnings, each
/// warning at its line in the file); `false` (and `e` untouched) when it must be read in
/// one pass instead.
pub(super) fn read_entitlements(
    src: &TableSource,
    e: &mut Estate,
    names: &mut Names,
) -> Result<bool> {
    let Some(mut read) = read_parts::<Ent, _>(src, read_lot_part) else {
        return Ok(false);
    };
    // Below the cap in all, no licence's sum can pass it: nothing to report.
    if read.iter().map(|p| p.units).sum::<u128>() > u128::from(MAX_TOTAL) {
        return Ok(false);
    }
    // Part k's lines follow the breaks of the parts before it.
    let mut before = 0u64;
    for p in &mut read {
        let (vas, lics) = p.names.estate_ids(e, names);
        for lot in &mut p.lots {
            (lot.va, lot.lic) = (vas[lot.va as usize], lics[lot.lic as usize]);
        }
        for &(line, s, en) in &p.inverted {
            e.warnings.push(dates_inverted(before + line, s, en));
        }
        before += p.breaks;
    }
    // The first part's lots become the estate's (it has room for them all), the others
    // follow: no copy of the first.
    let mut lots = read.iter_mut().map(|p| std::mem::take(&mut p.lots));
    if e.lots.is_empty() {
        e.lots = lots.next().unwrap_or_default();
    }
    for mut more in lots {
        e.lots.append(&mut more);
    }
    let count = read.iter().map(|p| p.read).sum();
    e.files.push((CaseFiles::ENTITLEMENTS.into(), count));
    e.sources.push(src.clone());
    Ok(true)
}

/// The rows of one part of `usage.csv`, with part-local name ids.
struct UsagePart {
    /// The part's names.
    names: LocalNames,
    /// Its rows: (VA, licence) as part-local ids, and the units.
    rows: Vec<((u32, u32), Usage)>,
    /// Units in use of all rows.
    units: u128,
}

/// Reads part `k` of `usage.csv`; `None` as for [`read_part`].
fn read_usage_part(parts: &Parts, k: usize, abort: &AtomicBool) -> Option<UsagePart> {
    let mut table = parts.reader::<UsageCol>(k).ok()?;
    let mut diags = Diagnostics::default();
    let rows = room(parts, k);
    let mut p = UsagePart {
        names: LocalNames::default(),
        rows: Vec::with_capacity(rows),
        units: 0,
    };
    while let Some(r) = table.next_row(&mut diags) {
        let row = usage_row(&r, &mut diags);
        let stop = p.rows.len().is_multiple_of(4096) && abort.load(Ordering::Relaxed);
        if !diags.is_empty() || stop {
            return None;
        }
        let ([sa, va, lic], units) = row?;
        p.units += u128::from(units.in_use);
        p.rows.push((p.names.ids(sa, va, lic), units));
    }
    (diags.is_empty() && table.clean_part()).then_some(p)
}

/// Reads `usage.csv` from `src` in parts when it is large, reads without a problem and
/// lists every (SA, VA, licence) once, filling `e` as the one-pass read would; `false`
/// when it must be read in one pass instead (which reports what is wrong). A `false`
/// after the names were interned leaves them as the one pass interns them: every row of
/// the file was clean, and the one pass interns every clean row's names in file order
/// (a repeat's before refusing it), giving each the id it has here.
pub(super) fn read_usage(src: &TableSource, e: &mut Estate, names: &mut Names) -> Result<bool> {
    // The usage cells are filled by this file alone: a map already holding some (none
    // does) would change what a repeat means.
    if !e.usage.is_empty() {
        return Ok(false);
    }
    let Some(read) = read_parts::<UsageCol, _>(src, read_usage_part) else {
        return Ok(false);
    };
    // Below the cap in all, no licence's sum can pass it: nothing to report.
    if read.iter().map(|p| p.units).sum::<u128>() > u128::from(MAX_TOTAL) {
        return Ok(false);
    }
    // Interned in file order (VAs and licences are separate id spaces, each in order of
    // first appearance), then the cells inserted in file order, as one pass inserts them.
    let mut usage = FxHashMap::default();
    for p in &read {
        let (vas, lics) = p.names.estate_ids(e, names);
        for &((va, lic), u) in &p.rows {
            if usage
                .insert((vas[va as usize], lics[lic as usize]), u)
                .is_some()
            {
                return Ok(false);
            }
        }
    }
    let count = read.iter().map(|p| p.rows.len()).sum();
    e.files.push((CaseFiles::USAGE.into(), count));
    e.sources.push(src.clone());
    e.usage = usage;
    Ok(true)
}

/// Room for more rows than part `k` can hold (see [`MIN_ROW_BYTES`]).
fn room(parts: &Parts, k: usize) -> usize {
    let range = &parts.ranges[k];
    usize::try_from((range.end - range.start) / MIN_ROW_BYTES).unwrap_or(0)
}

/// The rows of one part of `cmdb.csv`: each device's instance id (`None`: a device
/// CSSM does not list, named in `unknown`) and state, in file order.
struct CmdbPart {
    rows: Vec<(Option<u32>, CmdbState)>,
    unknown: Vec<String>,
}

/// Reads part `k` of `cmdb.csv`, matching names against the instances read; `None` as
/// for [`read_part`].
fn read_cmdb_part(
    parts: &Parts,
    k: usize,
    names: &NameArena,
    abort: &AtomicBool,
) -> Option<CmdbPart> {
    let mut table = parts.reader::<Cmdb>(k).ok()?;
    let mut diags = Diagnostics::default();
    let rows = room(parts, k);
    let mut p = CmdbPart {
        rows: Vec::with_capacity(rows),
        unknown: Vec::new(),
    };
    let mut next: u32 = 0;
    while let Some(r) = table.next_row(&mut diags) {
        let name = r.text(Cmdb::Instance, &mut diags);
        let status = r.text(Cmdb::Status, &mut diags);
        let stop = p.rows.len().is_multiple_of(4096) && abort.load(Ordering::Relaxed);
        let (Some(name), Some(status)) = (name, status) else {
            return None;
        };
        if !diags.is_empty() || stop {
            return None;
        }
        let id = device_id(names, &mut next, name);
        if id.is_none() {
            p.unknown.push(name.to_string());
        }
        p.rows.push((id, CmdbState::of_status(status)));
    }
    (diags.is_empty() && table.clean_part()).then_some(p)
}

/// Reads `cmdb.csv` from `src` in parts when it is large, reads without a problem and
/// lists every device once, filling `e` as the one-pass read would; `false` (and `e`
/// untouched) when it must be read in one pass instead (which reports what is wrong).
pub(super) fn read_cmdb(src: &TableSource, e: &mut Estate) -> Result<bool> {
    let names = &e.instance_names;
    let read = read_parts::<Cmdb, _>(src, |parts, k, abort| {
        read_cmdb_part(parts, k, names, abort)
    });
    let Some(read) = read else {
        return Ok(false);
    };
    // A device listed twice is a problem the one pass reports (with both lines).
    let mut cmdb = vec![CmdbState::NotListed; names.len()];
    let mut seen = vec![false; names.len()];
    for &(id, state) in read.iter().flat_map(|p| &p.rows) {
        if let Some(id) = id {
            if std::mem::replace(&mut seen[id as usize], true) {
                return Ok(false);
            }
            cmdb[id as usize] = state;
        }
    }
    let mut unknown = rustc_hash::FxHashSet::default();
    if !read
        .iter()
        .flat_map(|p| &p.unknown)
        .all(|n| unknown.insert(n.as_str()))
    {
        return Ok(false);
    }
    let count = read.iter().map(|p| p.rows.len()).sum();
    e.files.push((CaseFiles::CMDB.into(), count));
    e.sources.push(src.clone());
    e.cmdb = Some(cmdb);
    Ok(true)
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;
    use std::path::Path;

    use super::Names;
    use crate::error::Error;
    use crate::estate::{load_case, Estate};
    use crate::io::source::TableSource;

    /// A table's text: `header`, then `rows` rows, row `i` as `row(i)` gives it or, when
    /// `None`, as `standard` writes it.
    fn table(
        header: &str,
        rows: usize,
        row: impl Fn(usize) -> Option<String>,
        standard: impl Fn(&mut String, usize) -> std::fmt::Result,
    ) -> String {
        let mut text = format!("{header}\n");
        for i in 0..rows {
            match row(i) {
                Some(r) => text.push_str(&r),
                None => standard(&mut text, i).unwrap(),
            }
        }
        text
    }

    /// A case whose instances.csv is `rows` rows (about 45 bytes each), row `i` as
    /// `row(i)` gives it (or the standard row when `None`).
    fn case(dir: &Path, rows: usize, row: impl Fn(usize) -> Option<String>) {
        std::fs::write(
            dir.join("entitlements.csv"),
            "smart_account,virtual_account,license,quantity\nSA,A,L1,5\nSA,B,L2,5\n",
        )
        .unwrap();
        let header = "instance,smart_account,virtual_account,license,last_contact";
        let text = table(header, rows, row, |text, i| {
            let (va, lic) = [("A", "L1"), ("B", "L2"), ("C", "L3")][i % 3];
            writeln!(
                text,
                "device-{i:08},SA,{va},{lic},2026-10-{:02}",
                1 + i % 28
            )
        });
        std::fs::write(dir.join("instances.csv"), text).unwrap();
        std::fs::write(dir.join("case.toml"), "as_of = \"2026-11-01\"\n").unwrap();
    }

    /// `f` run on `threads` threads.
    fn on<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(f)
    }

    /// The case read on `threads` threads.
    fn load(dir: &Path, threads: usize) -> Result<Estate, Error> {
        on(threads, || load_case(dir))
    }

    /// Table `file` of the case in `dir`.
    fn source(dir: &Path, file: &str) -> TableSource {
        TableSource::Csv(dir.join(file))
    }

    /// The case read on one thread and on `threads`, once `file` (columns `C`) is known
    /// to be cut into a part per thread.
    fn read_both<C: crate::io::table::Columns>(
        dir: &Path,
        file: &str,
        threads: usize,
    ) -> (Estate, Estate) {
        let cut =
            crate::io::table::Parts::plan::<C>(&source(dir, file), super::MIN_PART_BYTES, threads);
        assert_eq!(
            cut.map(|p| p.ranges.len()),
            Some(threads),
            "{file} is read in parts"
        );
        (load(dir, 1).unwrap(), load(dir, threads).unwrap())
    }

    /// Everything the read keeps of the instances, as text.
    fn shown(e: &Estate) -> String {
        let names: Vec<&str> = (0..e.instance_names.len() as u32)
            .map(|i| e.instance_names.get(i))
            .collect();
        format!(
            "{:?} {:?} {:?} {:?} {:?} {:?}",
            e.instances, names, e.vas, e.licences, e.files, e.cmdb
        )
    }

    #[test]
    fn parts_read_the_same_estate_as_one_pass() {
        let dir = tempfile::tempdir().unwrap();
        // Repeated names too: one device consuming two licences.
        case(dir.path(), 300_000, |i| {
            (i % 1000 == 999).then(|| format!("device-{:08},SA,B,L2,\n", i - 1))
        });
        let (one, four) = read_both::<super::Inst>(dir.path(), "instances.csv", 4);
        let src = source(dir.path(), "instances.csv");
        let mut e = Estate::default();
        let taken = on(4, || {
            super::read_instances(&src, &mut e, &mut Names::default())
        });
        assert!(taken.unwrap(), "the parts path reads the file");
        assert_eq!(one.instances.as_ref().map(Vec::len), Some(300_000));
        assert_eq!(shown(&one), shown(&four));
    }

    #[test]
    fn a_problem_in_a_late_part_is_reported_as_one_pass_reports_it() {
        let dir = tempfile::tempdir().unwrap();
        case(dir.path(), 300_000, |i| match i {
            250_000 => Some("device-x,SA,A,L1,2026-13-01\n".into()),
            260_000 => Some("device-y,SA,A\n".into()),
            _ => None,
        });
        let one = load(dir.path(), 1).unwrap_err().to_string();
        assert!(one.contains("line 250002"), "{one}");
        assert_eq!(one, load(dir.path(), 4).unwrap_err().to_string());
    }

    #[test]
    fn quoted_fields_are_read_as_one_pass_reads_them() {
        // Quoted names all through the file: with a comma (valid), and with a line break
        // (refused), where a cut may fall inside one.
        for quoted in ["\"device,{i}\"", "\"device\n{i}\""] {
            let dir = tempfile::tempdir().unwrap();
            case(dir.path(), 300_000, |i| {
                (i % 5000 == 17)
                    .then(|| format!("{},SA,A,L1,\n", quoted.replace("{i}", &i.to_string())))
            });
            match (load(dir.path(), 1), load(dir.path(), 4)) {
                (Ok(a), Ok(b)) => assert_eq!(shown(&a), shown(&b)),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                (a, b) => panic!("one pass {:?}, parts {:?}", a.is_ok(), b.is_ok()),
            }
        }
    }

    /// Adds a cmdb.csv of `rows` rows to the case of [`case`], row `i` as `row(i)` gives
    /// it (or device i's own row, every seventh retired, when `None`).
    fn cmdb(dir: &Path, rows: usize, row: impl Fn(usize) -> Option<String>) {
        let text = table("instance,status", rows, row, |text, i| {
            let status = if i % 7 == 3 { "retired" } else { "in service" };
            writeln!(text, "device-{i:08},{status}")
        });
        std::fs::write(dir.join("cmdb.csv"), text).unwrap();
    }

    #[test]
    fn a_cmdb_in_parts_reads_as_one_pass() {
        let dir = tempfile::tempdir().unwrap();
        case(dir.path(), 400_000, |_| None);
        // Devices CSSM does not list too, and devices of instances.csv the CMDB lacks.
        cmdb(dir.path(), 400_000, |i| {
            (i % 1000 == 10).then(|| format!("spare-{i},in service\n"))
        });
        let (one, four) = read_both::<super::Cmdb>(dir.path(), "cmdb.csv", 4);
        let mut e = Estate {
            cmdb: None,
            ..one.clone()
        };
        let taken = on(4, || {
            super::read_cmdb(&source(dir.path(), "cmdb.csv"), &mut e)
        });
        assert!(taken.unwrap(), "the parts path reads the file");
        assert_eq!(e.cmdb, one.cmdb);
        let states = one.cmdb.as_ref().unwrap();
        assert_eq!(states.len(), 400_000);
        assert_eq!(states[3], crate::estate::CmdbState::Retired);
        assert_eq!(states[10], crate::estate::CmdbState::NotListed);
        assert_eq!(states[11], crate::estate::CmdbState::InService);
        assert_eq!(shown(&one), shown(&four));
    }

    /// A row as a case's file gives it, or the file's standard row when `None`.
    type Row = fn(usize) -> Option<String>;

    /// For each (row, said): the case `make` writes with that row is refused with a
    /// message holding `said`, the same read on one thread and on `threads`.
    fn refused_alike(threads: usize, cases: &[(Row, &str)], make: impl Fn(&Path, Row)) {
        for &(row, said) in cases {
            let dir = tempfile::tempdir().unwrap();
            make(dir.path(), row);
            let one = load(dir.path(), 1).unwrap_err().to_string();
            assert!(one.contains(said), "{one}");
            assert_eq!(one, load(dir.path(), threads).unwrap_err().to_string());
        }
    }

    #[test]
    fn a_device_repeated_across_cmdb_parts_is_reported_as_one_pass_reports_it() {
        // A listed device repeated far from its first row (another part), a device CSSM
        // does not list repeated likewise, and a problem in a late part.
        let cases: [(Row, &str); 3] = [
            (
                |i| (i == 380_000).then(|| "device-00000005,retired\n".into()),
                "line 380002, column instance: \"device-00000005\" repeats the instance of line 7",
            ),
            (
                |i| match i {
                    5 => Some("spare,in service\n".into()),
                    390_000 => Some("spare,retired\n".into()),
                    _ => None,
                },
                "line 390002, column instance: \"spare\" repeats the instance of line 7",
            ),
            (
                |i| (i == 370_000).then(|| "device-1,\n".into()),
                "line 370002, column status",
            ),
        ];
        refused_alike(4, &cases, |dir, row| {
            case(dir, 400_000, |_| None);
            cmdb(dir, 400_000, row);
        });
    }

    /// A case whose usage.csv has `rows` rows over 40 VAs of two Smart Accounts, row i of
    /// VA i mod 40 and licence i / 40 (every pair once), or as `row(i)` gives it.
    fn usage_case(dir: &Path, rows: usize, row: impl Fn(usize) -> Option<String>) {
        std::fs::write(
            dir.join("entitlements.csv"),
            "smart_account,virtual_account,license,quantity\nSB,VA-7,L-3,5\n",
        )
        .unwrap();
        let header = "smart_account,virtual_account,license,in_use,reserved";
        let text = table(header, rows, row, |text, i| {
            let (va, lic) = (i % 40, i / 40);
            let sa = ["SA", "SB"][va % 2];
            let (in_use, reserved) = (i % 97, i % 5 % (i % 97 + 1));
            writeln!(text, "{sa},VA-{va},L-{lic},{in_use},{reserved}")
        });
        std::fs::write(dir.join("usage.csv"), text).unwrap();
        std::fs::write(dir.join("case.toml"), "as_of = \"2026-11-01\"\n").unwrap();
    }

    /// Everything the read keeps of the usage, as text (the cells in the map's order).
    fn usage_shown(e: &Estate) -> String {
        let cells: Vec<_> = e.usage.iter().collect();
        format!(
            "{cells:?} {:?} {:?} {:?} {:?}",
            e.sas, e.vas, e.licences, e.files
        )
    }

    #[test]
    fn a_usage_in_parts_reads_as_one_pass() {
        let dir = tempfile::tempdir().unwrap();
        usage_case(dir.path(), 300_000, |_| None);
        let (one, two) = read_both::<super::UsageCol>(dir.path(), "usage.csv", 2);
        let src = source(dir.path(), "usage.csv");
        let mut e = Estate::default();
        let taken = on(2, || super::read_usage(&src, &mut e, &mut Names::default()));
        assert!(taken.unwrap(), "the parts path reads the file");
        assert_eq!(one.usage.len(), 300_000);
        assert_eq!(usage_shown(&one), usage_shown(&two));
    }

    #[test]
    fn a_usage_key_repeated_across_parts_is_reported_as_one_pass_reports_it() {
        let cases: [(Row, &str); 3] = [
            (
                |i| (i == 190_000).then(|| "SB,VA-1,L-0,4,0\n".into()),
                "line 190002, column license: \"L-0\" repeats the (smart_account, virtual_account, license) of line 3",
            ),
            (
                |i| (i == 180_000).then(|| "SA,VA-0,L-0,4,5\n".into()),
                "line 180002, column reserved: \"5\" is more than in_use (4)",
            ),
            (
                |i| (i == 170_000).then(|| "SA,VA-0,L-0,-4,0\n".into()),
                "line 170002, column in_use",
            ),
        ];
        refused_alike(2, &cases, |dir, row| usage_case(dir, 300_000, row));
    }

    /// A case whose entitlements.csv has `rows` lots, lot i of VA i mod 30 and licence
    /// i mod 700, every 1000th ending before it starts, or as `row(i)` gives it; blank
    /// lines and CRLF line ends too, which the line numbers must count.
    fn lots_case(dir: &Path, rows: usize, row: impl Fn(usize) -> Option<String>) {
        let header =
            "smart_account,virtual_account,license,quantity,license_type,start_date,end_date";
        let text = table(header, rows, row, |text, i| {
            let (va, lic, units) = (i % 30, i % 700, i % 50);
            let end = if i % 1000 == 999 {
                "2025-01-01"
            } else {
                "2027-12-31"
            };
            let eol = if i % 5000 == 7 { "\r\n\n" } else { "\n" };
            write!(
                text,
                "SA,VA-{va},L-{lic},{units},TERM,2026-01-01,{end}{eol}"
            )
        });
        std::fs::write(dir.join("entitlements.csv"), text).unwrap();
        std::fs::write(
            dir.join("usage.csv"),
            "smart_account,virtual_account,license,in_use\nSA,VA-1,L-1,3\n",
        )
        .unwrap();
        std::fs::write(dir.join("case.toml"), "as_of = \"2026-11-01\"\n").unwrap();
    }

    #[test]
    fn entitlements_in_parts_read_as_one_pass_warnings_at_their_lines() {
        let dir = tempfile::tempdir().unwrap();
        lots_case(dir.path(), 150_000, |_| None);
        let (one, three) = read_both::<super::Ent>(dir.path(), "entitlements.csv", 3);
        let src = source(dir.path(), "entitlements.csv");
        let mut e = Estate::default();
        let taken = on(3, || {
            super::read_entitlements(&src, &mut e, &mut Names::default())
        });
        assert!(taken.unwrap(), "the parts path reads the file");
        assert_eq!(one.lots.len(), 150_000);
        assert_eq!(one.warnings.len(), 150);
        // Lot 149999 is the last row: 150000 rows and 30 blank lines after the header.
        let last = one.warnings.last().unwrap().to_string();
        assert!(last.contains("entitlements.csv line 150031"), "{last}");
        let shown = |e: &Estate| {
            let warnings: Vec<String> = e.warnings.iter().map(ToString::to_string).collect();
            format!(
                "{:?} {warnings:?} {:?} {:?} {:?}",
                e.lots, e.vas, e.licences, e.files
            )
        };
        assert_eq!(shown(&one), shown(&three));
    }

    #[test]
    fn a_problem_in_a_late_part_of_the_entitlements_is_reported_as_one_pass_reports_it() {
        let cases: [(Row, &str); 1] = [(
            |i| (i == 140_000).then(|| "SA,VA-1,L-1,-5,TERM,2026-01-01,2027-01-01\n".into()),
            "line 140030, column quantity",
        )];
        refused_alike(3, &cases, |dir, row| lots_case(dir, 150_000, row));
    }
}
