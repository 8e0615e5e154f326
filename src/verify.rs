//! `reallot verify`: re-checks every file of a written plan against the case and against
//! each other, with its own arithmetic, independently of the solver (SPEC §6).
//!
//! The scenario: a plan folder keeps the one it was made with (`scenario.toml`). Without
//! `--model` verify uses it; with `--model` it uses the given one and the recorded one must
//! be the same (a difference is a violation naming the keys that differ).
//!
//! What it shares with the planner: the case readers ([`crate::estate`], including
//! `Estate::price`), the scenario reader, `resolve_as_of`, the column headers of the plan
//! tables, CSSM's request limits, and the findings rules
//! ([`crate::plan::findings::collect`], applied to the positions verify recomputes itself).
//! Nothing of [`crate::model`]: supply, PAK, hygiene, demand, pinned units, residual demand
//! and movable supply per (VA, licence); pools, locks and merges; the vendor's per-VA
//! reading; the renewal sizing; the perpetual/term split of the transfer requests are all
//! computed here.
//!
//! Optimality is checked wherever it has a closed form (every licence outside a
//! substitution family, per pool or per unpooled VA, and the vendor's reading outside
//! families); inside a family the plan's purchases are checked for feasibility (coverage,
//! packs, "covers" pairs) and the vendor's per-VA purchases by Hall's condition, not for
//! minimality.
//!
//! Every problem with the plan folder's files (missing, unreadable, malformed, altered,
//! inconsistent) is a violation; only a plan folder that does not exist is a usage error.
//! Units are added up as `u128` and money as `i128` cents (sums of figures read from the
//! plan saturate, so a tampered huge figure can never wrap into a plausible one).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{Error, Result, EXIT_VERIFY};
use crate::estate::{Estate, LicId, LicenseType, LotStatus, Reservation, Source, VaId};
use crate::io::guard::unguard;
use crate::io::table::parse_count;
use crate::report::headers;
use crate::scenario::{Merge, RenewalPolicy, Scenario};

/// What `verify` found.
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    /// Number of individual checks made.
    pub checks: usize,
    /// Broken rules, in plain English, each naming the file it concerns.
    pub violations: Vec<String>,
}

impl VerifyReport {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        self.checks += 1;
        if !ok {
            self.violations.push(what());
        }
    }

    fn fail(&mut self, what: String) {
        self.check(false, || what);
    }
}

/// Widens any integer cents or units type to `i128` (works whether `plan::Cents` and
/// prices are `i64` or `i128`).
fn wide<T: Into<i128>>(x: T) -> i128 {
    x.into()
}

/// Formats cents as the plan files write money.
fn fmt_cents(c: i128) -> String {
    let sign = if c < 0 { "-" } else { "" };
    let a = c.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// Parses money exactly, never through a float: an optional `-`, digits, and at most two
/// decimals.
pub fn parse_money(text: &str) -> Option<i128> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) if !f.is_empty() => (w, f),
        Some(_) => return None,
        None => (digits, ""),
    };
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || frac.len() > 2 || !all_digits(whole) || !all_digits(frac) {
        return None;
    }
    let w: i128 = whole.parse().ok()?;
    let f: i128 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    let c = w.checked_mul(100)?.checked_add(f)?;
    Some(if neg { -c } else { c })
}

/// `reallot verify CASE PLAN_DIR [--model FILE] [--as-of DATE]`, once the command line has
/// read the scenario file (if any): prints each violation and a count; returns exit code 0,
/// or [`EXIT_VERIFY`] when anything is wrong. A plan folder that does not exist is a usage
/// error (exit 2); every problem inside it is a violation.
pub fn command(
    case: &Path,
    plan_dir: &Path,
    scenario: Option<&Scenario>,
    as_of: Option<NaiveDate>,
    w: &mut dyn Write,
) -> Result<i32> {
    check_plan_dir(plan_dir)?;
    let estate = crate::estate::load_case(case)?;
    let report = verify_plan(&estate, scenario, as_of, plan_dir)?;
    let io = |e| Error::io("stdout", e);
    for v in &report.violations {
        writeln!(w, "VIOLATION {v}").map_err(io)?;
    }
    let n = report.violations.len();
    writeln!(
        w,
        "verify: {} checks, {n} violation{}",
        report.checks,
        if n == 1 { "" } else { "s" }
    )
    .map_err(io)?;
    Ok(if n == 0 { 0 } else { EXIT_VERIFY })
}

fn check_plan_dir(plan_dir: &Path) -> Result<()> {
    if plan_dir.is_dir() {
        Ok(())
    } else if plan_dir.exists() {
        Err(Error::Usage(format!(
            "{}: is not a folder (name the folder `reallot plan` wrote)",
            plan_dir.display()
        )))
    } else {
        Err(Error::Usage(format!(
            "{}: no plan folder there (write one with `reallot plan`)",
            plan_dir.display()
        )))
    }
}

/// Re-checks the plan in `plan_dir` under `scenario` (as with `--model`): the plan's own
/// `scenario.toml` must agree with it.
pub fn verify(
    estate: &Estate,
    scenario: &Scenario,
    as_of: Option<NaiveDate>,
    plan_dir: &Path,
) -> Result<VerifyReport> {
    verify_plan(estate, Some(scenario), as_of, plan_dir)
}

/// Re-checks the plan in `plan_dir`. Without a scenario it uses the one recorded in the
/// plan folder (`scenario.toml`); with one, that one is used and the recorded one must be
/// the same (a difference is a violation). Errors: the folder is missing (exit 2), or the
/// case or the given scenario cannot be used (exit 65); everything else is a violation.
pub fn verify_plan(
    estate: &Estate,
    scenario: Option<&Scenario>,
    as_of: Option<NaiveDate>,
    plan_dir: &Path,
) -> Result<VerifyReport> {
    check_plan_dir(plan_dir)?;
    let mut rep = VerifyReport::default();
    let recorded = read_text(&mut rep, plan_dir, "scenario.toml").and_then(|text| {
        match Scenario::parse(&text, "scenario.toml", "scenario") {
            Ok(s) => Some(s),
            Err(e) => {
                rep.fail(format!("scenario.toml: cannot be read back: {e}"));
                None
            }
        }
    });
    let scenario = match (scenario, &recorded) {
        (Some(given), Some(rec)) => {
            rep.check(given == rec, || {
                format!(
                    "scenario.toml: the plan was made with scenario {:?}, which differs from the one given ({}): {}",
                    rec.name,
                    given.name,
                    scenario_diff(given, rec)
                )
            });
            given.clone()
        }
        (Some(given), None) => given.clone(),
        (None, Some(rec)) => rec.clone(),
        (None, None) => {
            rep.fail(
                "scenario.toml: without it (or --model) the plan's scenario is unknown, so nothing else can be checked".into(),
            );
            return Ok(rep);
        }
    };
    let as_of = crate::resolve_as_of(estate, as_of)?;
    let model = match Model::build(estate, &scenario, as_of) {
        Ok(m) => m,
        Err(message) if recorded.is_some() && scenario == *recorded.as_ref().unwrap() => {
            rep.fail(format!("scenario.toml: does not fit this case: {message}"));
            return Ok(rep);
        }
        Err(message) => return Err(crate::scenario_mismatch(&scenario, message)),
    };
    let mut v = Verifier {
        rep,
        m: model,
        dir: plan_dir,
        scenario: &scenario,
    };
    v.run();
    Ok(v.rep)
}

/// The keys on which two scenarios differ, as `key: a vs b`.
fn scenario_diff(a: &Scenario, b: &Scenario) -> String {
    let lines = |s: &Scenario| -> Vec<String> {
        s.to_toml()
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(str::to_string)
            .collect()
    };
    let (la, lb) = (lines(a), lines(b));
    let only = |x: &[String], y: &[String]| -> Vec<String> {
        x.iter().filter(|l| !y.contains(l)).cloned().collect()
    };
    format!(
        "given [{}], recorded [{}]",
        only(&la, &lb).join("; "),
        only(&lb, &la).join("; ")
    )
}

/// Reads a file of the plan folder as text; a missing or unreadable one is a violation.
fn read_text(rep: &mut VerifyReport, dir: &Path, file: &str) -> Option<String> {
    let path = dir.join(file);
    rep.checks += 1;
    match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => Some(t),
            Err(_) => {
                rep.violations
                    .push(format!("{file}: is not UTF-8 text (altered?)"));
                None
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            rep.violations
                .push(format!("{file}: missing from the plan folder"));
            None
        }
        Err(e) => {
            rep.violations.push(format!("{file}: cannot be read: {e}"));
            None
        }
    }
}

// ---------------------------------------------------------------------------------------
// The model's parameters, computed here from the case with plain arithmetic.

/// Parameters of one (VA, licence); an absent cell is all zeros.
#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    /// S: units of lots in force at t.
    entitled: u128,
    /// PAK part of S.
    pak: u128,
    /// In use as exported.
    in_use_raw: u128,
    /// Reserved as exported.
    reserved_raw: u128,
    /// d: in use after hygiene.
    in_use: u128,
    /// R: reserved after hygiene.
    reserved: u128,
    /// D.
    demand: u128,
    /// min(S, PAK + R).
    pinned: u128,
    /// D'.
    residual: u128,
    /// M.
    movable: u128,
}

impl Cell {
    fn finish(&mut self, growth_bp: i64, buffer_bp: i64) {
        let num = i128::try_from(self.in_use)
            .unwrap_or(i128::MAX)
            .saturating_mul(10_000 + i128::from(growth_bp))
            .saturating_mul(10_000 + i128::from(buffer_bp));
        self.demand = if num <= 0 {
            0
        } else {
            // ⌈num / 10^8⌉ (num > 0)
            ((num - 1) / 100_000_000 + 1) as u128
        };
        self.pinned = self.entitled.min(self.pak + self.reserved);
        self.residual = self.demand.saturating_sub(self.pinned);
        self.movable = self.entitled - self.pinned;
    }
}

/// Whether a lot is in force on day `t` (SPEC §4), written out here rather than shared.
fn in_force(lot: &crate::estate::Lot, t: NaiveDate) -> bool {
    !matches!(lot.status, LotStatus::Expired | LotStatus::Cancelled)
        && lot.start.is_none_or(|s| s <= t)
        && lot.end.is_none_or(|e| e >= t)
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Hygiene {
    stale: u128,
    retired: u128,
    released_units: u128,
    released_reservations: u128,
}

#[derive(Debug, Clone)]
struct Pool {
    label: String,
    multi_sa: bool,
}

struct Model<'a> {
    e: &'a Estate,
    as_of: NaiveDate,
    t: NaiveDate,
    renewal: Option<NaiveDate>,
    cells: BTreeMap<(VaId, LicId), Cell>,
    /// The vendor's reading: at as_of, raw consumption, no growth or buffer.
    vendor_cells: BTreeMap<(VaId, LicId), Cell>,
    pools: Vec<Pool>,
    pool_of: Vec<usize>,
    pooled: Vec<bool>,
    /// Family (connected component of the substitution pairs) of each licence.
    family: Vec<Option<usize>>,
    /// Substitution applies in the plan's scenario.
    substitution: bool,
    /// "h covers l", transitively.
    reach: HashSet<(LicId, LicId)>,
    hygiene: Hygiene,
    lic_by_name: HashMap<String, LicId>,
    va_by_sa: HashMap<(String, String), VaId>,
    va_by_pool: HashMap<(String, String), VaId>,
    va_by_label: HashMap<String, VaId>,
}

impl<'a> Model<'a> {
    fn build(e: &'a Estate, s: &Scenario, as_of: NaiveDate) -> std::result::Result<Self, String> {
        let renewal = match s.renewal {
            RenewalPolicy::FromCase => e.renewal_date,
            RenewalPolicy::Date(d) => Some(d),
            RenewalPolicy::Disabled => None,
        };
        let t = renewal.unwrap_or(as_of);

        // Pools: (merge group or SA, pool name).
        let sa_id = |n: &str| e.sas.iter().position(|x| x == n);
        let mut group: Vec<usize> = (0..e.sas.len()).collect();
        match &s.merge {
            Merge::None => {}
            Merge::All => group.iter_mut().for_each(|g| *g = e.sas.len()),
            Merge::Groups(gs) => {
                let mut seen = HashSet::new();
                for (k, g) in gs.iter().enumerate() {
                    for n in g {
                        let id = sa_id(n).ok_or_else(|| {
                            format!("merge names Smart Account {n:?}, which the case does not have")
                        })?;
                        if !seen.insert(id) {
                            return Err(format!("merge lists Smart Account {n:?} in two groups"));
                        }
                        group[id] = e.sas.len() + k;
                    }
                }
            }
        }
        let mut locks = HashSet::new();
        for (sa, va) in &s.lock {
            let id = e
                .vas
                .iter()
                .position(|v| v.name == *va && e.sas[v.sa as usize] == *sa)
                .ok_or_else(|| format!("lock names {sa}/{va}, a VA the case does not have"))?;
            locks.insert(id);
        }
        let mut key_pool: BTreeMap<(usize, &str), usize> = BTreeMap::new();
        let mut members: Vec<BTreeSet<&str>> = Vec::new();
        let mut pool_of = Vec::with_capacity(e.vas.len());
        let mut pooled = Vec::with_capacity(e.vas.len());
        for (i, v) in e.vas.iter().enumerate() {
            let k = (group[v.sa as usize], v.pool.as_str());
            let p = *key_pool.entry(k).or_insert_with(|| {
                members.push(BTreeSet::new());
                members.len() - 1
            });
            members[p].insert(e.sas[v.sa as usize].as_str());
            pool_of.push(p);
            pooled.push(s.reallocate && !v.locked && !locks.contains(&i));
        }
        let pools: Vec<Pool> = members
            .iter()
            .map(|m| Pool {
                label: m.iter().copied().collect::<Vec<_>>().join("+"),
                multi_sa: m.len() > 1,
            })
            .collect();

        // Supply at t and at as_of (the vendor's date).
        let mut cells: BTreeMap<(VaId, LicId), Cell> = BTreeMap::new();
        let mut vendor_cells: BTreeMap<(VaId, LicId), Cell> = BTreeMap::new();
        for lot in &e.lots {
            let k = (lot.va, lot.lic);
            let q = u128::from(lot.quantity);
            let pak = lot.source == Source::Pak;
            let c = cells.entry(k).or_default();
            if in_force(lot, t) {
                c.entitled += q;
                c.pak += if pak { q } else { 0 };
            }
            let v = vendor_cells.entry(k).or_default();
            if in_force(lot, as_of) {
                v.entitled += q;
                v.pak += if pak { q } else { 0 };
            }
        }
        // Consumption, with hygiene.
        let mut hygiene = Hygiene::default();
        match &e.instances {
            Some(instances) => {
                let cutoff =
                    as_of.checked_sub_days(chrono::Days::new(u64::from(s.stale_after_days)));
                let mut dropped: BTreeMap<u32, bool> = BTreeMap::new();
                for i in instances {
                    let k = (i.va, i.lic);
                    let q = u128::from(i.quantity);
                    let reserved = i.reservation != Reservation::None;
                    let r = if reserved { q } else { 0 };
                    let v = vendor_cells.entry(k).or_default();
                    v.in_use += q;
                    v.reserved += r;
                    let c = cells.entry(k).or_default();
                    c.in_use_raw += q;
                    c.reserved_raw += r;
                    if s.hygiene {
                        let retired = e
                            .cmdb
                            .as_ref()
                            .is_some_and(|m| m.get(i.name as usize) == Some(&2));
                        let stale = !retired
                            && match (i.last_contact, cutoff) {
                                (Some(lc), Some(cut)) => lc < cut,
                                _ => false,
                            };
                        if retired || stale {
                            dropped.insert(i.name, retired);
                            hygiene.released_units += q;
                            hygiene.released_reservations += r;
                            continue;
                        }
                    }
                    c.in_use += q;
                    c.reserved += r;
                }
                for retired in dropped.into_values() {
                    if retired {
                        hygiene.retired += 1;
                    } else {
                        hygiene.stale += 1;
                    }
                }
            }
            None => {
                for (&k, u) in &e.usage {
                    let (q, r) = (u128::from(u.in_use), u128::from(u.reserved));
                    let c = cells.entry(k).or_default();
                    (c.in_use_raw, c.reserved_raw, c.in_use, c.reserved) = (q, r, q, r);
                    let v = vendor_cells.entry(k).or_default();
                    (v.in_use, v.reserved) = (q, r);
                }
            }
        }
        for c in cells.values_mut() {
            c.finish(s.growth_bp, s.buffer_bp);
        }
        for c in vendor_cells.values_mut() {
            c.finish(0, 0);
        }

        // Families and the transitive closure of "covers".
        let nl = e.licences.len();
        let mut family: Vec<Option<usize>> = vec![None; nl];
        let mut adj: Vec<Vec<LicId>> = vec![Vec::new(); nl];
        let mut undirected: Vec<Vec<LicId>> = vec![Vec::new(); nl];
        for &(h, l) in &e.substitutions {
            adj[h as usize].push(l);
            undirected[h as usize].push(l);
            undirected[l as usize].push(h);
        }
        let mut n_fam = 0;
        for start in 0..nl {
            if undirected[start].is_empty() || family[start].is_some() {
                continue;
            }
            let mut stack = vec![start];
            family[start] = Some(n_fam);
            while let Some(x) = stack.pop() {
                for &y in &undirected[x] {
                    if family[y as usize].is_none() {
                        family[y as usize] = Some(n_fam);
                        stack.push(y as usize);
                    }
                }
            }
            n_fam += 1;
        }
        let mut reach = HashSet::new();
        for h in 0..nl {
            let mut stack: Vec<LicId> = adj[h].clone();
            while let Some(l) = stack.pop() {
                if reach.insert((h as LicId, l)) {
                    stack.extend(adj[l as usize].iter().copied());
                }
            }
        }

        let lic_by_name = e
            .licences
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as LicId))
            .collect();
        let mut va_by_sa = HashMap::new();
        let mut va_by_pool = HashMap::new();
        let mut va_by_label = HashMap::new();
        for (i, v) in e.vas.iter().enumerate() {
            let sa = e.sas[v.sa as usize].clone();
            let label = format!("{sa}/{}", v.name);
            let p = &pools[pool_of[i]];
            let in_pool = if p.multi_sa {
                label.clone()
            } else {
                v.name.clone()
            };
            va_by_pool.insert((p.label.clone(), in_pool), i as VaId);
            va_by_sa.insert((sa, v.name.clone()), i as VaId);
            va_by_label.insert(label, i as VaId);
        }
        Ok(Model {
            e,
            as_of,
            t,
            renewal,
            cells,
            vendor_cells,
            pools,
            pool_of,
            pooled,
            family,
            substitution: s.substitution,
            reach,
            hygiene,
            lic_by_name,
            va_by_sa,
            va_by_pool,
            va_by_label,
        })
    }

    fn cell(&self, k: (VaId, LicId)) -> Cell {
        self.cells.get(&k).copied().unwrap_or_default()
    }

    /// Whether substitution couples this licence to others in the plan's scenario.
    fn in_plan_family(&self, lic: LicId) -> bool {
        self.substitution && self.family[lic as usize].is_some()
    }

    fn price(&self, lic: LicId) -> i128 {
        self.e.price(lic).map_or(0, |p| wide(p.cents))
    }

    fn pack(&self, lic: LicId) -> u128 {
        self.e.price(lic).map_or(1, |p| u128::from(p.pack.max(1)))
    }

    fn lic(&self, l: LicId) -> &str {
        &self.e.licences[l as usize]
    }

    fn label(&self, va: VaId) -> String {
        self.e.va_label(va)
    }
}

fn round_up(q: u128, pack: u128) -> u128 {
    q.div_ceil(pack) * pack
}

// ---------------------------------------------------------------------------------------
// Reading the plan's tables.

/// Columns holding names or free text, written through the spreadsheet guard.
use crate::report::TEXT_COLUMNS;

struct Row {
    line: u64,
    cells: Vec<String>,
}

/// Reads a plan table: the header must be exactly `header`; name cells are unguarded. A
/// missing file, a wrong header or a malformed row is a violation.
fn read_table(rep: &mut VerifyReport, dir: &Path, file: &str, header: &[&str]) -> Option<Vec<Row>> {
    // findings.csv keeps the order of its rules; it is compared row by row instead.
    let sorted = file != "findings.csv";
    let text = read_text(rep, dir, file)?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let got: Vec<String> = match r.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => {
            rep.fail(format!("{file}: the header cannot be read: {e}"));
            return None;
        }
    };
    rep.check(got == header, || {
        format!(
            "{file}: the header is {:?}, expected {:?}",
            got.join(","),
            header.join(",")
        )
    });
    if got != header {
        return None;
    }
    let text_col: Vec<bool> = header.iter().map(|h| TEXT_COLUMNS.contains(h)).collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        match rec {
            Ok(rec) => {
                let line = rec.position().map_or(0, |p| p.line());
                let cells = rec
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if text_col[i] {
                            unguard(c).to_string()
                        } else {
                            c.to_string()
                        }
                    })
                    .collect();
                rows.push(Row { line, cells });
            }
            Err(e) => rep.fail(format!("{file}: {e}")),
        }
    }
    // Rows sorted by their key columns (the leading name columns).
    let keys: Vec<usize> = (0..header.len()).filter(|&i| text_col[i]).collect();
    let key = |r: &Row| -> Vec<String> { keys.iter().map(|&i| r.cells[i].clone()).collect() };
    let unsorted = rows.windows(2).find(|w| sorted && key(&w[0]) > key(&w[1]));
    rep.check(unsorted.is_none(), || {
        format!(
            "{file} line {}: rows are not sorted by their key columns",
            unsorted.map_or(0, |w| w[1].line)
        )
    });
    Some(rows)
}

fn count(rep: &mut VerifyReport, file: &str, row: &Row, header: &[&str], i: usize) -> Option<u128> {
    match parse_count(&row.cells[i]) {
        Ok(q) => Some(u128::from(q)),
        Err(why) => {
            rep.fail(format!(
                "{file} line {}, column {}: {:?} is not a count ({why})",
                row.line, header[i], row.cells[i]
            ));
            None
        }
    }
}

fn money_cell(
    rep: &mut VerifyReport,
    file: &str,
    row: &Row,
    header: &[&str],
    i: usize,
) -> Option<i128> {
    let m = parse_money(&row.cells[i]);
    if m.is_none() {
        rep.fail(format!(
            "{file} line {}, column {}: {:?} is not an amount with two decimals",
            row.line, header[i], row.cells[i]
        ));
    }
    m
}

type Key = (VaId, LicId);

/// Sources, sinks and rows of the moves of one (pool, licence).
type Ends = (BTreeSet<VaId>, BTreeSet<VaId>, u128);

/// What the plan's tables say, resolved to ids.
#[derive(Default)]
struct Tables {
    moved_out: BTreeMap<Key, u128>,
    moved_in: BTreeMap<Key, u128>,
    /// (from, to, licence) -> units, every move row.
    moves: BTreeMap<(VaId, VaId, LicId), u128>,
    move_rows: u128,
    moved_total: u128,
    bought: BTreeMap<Key, u128>,
    pool_bought: BTreeMap<(usize, LicId), u128>,
    bought_units: u128,
    bought_cost: i128,
    bought_by_lic: BTreeMap<LicId, u128>,
    sub_out: BTreeMap<Key, u128>,
    sub_in: BTreeMap<Key, u128>,
    sub_total: u128,
    /// vendor_shortfall column of positions.csv.
    vendor_file: BTreeMap<Key, u128>,
}

fn get(m: &BTreeMap<Key, u128>, k: Key) -> u128 {
    m.get(&k).copied().unwrap_or(0)
}

struct Verifier<'a> {
    rep: VerifyReport,
    m: Model<'a>,
    dir: &'a Path,
    scenario: &'a Scenario,
}

impl Verifier<'_> {
    fn run(&mut self) {
        let summary = self.read_summary();
        if let Some(s) = &summary {
            let status = s
                .get("status")
                .and_then(|r| serde_json::from_str::<String>(r.get()).ok());
            if let Some(st) = status.filter(|st| st != "optimal") {
                self.rep.fail(format!(
                    "summary.json: status is {st:?}, not optimal: there is no plan to verify"
                ));
                return;
            }
        }
        let mut t = Tables::default();
        self.moves(&mut t);
        self.purchases(&mut t);
        self.substitutions(&mut t);
        self.coverage_and_optimum(&t);
        let positions = self.positions(&mut t);
        let vendor = self.vendor_view(&t);
        self.transfers(&t);
        let renewal = self.renewal(&t);
        if let Some(p) = &positions {
            self.findings(p);
        }
        for f in ["plan.xlsx", "report.html", "report.md"] {
            let p = self.dir.join(f);
            self.rep
                .check(p.is_file(), || format!("{f}: missing from the plan folder"));
        }
        if let Some(s) = &summary {
            self.summary_figures(s, &t, vendor, renewal.as_ref());
        }
    }

    fn read_summary(&mut self) -> Option<BTreeMap<String, Box<RawValue>>> {
        let text = read_text(&mut self.rep, self.dir, "summary.json")?;
        match serde_json::from_str(&text) {
            Ok(m) => Some(m),
            Err(e) => {
                self.rep
                    .fail(format!("summary.json: is not a JSON object: {e}"));
                None
            }
        }
    }

    fn moves(&mut self, t: &mut Tables) {
        const F: &str = "moves.csv";
        let h = headers::MOVES;
        let Some(rows) = read_table(&mut self.rep, self.dir, F, h) else {
            return;
        };
        t.move_rows = rows.len() as u128;
        let mut ends: BTreeMap<(usize, LicId), Ends> = BTreeMap::new();
        for r in &rows {
            let c = &r.cells;
            let find = |va: &str| {
                self.m
                    .va_by_pool
                    .get(&(c[0].clone(), va.to_string()))
                    .copied()
            };
            let (Some(from), Some(to), Some(&lic)) =
                (find(&c[2]), find(&c[3]), self.m.lic_by_name.get(&c[1]))
            else {
                self.rep.fail(format!(
                    "{F} line {}: unknown pool, VA or licence in {c:?}",
                    r.line
                ));
                continue;
            };
            let Some(q) = count(&mut self.rep, F, r, h, 4) else {
                continue;
            };
            let line = r.line;
            self.rep
                .check(q > 0, || format!("{F} line {line}: moves 0 units"));
            self.rep.check(from != to, || {
                format!("{F} line {line}: moves from a VA to itself")
            });
            for (va, side) in [(from, "from"), (to, "to")] {
                let pooled = self.m.pooled[va as usize];
                self.rep.check(pooled, || {
                    format!(
                        "{F} line {line}: {} is locked or transfers are off, but licences move {side} it",
                        self.m.label(va)
                    )
                });
            }
            let dup = t.moves.insert((from, to, lic), q).is_some();
            self.rep.check(!dup, || {
                format!("{F} line {line}: a second row for the same move")
            });
            *t.moved_out.entry((from, lic)).or_default() += q;
            *t.moved_in.entry((to, lic)).or_default() += q;
            t.moved_total = t.moved_total.saturating_add(q);
            let e = ends
                .entry((self.m.pool_of[from as usize], lic))
                .or_default();
            e.0.insert(from);
            e.1.insert(to);
            e.2 += 1;
        }
        // A decomposition has at most (sources + sinks − 1) rows per (pool, licence).
        for ((pool, lic), (from, to, n)) in ends {
            let most = (from.len() + to.len()).saturating_sub(1) as u128;
            self.rep.check(n <= most, || {
                format!(
                    "{F}: pool {} {}: {n} rows for {} sources and {} sinks (at most {most})",
                    self.m.pools[pool].label,
                    self.m.lic(lic),
                    from.len(),
                    to.len()
                )
            });
        }
        // Existing licences only change hands inside a pool: what leaves arrives.
        let mut balance: BTreeMap<(usize, LicId), (u128, u128)> = BTreeMap::new();
        for (&(va, lic), &q) in &t.moved_out {
            balance
                .entry((self.m.pool_of[va as usize], lic))
                .or_default()
                .0 += q;
        }
        for (&(va, lic), &q) in &t.moved_in {
            balance
                .entry((self.m.pool_of[va as usize], lic))
                .or_default()
                .1 += q;
        }
        for ((pool, lic), (out, inn)) in balance {
            self.rep.check(out == inn, || {
                format!(
                    "{F}: pool {} {}: {out} licences leave VAs but {inn} arrive",
                    self.m.pools[pool].label,
                    self.m.lic(lic)
                )
            });
        }
        for (&(va, lic), &q) in &t.moved_out {
            let m = self.m.cell((va, lic)).movable;
            self.rep.check(q <= m, || {
                format!(
                    "{F}: {} sends {q} of {} but holds only {m} movable (pinned PAK/reserved units stay)",
                    self.m.label(va),
                    self.m.lic(lic)
                )
            });
        }
    }

    fn purchases(&mut self, t: &mut Tables) {
        const F: &str = "purchases.csv";
        let h = headers::PURCHASES;
        let Some(rows) = read_table(&mut self.rep, self.dir, F, h) else {
            return;
        };
        for r in &rows {
            let c = &r.cells;
            let line = r.line;
            let (Some(&va), Some(&lic)) = (
                self.m.va_by_pool.get(&(c[0].clone(), c[1].clone())),
                self.m.lic_by_name.get(&c[2]),
            ) else {
                self.rep.fail(format!(
                    "{F} line {line}: unknown pool, VA or licence in {c:?}"
                ));
                continue;
            };
            let (Some(q), Some(unit), Some(cost)) = (
                count(&mut self.rep, F, r, h, 3),
                money_cell(&mut self.rep, F, r, h, 4),
                money_cell(&mut self.rep, F, r, h, 5),
            ) else {
                continue;
            };
            self.rep
                .check(q > 0, || format!("{F} line {line}: buys 0 units"));
            let price = self.m.e.price(lic);
            self.rep.check(price.is_some(), || {
                format!(
                    "{F} line {line}: {} has no price and cannot be bought",
                    c[2]
                )
            });
            let list = self.m.price(lic);
            self.rep.check(unit == list, || {
                format!(
                    "{F} line {line}: unit price {} is not the list price {}",
                    c[4],
                    fmt_cents(list)
                )
            });
            let want = i128::try_from(q).unwrap_or(i128::MAX).saturating_mul(list);
            self.rep.check(cost == want, || {
                format!(
                    "{F} line {line}: cost {} is not quantity x list price = {}",
                    c[5],
                    fmt_cents(want)
                )
            });
            t.bought_units = t.bought_units.saturating_add(q);
            t.bought_cost = t.bought_cost.saturating_add(cost);
            *t.bought_by_lic.entry(lic).or_default() += q;
            *t.bought.entry((va, lic)).or_default() += q;
            if self.m.pooled[va as usize] {
                *t.pool_bought
                    .entry((self.m.pool_of[va as usize], lic))
                    .or_default() += q;
            }
        }
        // Packs: per pool for pooled VAs, per VA otherwise.
        for (&(pool, lic), &q) in &t.pool_bought {
            let pack = self.m.pack(lic);
            self.rep.check(q.is_multiple_of(pack), || {
                format!(
                    "{F}: pool {} buys {q} of {}, not a multiple of the pack size {pack}",
                    self.m.pools[pool].label,
                    self.m.lic(lic)
                )
            });
        }
        for (&(va, lic), &q) in &t.bought {
            if !self.m.pooled[va as usize] {
                let pack = self.m.pack(lic);
                self.rep.check(q.is_multiple_of(pack), || {
                    format!(
                        "{F}: {} buys {q} of {}, not a multiple of the pack size {pack}",
                        self.m.label(va),
                        self.m.lic(lic)
                    )
                });
            }
        }
    }

    fn substitutions(&mut self, t: &mut Tables) {
        const F: &str = "substitutions.csv";
        let h = headers::SUBSTITUTIONS;
        let Some(rows) = read_table(&mut self.rep, self.dir, F, h) else {
            return;
        };
        for r in &rows {
            let c = &r.cells;
            let line = r.line;
            let (Some(&va), Some(&hi), Some(&lo)) = (
                self.m.va_by_sa.get(&(c[0].clone(), c[1].clone())),
                self.m.lic_by_name.get(&c[2]),
                self.m.lic_by_name.get(&c[3]),
            ) else {
                self.rep
                    .fail(format!("{F} line {line}: unknown VA or licence in {c:?}"));
                continue;
            };
            let Some(q) = count(&mut self.rep, F, r, h, 4) else {
                continue;
            };
            self.rep
                .check(q > 0, || format!("{F} line {line}: substitutes 0 units"));
            self.rep.check(self.m.substitution, || {
                format!("{F} line {line}: the scenario turns substitution off")
            });
            self.rep.check(self.m.reach.contains(&(hi, lo)), || {
                format!("{F} line {line}: {} does not cover {}", c[2], c[3])
            });
            t.sub_total = t.sub_total.saturating_add(q);
            *t.sub_out.entry((va, hi)).or_default() += q;
            *t.sub_in.entry((va, lo)).or_default() += q;
        }
    }

    /// Every cell's demand is covered; where no substitution couples licences, the
    /// purchases and moves equal the closed-form optimum.
    fn coverage_and_optimum(&mut self, t: &Tables) {
        let mut keys: BTreeSet<Key> = self.m.cells.keys().copied().collect();
        for m in [&t.moved_out, &t.moved_in, &t.bought, &t.sub_out, &t.sub_in] {
            keys.extend(m.keys().copied());
        }
        // (pool, licence) -> (deficit, surplus, moved out)
        let mut groups: BTreeMap<(usize, LicId), (u128, u128, u128)> = BTreeMap::new();
        for &k in &keys {
            let c = self.m.cell(k);
            let have = c.movable + get(&t.moved_in, k) + get(&t.bought, k) + get(&t.sub_in, k);
            let gone = get(&t.moved_out, k) + get(&t.sub_out, k);
            let covered = have.saturating_sub(gone);
            self.rep.check(have >= gone && covered >= c.residual, || {
                format!(
                    "{} {}: demand {} ({} beyond pinned units) but only {} covered (positions, moves, purchases and substitutions together)",
                    self.m.label(k.0),
                    self.m.lic(k.1),
                    c.demand,
                    c.residual,
                    covered
                )
            });
            if self.m.in_plan_family(k.1) {
                continue;
            }
            let deficit = c.residual.saturating_sub(c.movable);
            if self.m.pooled[k.0 as usize] {
                let g = groups
                    .entry((self.m.pool_of[k.0 as usize], k.1))
                    .or_default();
                g.0 += deficit;
                g.1 += c.movable.saturating_sub(c.residual);
                g.2 += get(&t.moved_out, k);
            } else {
                let pack = self.m.pack(k.1);
                let want = round_up(deficit, pack);
                let got = get(&t.bought, k);
                self.rep.check(got == want, || {
                    format!(
                        "purchases.csv: {} {}: buys {got}, the optimum is {want} (deficit {deficit}, pack {pack})",
                        self.m.label(k.0),
                        self.m.lic(k.1)
                    )
                });
            }
        }
        for ((pool, lic), (def, sur, moved)) in groups {
            let pack = self.m.pack(lic);
            let want_buy = round_up(def.saturating_sub(sur), pack);
            let want_moved = def.saturating_sub(want_buy);
            let got_buy = t.pool_bought.get(&(pool, lic)).copied().unwrap_or(0);
            self.rep.check(got_buy == want_buy && moved == want_moved, || {
                format!(
                    "purchases.csv/moves.csv: pool {} {}: buys {got_buy} and moves {moved}; the optimum buys {want_buy} and moves {want_moved}",
                    self.m.pools[pool].label,
                    self.m.lic(lic)
                )
            });
        }
    }

    /// positions.csv: every column recomputed, no row missing or extra. Returns the rows
    /// as recomputed (for the findings).
    fn positions(&mut self, t: &mut Tables) -> Option<Vec<crate::plan::Position>> {
        const F: &str = "positions.csv";
        let h = headers::POSITIONS;
        let rows = read_table(&mut self.rep, self.dir, F, h)?;
        let mut file: BTreeMap<Key, (u64, Vec<u128>)> = BTreeMap::new();
        for r in &rows {
            let c = &r.cells;
            let (Some(&va), Some(&lic)) = (
                self.m.va_by_sa.get(&(c[0].clone(), c[1].clone())),
                self.m.lic_by_name.get(&c[2]),
            ) else {
                self.rep.fail(format!(
                    "{F} line {}: unknown VA or licence in {c:?}",
                    r.line
                ));
                continue;
            };
            let nums: Option<Vec<u128>> = (3..h.len())
                .map(|i| count(&mut self.rep, F, r, h, i))
                .collect();
            let Some(nums) = nums else { continue };
            if file.insert((va, lic), (r.line, nums)).is_some() {
                self.rep.fail(format!(
                    "{F} line {}: a second row for {} {}",
                    r.line, c[1], c[2]
                ));
            }
        }
        // The vendor's shortfall: closed form outside substitution families; the file's
        // figure inside them (checked for packs and feasibility in vendor_view).
        let vendor_family = |lic: LicId| self.m.family[lic as usize].is_some();
        for (&k, (_, nums)) in &file {
            if vendor_family(k.1) {
                t.vendor_file.insert(k, nums[4]);
            }
        }
        let mut keys: BTreeSet<Key> = self.m.cells.keys().copied().collect();
        keys.extend(self.m.vendor_cells.keys().copied());
        keys.extend(file.keys().copied());
        for m in [&t.moved_out, &t.moved_in, &t.bought, &t.sub_out, &t.sub_in] {
            keys.extend(m.keys().copied());
        }
        let mut out = Vec::new();
        for k in keys {
            let c = self.m.cell(k);
            let vendor = if vendor_family(k.1) {
                get(&t.vendor_file, k)
            } else {
                self.vendor_closed_form(k)
            };
            let (mi, mo) = (get(&t.moved_in, k), get(&t.moved_out, k));
            let (si, so) = (get(&t.sub_in, k), get(&t.sub_out, k));
            let bought = get(&t.bought, k);
            let held = c.entitled + mi + bought + si;
            let want = [
                c.entitled,
                c.in_use_raw,
                c.reserved_raw,
                c.demand,
                vendor,
                mi,
                mo,
                si,
                so,
                bought,
                held.saturating_sub(mo + so + c.demand),
            ];
            let any = want
                .iter()
                .enumerate()
                .any(|(i, &x)| i != 2 && i != 10 && x > 0);
            let (sa, va, lic) = (
                self.m.e.sa_name(k.0).to_string(),
                self.m.e.vas[k.0 as usize].name.clone(),
                self.m.lic(k.1).to_string(),
            );
            match file.get(&k) {
                None => self.rep.check(!any, || {
                    format!("{F}: the row for {sa}/{va} {lic} is missing")
                }),
                Some((line, got)) => {
                    self.rep.check(any, || {
                        format!("{F} line {line}: a row for {sa}/{va} {lic}, which the plan does not touch")
                    });
                    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                        self.rep.check(g == w, || {
                            format!(
                                "{F} line {line}: {} of {sa}/{va} {lic} is {g}, the plan and the case give {w}",
                                h[i + 3]
                            )
                        });
                    }
                }
            }
            if any {
                let n: Option<Vec<u64>> = want.iter().map(|&x| u64::try_from(x).ok()).collect();
                if let Some(n) = n {
                    out.push(crate::plan::Position {
                        smart_account: sa,
                        virtual_account: va,
                        license: lic,
                        entitled: n[0],
                        in_use: n[1],
                        reserved: n[2],
                        demand: n[3],
                        vendor_shortfall: n[4],
                        moved_in: n[5],
                        moved_out: n[6],
                        substituted_in: n[7],
                        substituted_out: n[8],
                        purchased: n[9],
                        surplus_after: n[10],
                    });
                }
            }
        }
        out.sort();
        Some(out)
    }

    /// The vendor's per-VA purchase of a licence outside every substitution family.
    fn vendor_closed_form(&self, k: Key) -> u128 {
        let c = self.m.vendor_cells.get(&k).copied().unwrap_or_default();
        round_up(c.residual.saturating_sub(c.movable), self.m.pack(k.1))
    }

    /// The vendor view: per cell as in positions.csv; inside substitution families the
    /// per-VA purchases must come in packs and cover the VA's demand (Hall's condition on
    /// "covers", checked exactly). Returns (units, cost).
    fn vendor_view(&mut self, t: &Tables) -> (u128, i128) {
        let (mut units, mut cost) = (0u128, 0i128);
        let mut keys: BTreeSet<Key> = self.m.vendor_cells.keys().copied().collect();
        keys.extend(t.vendor_file.keys().copied());
        // (VA, family) -> licences
        let mut fams: BTreeMap<(VaId, usize), BTreeSet<LicId>> = BTreeMap::new();
        for &k in &keys {
            let q = match self.m.family[k.1 as usize] {
                Some(f) => {
                    fams.entry((k.0, f)).or_default().insert(k.1);
                    let q = get(&t.vendor_file, k);
                    let pack = self.m.pack(k.1);
                    self.rep.check(q.is_multiple_of(pack), || {
                        format!(
                            "positions.csv: vendor_shortfall {q} of {} {} is not a multiple of the pack size {pack}",
                            self.m.label(k.0),
                            self.m.lic(k.1)
                        )
                    });
                    q
                }
                None => self.vendor_closed_form(k),
            };
            units = units.saturating_add(q);
            cost = cost.saturating_add(
                i128::try_from(q)
                    .unwrap_or(i128::MAX)
                    .saturating_mul(self.m.price(k.1)),
            );
        }
        for ((va, _), lics) in fams {
            let lics: Vec<LicId> = lics.into_iter().collect();
            let cells: Vec<Cell> = lics
                .iter()
                .map(|&l| {
                    self.m
                        .vendor_cells
                        .get(&(va, l))
                        .copied()
                        .unwrap_or_default()
                })
                .collect();
            let supply: Vec<u128> = lics
                .iter()
                .zip(&cells)
                .map(|(&l, c)| c.movable + get(&t.vendor_file, (va, l)))
                .collect();
            let need: Vec<(usize, u128)> = cells
                .iter()
                .enumerate()
                .filter(|(_, c)| c.residual > 0)
                .map(|(i, c)| (i, c.residual))
                .collect();
            if need.len() > 20 {
                continue; // 2^20 subsets: beyond that the check is skipped
            }
            let covers = |h: usize, l: usize| h == l || self.m.reach.contains(&(lics[h], lics[l]));
            let mut short = None;
            for mask in 1u32..(1 << need.len()) {
                let mut want = 0u128;
                let mut givers = vec![false; lics.len()];
                for (j, &(l, q)) in need.iter().enumerate() {
                    if mask & (1 << j) != 0 {
                        want += q;
                        for (h, g) in givers.iter_mut().enumerate() {
                            *g |= covers(h, l);
                        }
                    }
                }
                let have: u128 = supply
                    .iter()
                    .zip(&givers)
                    .filter(|(_, &g)| g)
                    .map(|(s, _)| *s)
                    .sum();
                if have < want {
                    short = Some((want, have));
                    break;
                }
            }
            self.rep.check(short.is_none(), || {
                let (want, have) = short.unwrap_or_default();
                format!(
                    "positions.csv: the vendor_shortfall column leaves {} short in the vendor's reading ({want} units of demand in {} against {have} that can cover them)",
                    self.m.label(va),
                    lics.iter().map(|&l| self.m.lic(l)).collect::<Vec<_>>().join(", ")
                )
            });
        }
        (units, cost)
    }

    fn transfers(&mut self, t: &Tables) {
        const F: &str = "transfers.json";
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "camelCase")]
        struct Entry {
            license: String,
            license_type: String,
            quantity: u64,
            target_virtual_account: String,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Body {
            licenses: Vec<Entry>,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "camelCase")]
        struct Request {
            smart_account: String,
            source_virtual_account: String,
            body: Body,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "camelCase")]
        struct NotExec {
            license: String,
            from: String,
            to: String,
            quantity: u64,
            #[allow(dead_code)]
            reason: String,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "camelCase")]
        struct Transfers {
            requests: Vec<Request>,
            not_executable: Vec<NotExec>,
        }
        let Some(text) = read_text(&mut self.rep, self.dir, F) else {
            return;
        };
        let tr: Transfers = match serde_json::from_str(&text) {
            Ok(x) => x,
            Err(e) => {
                self.rep
                    .fail(format!("{F}: not the transfer request format: {e}"));
                return;
            }
        };
        use crate::plan::transfers::{MAX_ENTRIES, MAX_UNITS};
        let mut sent: BTreeMap<(VaId, VaId, LicId), u128> = BTreeMap::new();
        let mut perpetual: BTreeMap<Key, u128> = BTreeMap::new();
        for (n, req) in tr.requests.iter().enumerate() {
            let at = format!("{F}: requests[{n}]");
            let k = req.body.licenses.len();
            self.rep.check((1..=MAX_ENTRIES).contains(&k), || {
                format!("{at}: {k} licence entries (CSSM takes 1 to {MAX_ENTRIES})")
            });
            let Some(&from) = self.m.va_by_sa.get(&(
                req.smart_account.clone(),
                req.source_virtual_account.clone(),
            )) else {
                self.rep.fail(format!(
                    "{at}: unknown source VA {}/{}",
                    req.smart_account, req.source_virtual_account
                ));
                continue;
            };
            for (j, en) in req.body.licenses.iter().enumerate() {
                let at = format!("{at}.body.licenses[{j}]");
                let q = u128::from(en.quantity);
                self.rep
                    .check((1..=u128::from(MAX_UNITS)).contains(&q), || {
                        format!("{at}: quantity {q} (CSSM takes 1 to {MAX_UNITS})")
                    });
                let kind_ok = matches!(en.license_type.as_str(), "PERPETUAL" | "TERM");
                self.rep.check(kind_ok, || {
                    format!(
                        "{at}: licenseType {:?} is not PERPETUAL or TERM",
                        en.license_type
                    )
                });
                let to = self
                    .m
                    .va_by_sa
                    .get(&(req.smart_account.clone(), en.target_virtual_account.clone()))
                    .copied();
                let (Some(to), Some(&lic)) = (to, self.m.lic_by_name.get(&en.license)) else {
                    self.rep.fail(format!(
                        "{at}: unknown target VA {:?} or licence {:?}",
                        en.target_virtual_account, en.license
                    ));
                    continue;
                };
                *sent.entry((from, to, lic)).or_default() += q;
                if en.license_type == "PERPETUAL" {
                    *perpetual.entry((from, lic)).or_default() += q;
                }
            }
        }
        let mut crossing: BTreeMap<(VaId, VaId, LicId), u128> = BTreeMap::new();
        for (n, ne) in tr.not_executable.iter().enumerate() {
            let (from, to, lic) = (
                self.m.va_by_label.get(&ne.from),
                self.m.va_by_label.get(&ne.to),
                self.m.lic_by_name.get(&ne.license),
            );
            let (Some(&from), Some(&to), Some(&lic)) = (from, to, lic) else {
                self.rep.fail(format!(
                    "{F}: notExecutable[{n}]: unknown VA or licence ({} -> {}, {})",
                    ne.from, ne.to, ne.license
                ));
                continue;
            };
            *crossing.entry((from, to, lic)).or_default() += u128::from(ne.quantity);
        }
        // The same moves as moves.csv, split by whether they stay inside a Smart Account.
        let same_sa =
            |f: VaId, to: VaId| self.m.e.vas[f as usize].sa == self.m.e.vas[to as usize].sa;
        let mut out_same: BTreeMap<Key, u128> = BTreeMap::new();
        let mut keys: BTreeSet<(VaId, VaId, LicId)> = t.moves.keys().copied().collect();
        keys.extend(sent.keys().copied());
        keys.extend(crossing.keys().copied());
        for k in keys {
            let want = t.moves.get(&k).copied().unwrap_or(0);
            let (f, to, lic) = k;
            let inside = same_sa(f, to);
            if inside {
                *out_same.entry((f, lic)).or_default() += want;
            }
            let (got, other, what) = if inside {
                (&sent, &crossing, "requests")
            } else {
                (&crossing, &sent, "notExecutable")
            };
            let g = got.get(&k).copied().unwrap_or(0);
            let o = other.get(&k).copied().unwrap_or(0);
            self.rep.check(g == want && o == 0, || {
                format!(
                    "{F}: {} -> {} {}: moves.csv moves {want}, the {what} carry {g}{}",
                    self.m.label(f),
                    self.m.label(to),
                    self.m.lic(lic),
                    if o > 0 {
                        format!(" (and {o} are listed on the wrong side)")
                    } else {
                        String::new()
                    }
                )
            });
        }
        // Perpetual units go first; reserved units are pinned on term lots first.
        let avail_all = self.movable_perpetual(&out_same.keys().copied().collect());
        for (&(va, lic), &out) in &out_same {
            let avail = avail_all.get(&(va, lic)).copied().unwrap_or(0);
            let want = out.min(avail);
            let got = perpetual.get(&(va, lic)).copied().unwrap_or(0);
            self.rep.check(got == want, || {
                format!(
                    "{F}: {} {}: {got} units typed PERPETUAL, expected {want} (perpetual units move first; {avail} are movable)",
                    self.m.label(va),
                    self.m.lic(lic)
                )
            });
        }
    }

    /// Movable perpetual units at t of the given cells: non-PAK perpetual lots in force,
    /// less the reservations that term lots cannot hold (reservations pin term units first).
    fn movable_perpetual(&self, keys: &BTreeSet<Key>) -> BTreeMap<Key, u128> {
        let mut lots: BTreeMap<Key, (u128, u128)> = BTreeMap::new();
        for lot in &self.m.e.lots {
            let k = (lot.va, lot.lic);
            if keys.contains(&k) && lot.source != Source::Pak && in_force(lot, self.m.t) {
                let e = lots.entry(k).or_default();
                if lot.license_type == LicenseType::Perpetual {
                    e.0 += u128::from(lot.quantity);
                } else {
                    e.1 += u128::from(lot.quantity);
                }
            }
        }
        keys.iter()
            .map(|&k| {
                let (perp, term) = lots.get(&k).copied().unwrap_or_default();
                let c = self.m.cell(k);
                let reserved_pin = c.pinned.saturating_sub(c.pak);
                (k, perp.saturating_sub(reserved_pin.saturating_sub(term)))
            })
            .collect()
    }

    /// renewal.csv, when a renewal date applies. Returns the renewal figures
    /// (date, expiring units, recommended units, like-for-like cost, recommended cost).
    fn renewal(&mut self, t: &Tables) -> Option<(NaiveDate, u128, u128, i128, i128)> {
        const F: &str = "renewal.csv";
        let h = headers::RENEWAL;
        let Some(date) = self.m.renewal else {
            let stray = self.dir.join(F).exists();
            self.rep.check(!stray, || {
                format!("{F}: present, but the scenario sizes no renewal")
            });
            return None;
        };
        let mut expiring: BTreeMap<LicId, u128> = BTreeMap::new();
        for lot in &self.m.e.lots {
            if in_force(lot, self.m.as_of) && lot.end.is_some_and(|e| e < date) {
                *expiring.entry(lot.lic).or_default() += u128::from(lot.quantity);
            }
        }
        let mut want: BTreeMap<String, [i128; 6]> = BTreeMap::new();
        let mut sum = (date, 0u128, 0u128, 0i128, 0i128);
        let lics: BTreeSet<LicId> = expiring
            .keys()
            .chain(t.bought_by_lic.keys())
            .copied()
            .collect();
        for lic in lics {
            let e = expiring.get(&lic).copied().unwrap_or(0);
            let r = t.bought_by_lic.get(&lic).copied().unwrap_or(0);
            if e == 0 && r == 0 {
                continue;
            }
            let p = self.m.price(lic);
            let (ei, ri) = (
                i128::try_from(e).unwrap_or(i128::MAX),
                i128::try_from(r).unwrap_or(i128::MAX),
            );
            let row = [
                ei,
                ri,
                ri - ei,
                p,
                ei.saturating_mul(p),
                ri.saturating_mul(p),
            ];
            sum.1 += e;
            sum.2 += r;
            sum.3 = sum.3.saturating_add(row[4]);
            sum.4 = sum.4.saturating_add(row[5]);
            want.insert(self.m.lic(lic).to_string(), row);
        }
        let rows = read_table(&mut self.rep, self.dir, F, h)?;
        let mut seen = BTreeSet::new();
        for r in &rows {
            let c = &r.cells;
            let line = r.line;
            let Some(w) = want.get(&c[0]) else {
                self.rep.fail(format!(
                    "{F} line {line}: a row for {}, which neither expires before {date} nor is bought",
                    c[0]
                ));
                continue;
            };
            seen.insert(c[0].clone());
            let got: [Option<i128>; 6] = [
                parse_count(&c[1]).ok().map(i128::from),
                parse_count(&c[2]).ok().map(i128::from),
                c[3].parse::<i128>().ok(),
                parse_money(&c[4]),
                parse_money(&c[5]),
                parse_money(&c[6]),
            ];
            for i in 0..6 {
                let ok = got[i] == Some(w[i]);
                self.rep.check(ok, || {
                    let shown = if i >= 3 {
                        fmt_cents(w[i])
                    } else {
                        w[i].to_string()
                    };
                    format!(
                        "{F} line {line}: {} of {} is {:?}, the case and the purchases give {shown}",
                        h[i + 1],
                        c[0],
                        c[i + 1]
                    )
                });
            }
        }
        for lic in want.keys() {
            self.rep.check(seen.contains(lic), || {
                format!("{F}: the row for {lic} is missing")
            });
        }
        Some(sum)
    }

    fn findings(&mut self, positions: &[crate::plan::Position]) {
        const F: &str = "findings.csv";
        let h = headers::FINDINGS;
        let Some(rows) = read_table(&mut self.rep, self.dir, F, h) else {
            return;
        };
        let want: Vec<Vec<String>> = crate::plan::findings::collect(
            self.m.e,
            self.m.as_of,
            self.scenario.stale_after_days,
            positions,
        )
        .iter()
        .map(crate::report::rows::finding)
        .collect();
        let got: Vec<&Vec<String>> = rows.iter().map(|r| &r.cells).collect();
        let first_diff =
            (0..want.len().max(got.len())).find(|&i| want.get(i) != got.get(i).copied());
        self.rep.check(first_diff.is_none(), || {
            let i = first_diff.unwrap_or(0);
            format!(
                "{F}: row {} is {:?}, the case and the positions give {:?} ({} rows expected, {} found)",
                i + 1,
                got.get(i).map(|r| r.join(",")),
                want.get(i).map(|r| r.join(",")),
                want.len(),
                got.len()
            )
        });
    }

    fn summary_figures(
        &mut self,
        s: &BTreeMap<String, Box<RawValue>>,
        t: &Tables,
        vendor: (u128, i128),
        renewal: Option<&(NaiveDate, u128, u128, i128, i128)>,
    ) {
        const PURCHASES: &str = "purchases.csv adds up to";
        const CASE: &str = "the case gives";
        const VENDOR: &str = "the vendor's per-VA reading of the case (positions.csv's vendor_shortfall column inside substitution families) adds up to";
        let e = self.m.e;
        let hy = &self.m.hygiene;
        let want: Vec<(&str, Want)> = vec![
            ("case", Want::Text(e.name.clone())),
            ("scenario", Want::Text(self.scenario.name.clone())),
            ("status", Want::Text("optimal".into())),
            ("as_of", Want::Text(self.m.as_of.to_string())),
            ("evaluated_at", Want::Text(self.m.t.to_string())),
            ("currency", Want::Text(e.currency.clone())),
            ("purchase_units", Want::Units(t.bought_units, PURCHASES)),
            ("purchase_cost", Want::Money(t.bought_cost, PURCHASES)),
            (
                "licences_moved",
                Want::Units(t.moved_total, "moves.csv adds up to"),
            ),
            (
                "transfers",
                Want::Units(t.move_rows, "the rows of moves.csv number"),
            ),
            (
                "substituted_units",
                Want::Units(t.sub_total, "substitutions.csv adds up to"),
            ),
            (
                "vendor_view",
                Want::Object(vec![
                    ("shortfall_units", Want::Units(vendor.0, VENDOR)),
                    ("shortfall_cost", Want::Money(vendor.1, VENDOR)),
                ]),
            ),
            (
                "renewal",
                match renewal {
                    None => Want::Null,
                    Some(&(date, exp, rec, lfl, rc)) => Want::Object(vec![
                        ("date", Want::Text(date.to_string())),
                        ("expiring_units", Want::Units(exp, CASE)),
                        ("recommended_units", Want::Units(rec, PURCHASES)),
                        ("like_for_like_cost", Want::Money(lfl, CASE)),
                        ("recommended_cost", Want::Money(rc, PURCHASES)),
                        (
                            "savings",
                            Want::Money(
                                lfl.saturating_sub(rc),
                                "like_for_like_cost − recommended_cost is",
                            ),
                        ),
                    ]),
                },
            ),
            (
                "hygiene",
                Want::Object(vec![
                    ("stale_instances", Want::Units(hy.stale, CASE)),
                    ("retired_instances", Want::Units(hy.retired, CASE)),
                    ("released_units", Want::Units(hy.released_units, CASE)),
                    (
                        "released_reservations",
                        Want::Units(hy.released_reservations, CASE),
                    ),
                ]),
            ),
        ];
        check_object(&mut self.rep, "", s, &want);
    }
}

/// An expected summary.json value.
enum Want {
    Text(String),
    /// Units, and where the figure comes from.
    Units(u128, &'static str),
    /// Cents, and where the figure comes from.
    Money(i128, &'static str),
    Null,
    Object(Vec<(&'static str, Want)>),
}

/// Checks one object of summary.json; `prefix` is the path of the object (`""` at the top,
/// else e.g. `"renewal."`).
fn check_object(
    rep: &mut VerifyReport,
    prefix: &str,
    got: &BTreeMap<String, Box<RawValue>>,
    want: &[(&str, Want)],
) {
    for k in got.keys() {
        rep.check(want.iter().any(|(w, _)| w == k), || {
            format!("summary.json: key {prefix}{k} is not one reallot writes (verify cannot vouch for it)")
        });
    }
    for (key, w) in want {
        let at = format!("summary.json: {prefix}{key}");
        let Some(raw) = got.get(*key) else {
            rep.fail(format!("{at} is missing"));
            continue;
        };
        let text = raw.get().trim();
        match w {
            Want::Text(s) => {
                let g: Option<String> = serde_json::from_str(text).ok();
                rep.check(g.as_deref() == Some(s.as_str()), || {
                    format!("{at} is {text}, the case and the scenario give {s:?}")
                });
            }
            Want::Units(u, src) => {
                let g: Option<u64> = serde_json::from_str(text).ok();
                rep.check(g.map(u128::from) == Some(*u), || {
                    format!("{at} is {text}, {src} {u}")
                });
            }
            Want::Money(m, src) => {
                rep.check(parse_money(text) == Some(*m), || {
                    format!("{at} is {text}, {src} {}", fmt_cents(*m))
                });
            }
            Want::Null => {
                rep.check(text == "null", || {
                    format!("{at} is {text}, but the scenario sizes no renewal (null)")
                });
            }
            Want::Object(fields) => {
                match serde_json::from_str::<BTreeMap<String, Box<RawValue>>>(text) {
                    Ok(obj) => check_object(rep, &format!("{prefix}{key}."), &obj, fields),
                    Err(_) => rep.fail(format!("{at} is {text}, not an object")),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_parses_exactly() {
        assert_eq!(parse_money("4800.00"), Some(480_000));
        assert_eq!(parse_money("0.05"), Some(5));
        assert_eq!(parse_money("-12.5"), Some(-1250));
        assert_eq!(parse_money("7"), Some(700));
        assert_eq!(
            parse_money("20111079702611886.08"),
            Some(2_011_107_970_261_188_608)
        );
        for bad in [
            "1.005", "1e3", ".", "1.", "", "-", "1,000.00", "+1.00", " 1.00",
        ] {
            assert_eq!(parse_money(bad), None, "{bad:?}");
        }
        for c in [0i128, 1, 99, 100, -5, 123_456_789_012_345_678_901] {
            assert_eq!(parse_money(&fmt_cents(c)), Some(c));
        }
    }

    #[test]
    fn demand_rounds_up_exactly() {
        let d = |in_use: u128, g: i64, b: i64| {
            let mut c = Cell {
                in_use,
                ..Cell::default()
            };
            c.finish(g, b);
            c.demand
        };
        assert_eq!(d(100, 725, 0), 108);
        assert_eq!(d(3, 1000, 1000), 4);
        assert_eq!(d(7, -1000, 0), 7);
        assert_eq!(d(0, 5000, 5000), 0);
        assert_eq!(d(5, -10000, 0), 0);
        assert_eq!(d(1_000_000_000_000, 100_000, 100_000), 121_000_000_000_000);
    }
}
