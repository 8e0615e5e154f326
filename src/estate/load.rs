//! Reading a case folder into an [`Estate`], reporting every problem found (README, "Input").

use std::collections::HashSet;
use std::path::Path;

use rustc_hash::{FxHashMap, FxHashSet};

use chrono::NaiveDate;
use serde::Deserialize;

use super::rows::{first_of_key, read_rows, FirstLines};
use super::*;
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::io::source::{Sources, TableSource};
use crate::io::table::{columns, Columns, Row};
use crate::io::text::{check_date, check_name, limit_text, shown, MAX_COUNT, MAX_PACK, MAX_TOTAL};

mod parts;

/// Names of the files a case folder may hold.
pub struct CaseFiles;

impl CaseFiles {
    /// Case settings.
    pub const CASE: &'static str = "case.toml";
    /// Entitlement lots (required).
    pub const ENTITLEMENTS: &'static str = "entitlements.csv";
    /// Consumption per (SA, VA, licence).
    pub const USAGE: &'static str = "usage.csv";
    /// Product instances.
    pub const INSTANCES: &'static str = "instances.csv";
    /// The customer's CMDB status per instance.
    pub const CMDB: &'static str = "cmdb.csv";
    /// VA pools and locks.
    pub const ACCOUNTS: &'static str = "accounts.csv";
    /// Unit prices and pack sizes.
    pub const PRICES: &'static str = "prices.csv";
    /// Tier substitution pairs.
    pub const SUBSTITUTIONS: &'static str = "substitutions.csv";
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CaseToml {
    name: Option<String>,
    as_of: Option<toml::Value>,
    currency: Option<String>,
    renewal_date: Option<toml::Value>,
}

/// Interns names into dense ids.
#[derive(Default)]
struct Names {
    sas: FxHashMap<String, SaId>,
    /// VA name → id, per Smart Account (looked up by `&str`, no allocation per row).
    vas: Vec<FxHashMap<String, VaId>>,
    lics: FxHashMap<String, LicId>,
}

/// The id of `name` in `ids`, adding it at the end of `names` (the estate's list the
/// ids index) when new.
fn intern(ids: &mut FxHashMap<String, u32>, names: &mut Vec<String>, name: &str) -> u32 {
    if let Some(&id) = ids.get(name) {
        return id;
    }
    let id = names.len() as u32;
    names.push(name.to_string());
    ids.insert(name.to_string(), id);
    id
}

impl Names {
    fn sa(&mut self, e: &mut Estate, name: &str) -> SaId {
        intern(&mut self.sas, &mut e.sas, name)
    }

    fn va(&mut self, e: &mut Estate, sa: &str, va: &str) -> VaId {
        let sa = self.sa(e, sa);
        if self.vas.len() <= sa as usize {
            self.vas.resize_with(sa as usize + 1, FxHashMap::default);
        }
        if let Some(&id) = self.vas[sa as usize].get(va) {
            return id;
        }
        let id = e.vas.len() as VaId;
        e.vas.push(Va {
            sa,
            name: va.to_string(),
            pool: String::new(),
            locked: false,
        });
        self.vas[sa as usize].insert(va.to_string(), id);
        id
    }

    fn lic(&mut self, e: &mut Estate, name: &str) -> LicId {
        intern(&mut self.lics, &mut e.licences, name)
    }
}

fn toml_date(v: &toml::Value, key: &str, file: &str, diags: &mut Diagnostics) -> Option<NaiveDate> {
    let text = crate::io::toml_text(v);
    match check_date(&text) {
        Ok(d) => Some(d),
        Err(why) => {
            diags.push(
                Diagnostic::new(
                    file,
                    why.message(),
                    format!("write it as \"YYYY-MM-DD\" ({})", why.fix()),
                )
                .at_column(key)
                .with_value(shown(&text)),
            );
            None
        }
    }
}

/// Where each table of the case comes from, located once.
struct Tables {
    sources: Sources,
    /// Workbooks that could not be opened (already reported).
    unreadable: Vec<String>,
}

/// Whether a table is there, and where.
enum Table {
    /// Not in the folder.
    Absent,
    /// In one place.
    Here(TableSource),
    /// In several places, or otherwise unusable (already reported).
    Unusable,
}

impl Tables {
    fn scan(dir: &Path, diags: &mut Diagnostics) -> Tables {
        let (sources, problems) = Sources::scan(dir);
        let unreadable = problems.iter().map(|d| d.at.file.clone()).collect();
        for d in problems {
            diags.push(d);
        }
        Tables {
            sources,
            unreadable,
        }
    }

    /// Locates `file`, reporting it when it is in several places.
    fn find(&self, file: &str, diags: &mut Diagnostics) -> Table {
        match self.sources.locate(file) {
            Ok(Some(s)) => Table::Here(s),
            Ok(None) => Table::Absent,
            Err(d) => {
                diags.push(*d);
                Table::Unusable
            }
        }
    }

    /// Whether an absent table is known to be missing: not when some workbook could not
    /// be read (it may hold the table; that workbook is what gets reported).
    fn can_tell_missing(&self) -> bool {
        self.unreadable.is_empty()
    }
}

/// Reads one table of the case into the estate, interning its names.
type Reader = fn(&mut Loader, &TableSource) -> Result<()>;

/// A case being loaded: the estate built so far, the names interned into it, and every
/// problem found. Each table's reader is a method (below).
struct Loader {
    e: Estate,
    names: Names,
    diags: Diagnostics,
}

/// Reads and validates the case folder `dir`.
pub fn load_case(dir: &Path) -> Result<Estate> {
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{}: not a case folder (expected a folder holding entitlements.csv)",
            dir.display()
        )));
    }
    let mut l = Loader {
        e: Estate {
            currency: "USD".into(),
            name: dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "case".into()),
            ..Estate::default()
        },
        names: Names::default(),
        diags: Diagnostics::default(),
    };

    read_case_toml(dir, &mut l.e, &mut l.diags)?;
    let tables = Tables::scan(dir, &mut l.diags);
    let sure = tables.can_tell_missing();
    match tables.find(CaseFiles::ENTITLEMENTS, &mut l.diags) {
        Table::Here(src) => l.entitlements(&src)?,
        Table::Absent if sure => l.diags.file(
            CaseFiles::ENTITLEMENTS,
            "is missing from the case folder",
            "export the entitlements (one row per lot) into entitlements.csv",
        ),
        Table::Absent | Table::Unusable => {}
    }
    let usage = tables.find(CaseFiles::USAGE, &mut l.diags);
    let instances = tables.find(CaseFiles::INSTANCES, &mut l.diags);
    let cmdb = tables.find(CaseFiles::CMDB, &mut l.diags);
    if let (Table::Absent, Table::Absent, true) = (&usage, &instances, sure) {
        l.diags.file(
            "usage.csv",
            "is missing, and so is instances.csv",
            "add usage.csv (in use per SA, VA and licence) or instances.csv (one row per product instance)",
        );
    }
    if let Table::Here(src) = &usage {
        l.usage(src)?;
    }
    match (&instances, &cmdb) {
        (Table::Here(src), _) => {
            l.instances(src)?;
            if let Table::Here(src) = &cmdb {
                l.cmdb(src)?;
            }
        }
        // A CMDB without instances cannot be matched to anything; say so rather than ignore it.
        (Table::Absent, Table::Here(_)) if sure => l.diags.file(
            CaseFiles::CMDB,
            "is present but instances.csv is not, so it cannot be matched to devices",
            "add instances.csv or remove cmdb.csv",
        ),
        _ => {}
    }
    // The other optional tables, in the order they are read: ea.csv last, as it checks
    // the Smart Accounts and VAs every other table names.
    let optional: [(&str, Reader); 4] = [
        (CaseFiles::ACCOUNTS, Loader::accounts),
        (CaseFiles::SUBSTITUTIONS, Loader::substitutions),
        (CaseFiles::PRICES, Loader::prices),
        (super::ea::FILE, |l, src| {
            super::ea::read(src, &mut l.e, &mut l.diags)
        }),
    ];
    for (file, read) in optional {
        if let Table::Here(src) = tables.find(file, &mut l.diags) {
            read(&mut l, &src)?;
        }
    }
    l.diags.finish(l.e)
}

/// The readers of the case's tables, in the order [`load_case`] calls them.
impl Loader {
    /// Reads `entitlements.csv`: the lots, their names interned.
    fn entitlements(&mut self, src: &TableSource) -> Result<()> {
        let Loader { e, names, diags } = self;
        // A large clean file is read in parts side by side; any problem, and it is read
        // again here, as for instances.csv.
        if parts::read_entitlements(src, e, names)? {
            return Ok(());
        }
        let mut totals = Totals::new(PerVa::FromLots);
        read_rows(src, CaseFiles::ENTITLEMENTS, e, diags, |r, e, diags| {
            let row = lot_row(r, diags);
            if let Some((s, en)) = row.inverted() {
                e.warnings.push(dates_inverted(r.line, s, en));
            }
            let Some(([sa, va, lic], lot)) = row.lot else {
                return;
            };
            let (va, lic) = (names.va(e, sa, va), names.lic(e, lic));
            let units = (r, Ent::Quantity);
            if !totals.add(e, (va, lic), lot.quantity, "entitled units", units, diags) {
                return;
            }
            e.lots.push(Lot { va, lic, ..lot });
        })?;
        Ok(())
    }

    /// Reads `usage.csv`: consumption per Smart Account, VA and licence.
    fn usage(&mut self, src: &TableSource) -> Result<()> {
        let Loader { e, names, diags } = self;
        // A large clean file is read in parts side by side; any problem (a repeated key
        // among them), and it is read again here, as for instances.csv.
        if parts::read_usage(src, e, names)? {
            return Ok(());
        }
        const REPEAT: (&str, &str) = (
            "(smart_account, virtual_account, license)",
            "keep one row per Smart Account, VA and licence (add the two rows up)",
        );
        let mut keys = UsageKeys::default();
        let mut totals = Totals::new(PerVa::Never);
        read_rows(src, CaseFiles::USAGE, e, diags, |r, e, diags| {
            use UsageCol as U;
            let Some(([sa, va, lic], Usage { in_use, reserved })) = usage_row(r, diags) else {
                return;
            };
            let key = (names.va(e, sa, va), names.lic(e, lic));
            if !keys.is_first(&e.usage, key, r, (U::License, REPEAT), diags) {
                return;
            }
            if !totals.add(e, key, in_use, "units in use", (r, U::InUse), diags) {
                keys.refuse(key);
                return;
            }
            e.usage.insert(key, Usage { in_use, reserved });
        })?;
        Ok(())
    }

    /// Reads `instances.csv`: one product instance a row.
    fn instances(&mut self, src: &TableSource) -> Result<()> {
        let Loader { e, names, diags } = self;
        // A large clean file is read in parts side by side; any problem, and it is read
        // again here, so the messages are those of one sequential pass.
        if parts::read_instances(src, e, names)? {
            return Ok(());
        }
        // Size the containers from the file (rows run about 55 bytes) to avoid regrowth.
        let estimate = (src.byte_len() / 55) as usize;
        e.instance_names.reserve(estimate, estimate * 10);
        let mut list = Vec::with_capacity(estimate);
        // Consecutive rows often share SA, VA and licence: remember the last lookup (by id,
        // compared with the names already interned: no allocation per row).
        let mut last: Option<(VaId, LicId)> = None;
        let mut totals = Totals::new(PerVa::Kept(FxHashMap::default()));
        let read = read_rows(src, CaseFiles::INSTANCES, e, diags, |r, e, diags| {
            let Some((name, [sa, va, lic], qty, lc, res)) = instance_row(r, diags) else {
                return;
            };
            let (va_id, lic_id) = match last {
                Some(ids) if names_of(e, ids) == (sa, va, lic) => ids,
                _ => {
                    let ids = (names.va(e, sa, va), names.lic(e, lic));
                    last = Some(ids);
                    ids
                }
            };
            let units = (r, Inst::Quantity);
            if !totals.add(e, (va_id, lic_id), qty, "instance units", units, diags) {
                return;
            }
            let id = e.instance_names.intern(name);
            list.push(Instance {
                name: id,
                va: va_id,
                lic: lic_id,
                quantity: qty,
                last_contact: lc,
                reservation: res,
            });
        })?;
        if read {
            e.instances = Some(list);
        }
        Ok(())
    }

    /// Reads `cmdb.csv`: the CMDB status of the instances already read.
    fn cmdb(&mut self, src: &TableSource) -> Result<()> {
        let Loader { e, diags, .. } = self;
        // A large clean file is read in parts side by side; any problem (a repeated
        // device among them), and it is read again here, as for instances.csv.
        if parts::read_cmdb(src, e)? {
            return Ok(());
        }
        const REPEAT: (&str, &str) = ("instance", "keep one CMDB row per instance");
        let known = e.instance_names.len();
        let mut cmdb = vec![CmdbState::NotListed; known];
        let mut first_line: Vec<u64> = vec![0; known];
        // Devices the CMDB knows but CSSM does not: only checked for duplicates.
        let mut unknown = FirstLines::new();
        let mut next: u32 = 0;
        let read = read_rows(src, CaseFiles::CMDB, e, diags, |r, e, diags| {
            let name = r.text(Cmdb::Instance, diags);
            let (Some(name), Some(status)) = (name, r.text(Cmdb::Status, diags)) else {
                return;
            };
            match device_id(&e.instance_names, &mut next, name) {
                Some(id) => {
                    let first = &mut first_line[id as usize];
                    if first_of_key(first, r, Cmdb::Instance, REPEAT, diags) {
                        cmdb[id as usize] = CmdbState::of_status(status);
                    }
                }
                None => {
                    unknown.is_first(name.to_string(), r, Cmdb::Instance, REPEAT, diags);
                }
            }
        })?;
        if read {
            e.cmdb = Some(cmdb);
        }
        Ok(())
    }

    /// Reads `accounts.csv`: VA pools and locks.
    fn accounts(&mut self, src: &TableSource) -> Result<()> {
        let Loader { e, names, diags } = self;
        const REPEAT: (&str, &str) = ("(smart_account, virtual_account)", "keep one row per VA");
        let mut first = FirstLines::new();
        read_rows(src, CaseFiles::ACCOUNTS, e, diags, |r, e, diags| {
            use Accounts as A;
            let (Some(sa), Some(va)) = (
                r.text(A::SmartAccount, diags),
                r.text(A::VirtualAccount, diags),
            ) else {
                return;
            };
            let Some(pool) = r.opt_text(A::Pool).map(str::to_string) else {
                return;
            };
            let Some(locked) = r.choice(A::Locked, YES_NO, false, diags) else {
                return;
            };
            let id = names.va(e, sa, va);
            if !first.is_first(id, r, A::VirtualAccount, REPEAT, diags) {
                return;
            }
            let v = &mut e.vas[id as usize];
            v.pool = pool;
            v.locked = locked;
        })?;
        Ok(())
    }

    /// Reads `substitutions.csv`: tier pairs, checked for cycles.
    fn substitutions(&mut self, src: &TableSource) -> Result<()> {
        let Loader { e, names, diags } = self;
        let mut pairs: Vec<(LicId, LicId, u64)> = Vec::new();
        let mut seen = HashSet::new();
        let read = read_rows(src, CaseFiles::SUBSTITUTIONS, e, diags, |r, e, diags| {
            let (Some(h), Some(l)) = (r.text(Subst::License, diags), r.text(Subst::Covers, diags))
            else {
                return;
            };
            if h == l {
                r.problem(
                    Subst::Covers,
                    "is the same licence as license (a self-pair)",
                    "remove the row: a licence always covers itself",
                    diags,
                );
                return;
            }
            let (h, l) = (names.lic(e, h), names.lic(e, l));
            if seen.insert((h, l)) {
                pairs.push((h, l, r.line));
            }
        })?;
        if read {
            report_cycles(e, &pairs, diags);
            e.substitutions = pairs.into_iter().map(|(h, l, _)| (h, l)).collect();
        }
        Ok(())
    }

    /// Reads `prices.csv`: unit prices and pack sizes.
    fn prices(&mut self, src: &TableSource) -> Result<()> {
        let Loader { e, names, diags } = self;
        const REPEAT: (&str, &str) = ("licence", "keep one price row per licence");
        let mut first = FirstLines::new();
        let mut prices: FxHashMap<LicId, Price> = FxHashMap::default();
        let read = read_rows(src, CaseFiles::PRICES, e, diags, |r, e, diags| {
            let Some(lic) = r.text(Prices::License, diags) else {
                return;
            };
            let cents = r.price(Prices::UnitPrice, diags);
            let pack = r.count_in(Prices::PackSize, Some(1), 1, MAX_PACK, diags);
            let (Some(cents), Some(pack)) = (cents, pack) else {
                return;
            };
            let id = names.lic(e, lic);
            if first.is_first(id, r, Prices::License, REPEAT, diags) {
                prices.insert(id, Price { cents, pack });
            }
        })?;
        if !read {
            return Ok(());
        }
        let mut table = vec![None; e.licences.len()];
        for (id, p) in prices {
            table[id as usize] = Some(p);
        }
        report_unpriced(e, &table, diags);
        e.prices = Some(table);
        Ok(())
    }
}

/// The repeat guard of `usage.csv` without a second map of a million keys beside
/// `e.usage`: a key has been seen when `e.usage` holds it or its first row was refused
/// after the guard. The line of each key's first row is listed in file order, and the list
/// becomes a map when a key first repeats (the error path), so a repeat is reported at the
/// line [`FirstLines`] would name.
#[derive(Default)]
struct UsageKeys {
    /// (key, line) of each key's first row, in file order, until a key repeats.
    lines: Vec<((VaId, LicId), u64)>,
    /// The first rows' lines by key, from the first repeat on.
    first: Option<FxHashMap<(VaId, LicId), u64>>,
    /// Keys whose first row was refused after the guard.
    refused: FxHashSet<(VaId, LicId)>,
}

impl UsageKeys {
    /// Whether `row` is the first with `key`, the accepted keys being those of `cells`; a
    /// repeat is reported at column `col` (see [`first_of_key`]).
    fn is_first<C: Columns>(
        &mut self,
        cells: &FxHashMap<(VaId, LicId), Usage>,
        key: (VaId, LicId),
        row: &Row<C>,
        (col, what_and_fix): (C, (&str, &str)),
        diags: &mut Diagnostics,
    ) -> bool {
        let seen =
            cells.contains_key(&key) || (!self.refused.is_empty() && self.refused.contains(&key));
        if !seen {
            match &mut self.first {
                Some(first) => {
                    first.insert(key, row.line);
                }
                None => self.lines.push((key, row.line)),
            }
            return true;
        }
        let lines = &mut self.lines;
        let first = self
            .first
            .get_or_insert_with(|| std::mem::take(lines).into_iter().collect());
        let mut line = first.get(&key).copied().unwrap_or(0);
        first_of_key(&mut line, row, col, what_and_fix, diags)
    }

    /// Notes that the first row of `key` was refused after the guard: a later row of it is
    /// still a repeat.
    fn refuse(&mut self, key: (VaId, LicId)) {
        self.refused.insert(key);
    }
}

/// Running sums of units while loading (lots, or instance quantities): per (VA,
/// licence) and per licence, each kept at or under [`MAX_TOTAL`].
struct Totals {
    per_va: PerVa,
    per_lic: Vec<u64>,
}

/// How a [`Totals`] keeps its sums per (VA, licence). A VA's sum of a licence is part of
/// the licence's sum across the case, so it cannot pass [`MAX_TOTAL`] before that one
/// would: until a row would, the per-licence sums decide alone.
enum PerVa {
    /// Kept at every row (`instances.csv`).
    Kept(FxHashMap<(VaId, LicId), u64>),
    /// Summed from the lots read so far at the first row that would pass a licence's sum,
    /// then kept (`entitlements.csv`, whose accepted rows are the estate's lots): the
    /// clean read of a large file keeps no map of a million (VA, licence) keys.
    FromLots,
    /// Never needed (`usage.csv`: one row per (VA, licence), repeats refused before they
    /// are summed, so a VA's sum is its one count, at most [`MAX_COUNT`]).
    Never,
}

// A single count can never pass the largest total by itself.
const _: () = assert!(MAX_COUNT <= MAX_TOTAL);

impl Totals {
    fn new(per_va: PerVa) -> Self {
        Totals {
            per_va,
            per_lic: Vec::new(),
        }
    }

    /// Adds `units` of `lic` in `va`, or reports at column `col` of `row` that it would
    /// push a sum past [`MAX_TOTAL`] (then nothing is added). `what` names the units.
    fn add<C: Columns>(
        &mut self,
        e: &Estate,
        (va, lic): (VaId, LicId),
        units: u64,
        what: &str,
        (row, col): (&Row<C>, C),
        diags: &mut Diagnostics,
    ) -> bool {
        if self.per_lic.len() <= lic as usize {
            self.per_lic.resize(lic as usize + 1, 0);
        }
        let over = |sum: u64| sum.checked_add(units).is_none_or(|s| s > MAX_TOTAL);
        if matches!(self.per_va, PerVa::FromLots) && over(self.per_lic[lic as usize]) {
            let mut sums: FxHashMap<(VaId, LicId), u64> = FxHashMap::default();
            for l in &e.lots {
                *sums.entry((l.va, l.lic)).or_insert(0) += l.quantity;
            }
            self.per_va = PerVa::Kept(sums);
        }
        // One hash lookup per row: a key left at 0 after a refusal adds nothing.
        let in_va = match &mut self.per_va {
            PerVa::Kept(m) => Some(m.entry((va, lic)).or_insert(0)),
            PerVa::FromLots | PerVa::Never => None,
        };
        let in_lic = &mut self.per_lic[lic as usize];
        let licence = &e.licences[lic as usize];
        let scope = if in_va.as_deref().is_some_and(|&s| over(s)) {
            let v = &e.vas[va as usize];
            format!("{what} of {licence} in {}/{}", e.sas[v.sa as usize], v.name)
        } else if over(*in_lic) {
            format!("{what} of {licence} across the case")
        } else {
            if let Some(s) = in_va {
                *s += units;
            }
            *in_lic += units;
            return true;
        };
        row.problem(
            col,
            format!(
                "brings the {scope} to more than {}, the largest total reallot can represent exactly",
                limit_text(MAX_TOTAL.into())
            ),
            "check the quantities: no estate holds that many units",
            diags,
        );
        false
    }
}

fn read_case_toml(dir: &Path, e: &mut Estate, diags: &mut Diagnostics) -> Result<()> {
    let path = dir.join(CaseFiles::CASE);
    if !path.is_file() {
        return Ok(());
    }
    let bytes = std::fs::read(&path).map_err(|err| Error::io(&path, err))?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let good = &err.as_bytes()[..at];
            let line = good.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            diags.push(
                Diagnostic::new(
                    CaseFiles::CASE,
                    "is not valid UTF-8",
                    "save case.toml as UTF-8",
                )
                .at_line(line)
                .with_value(format!("byte 0x{:02x} at offset {at}", err.as_bytes()[at])),
            );
            return Ok(());
        }
    };
    let ct: CaseToml = match toml::from_str(&text) {
        Ok(c) => c,
        Err(err) => {
            diags.file(
                CaseFiles::CASE,
                format!("cannot be read: {}", err.message()),
                "keys allowed: name, as_of, currency, renewal_date (dates as \"YYYY-MM-DD\")",
            );
            return Ok(());
        }
    };
    if let Some(n) = ct.name {
        match check_name(&n) {
            Ok(()) => e.name = n,
            Err((message, fix)) => diags.push(
                Diagnostic::new(CaseFiles::CASE, message, fix)
                    .at_column("name")
                    .with_value(shown(&n)),
            ),
        }
    }
    if let Some(c) = ct.currency {
        if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) {
            e.currency = c;
        } else {
            diags.push(
                Diagnostic::new(
                    CaseFiles::CASE,
                    "is not a currency code (three capital letters A-Z)",
                    "write an ISO 4217 code such as USD, EUR or GBP",
                )
                .at_column("currency")
                .with_value(shown(&c)),
            );
        }
    }
    if let Some(v) = &ct.as_of {
        e.as_of = toml_date(v, "as_of", CaseFiles::CASE, diags);
    }
    if let Some(v) = &ct.renewal_date {
        e.renewal_date = toml_date(v, "renewal_date", CaseFiles::CASE, diags);
    }
    Ok(())
}

const LICENSE_TYPES: &[(&str, LicenseType)] = &[
    ("PERPETUAL", LicenseType::Perpetual),
    ("TERM", LicenseType::Term),
    ("SUBSCRIPTION", LicenseType::Subscription),
    ("DEMO", LicenseType::Demo),
];
const STATUSES: &[(&str, LotStatus)] = &[
    ("ACTIVE", LotStatus::Active),
    ("EXPIRED", LotStatus::Expired),
    ("CANCELLED", LotStatus::Cancelled),
    ("FUTURE", LotStatus::Future),
    ("PENDING", LotStatus::Pending),
];
const SOURCES: &[(&str, Source)] = &[
    ("SMART", Source::Smart),
    ("PAK", Source::Pak),
    ("EA", Source::Ea),
];
const RESERVATIONS: &[(&str, Reservation)] = &[
    ("NONE", Reservation::None),
    ("SLR", Reservation::Slr),
    ("PLR", Reservation::Plr),
];
const YES_NO: &[(&str, bool)] = &[
    ("true", true),
    ("false", false),
    ("yes", true),
    ("no", false),
];

columns! {
    /// The columns of `entitlements.csv`.
    enum Ent {
        SmartAccount = req("smart_account"),
        VirtualAccount = req("virtual_account"),
        License = req("license"),
        Quantity = req("quantity"),
        LicenseType = opt("license_type"),
        StartDate = opt("start_date"),
        EndDate = opt("end_date"),
        Status = opt("status"),
        Source = opt("source"),
        SubscriptionId = opt("subscription_id"),
        Sku = opt("sku"),
    }
}

columns! {
    /// The columns of `usage.csv`.
    enum UsageCol {
        SmartAccount = req("smart_account"),
        VirtualAccount = req("virtual_account"),
        License = req("license"),
        InUse = req("in_use"),
        Reserved = opt("reserved"),
    }
}

columns! {
    /// The columns of `instances.csv`.
    enum Inst {
        Instance = req("instance"),
        SmartAccount = req("smart_account"),
        VirtualAccount = req("virtual_account"),
        License = req("license"),
        Quantity = opt("quantity"),
        LastContact = opt("last_contact"),
        Reservation = opt("reservation"),
        ProductType = opt("product_type"),
    }
}

columns! {
    /// The columns of `cmdb.csv`.
    enum Cmdb {
        Instance = req("instance"),
        Status = req("status"),
    }
}

columns! {
    /// The columns of `accounts.csv`.
    enum Accounts {
        SmartAccount = req("smart_account"),
        VirtualAccount = req("virtual_account"),
        Pool = opt("pool"),
        Locked = opt("locked"),
    }
}

columns! {
    /// The columns of `substitutions.csv`.
    enum Subst {
        License = req("license"),
        Covers = req("covers"),
    }
}

columns! {
    /// The columns of `prices.csv`.
    enum Prices {
        License = req("license"),
        UnitPrice = req("unit_price"),
        PackSize = opt("pack_size"),
    }
}

/// One valid row of `instances.csv`: the instance, SA, VA and licence names, units,
/// last contact and reservation.
type InstanceRow<'a> = (&'a str, [&'a str; 3], u64, Option<NaiveDate>, Reservation);

/// Reads one row of `instances.csv`, reporting its problems; `None` when it has any.
fn instance_row<'a>(r: &Row<'a, Inst>, diags: &mut Diagnostics) -> Option<InstanceRow<'a>> {
    // product_type is not used, but is checked as a name.
    let _ = r.opt_text(Inst::ProductType);
    let name = r.text(Inst::Instance, diags);
    let sa = r.text(Inst::SmartAccount, diags);
    let va = r.text(Inst::VirtualAccount, diags);
    let lic = r.text(Inst::License, diags);
    let qty = r.count(Inst::Quantity, Some(1), diags);
    let lc = r.date(Inst::LastContact, diags);
    let res = r.choice(Inst::Reservation, RESERVATIONS, Reservation::None, diags);
    Some((name?, [sa?, va?, lic?], qty?, lc?, res?))
}

/// The instance id of CMDB device `name`, if instances.csv lists it. A CMDB export often
/// lists the devices in the order instances.csv does: the name after the last one
/// matched (`next`, moved on past each match) is tried before hashing (names are unique
/// in the arena, so a match there is the match).
fn device_id(names: &NameArena, next: &mut u32, name: &str) -> Option<u32> {
    let guess = ((*next as usize) < names.len() && names.get(*next) == name).then_some(*next);
    let id = guess.or_else(|| names.find(name))?;
    *next = id.saturating_add(1);
    Some(id)
}

/// One row of `usage.csv` as read, each cell's problem reported: its SA, VA and licence
/// names and its units, when every cell is valid and reserved ≤ in use.
fn usage_row<'a>(r: &Row<'a, UsageCol>, diags: &mut Diagnostics) -> Option<([&'a str; 3], Usage)> {
    use UsageCol as U;
    let (sa, va) = (
        r.text(U::SmartAccount, diags),
        r.text(U::VirtualAccount, diags),
    );
    let lic = r.text(U::License, diags);
    let in_use = r.count(U::InUse, None, diags);
    let reserved = r.count(U::Reserved, Some(0), diags);
    let (sa, va, lic, in_use, reserved) = (sa?, va?, lic?, in_use?, reserved?);
    if reserved > in_use {
        r.problem(
            U::Reserved,
            format!("is more than in_use ({in_use})"),
            "reserved units are part of in_use: make reserved <= in_use",
            diags,
        );
        return None;
    }
    Some(([sa, va, lic], Usage { in_use, reserved }))
}

/// One row of `entitlements.csv` as read: its dates (each `None` when not a valid date)
/// and, when every cell is valid, its SA, VA and licence names and its lot (ids unset).
struct LotRow<'a> {
    dates: (Option<Option<NaiveDate>>, Option<Option<NaiveDate>>),
    lot: Option<([&'a str; 3], Lot)>,
}

impl LotRow<'_> {
    /// The start and end of a lot that ends before it starts (see [`dates_inverted`]).
    fn inverted(&self) -> Option<(NaiveDate, NaiveDate)> {
        match self.dates {
            (Some(Some(s)), Some(Some(en))) if en < s => Some((s, en)),
            _ => None,
        }
    }
}

/// Reads one row of `entitlements.csv`, reporting each cell's problem.
fn lot_row<'a>(r: &Row<'a, Ent>, diags: &mut Diagnostics) -> LotRow<'a> {
    // subscription_id and sku are not used, but are checked as names.
    let _ = (r.opt_text(Ent::SubscriptionId), r.opt_text(Ent::Sku));
    let sa = r.text(Ent::SmartAccount, diags);
    let va = r.text(Ent::VirtualAccount, diags);
    let lic = r.text(Ent::License, diags);
    let qty = r.count(Ent::Quantity, None, diags);
    let lt = r.choice(
        Ent::LicenseType,
        LICENSE_TYPES,
        LicenseType::Perpetual,
        diags,
    );
    let start = r.date(Ent::StartDate, diags);
    let end = r.date(Ent::EndDate, diags);
    let status = r.choice(Ent::Status, STATUSES, LotStatus::Active, diags);
    let source = r.choice(Ent::Source, SOURCES, Source::Smart, diags);
    let lot = (|| {
        Some((
            [sa?, va?, lic?],
            Lot {
                va: 0,
                lic: 0,
                quantity: qty?,
                license_type: lt?,
                start: start?,
                end: end?,
                status: status?,
                source: source?,
            },
        ))
    })();
    LotRow {
        dates: (start, end),
        lot,
    }
}

/// The warning for a lot of `entitlements.csv` line `line` that ends before it starts.
/// The input rules call this an error, but such a lot can never be in force, so it cannot
/// change any figure; the standard benchmark estates hold such rows. It is kept (never
/// active) and reported as a warning instead.
fn dates_inverted(line: u64, start: NaiveDate, end: NaiveDate) -> Diagnostic {
    Diagnostic::new(
        CaseFiles::ENTITLEMENTS,
        format!("is before start_date {start}: the lot is never in force"),
        "swap the dates or correct the end date",
    )
    .at_line(line)
    .at_column("end_date")
    .with_value(end.to_string())
}

/// The Smart Account, VA and licence names of a (VA, licence) pair.
fn names_of(e: &Estate, (va, lic): (VaId, LicId)) -> (&str, &str, &str) {
    let v = &e.vas[va as usize];
    (
        e.sas[v.sa as usize].as_str(),
        v.name.as_str(),
        e.licences[lic as usize].as_str(),
    )
}

/// Where a licence stands in the depth-first search for substitution cycles.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    /// Not reached yet.
    New,
    /// On the current path.
    OnPath,
    /// Finished: every licence below it was searched.
    Done,
}

/// Reports each substitution pair (higher, lower, line) that closes a cycle: a cycle
/// would make two tiers each cover the other.
fn report_cycles(e: &Estate, pairs: &[(LicId, LicId, u64)], diags: &mut Diagnostics) {
    let n = e.licences.len();
    let mut adj: Vec<Vec<(LicId, u64)>> = vec![Vec::new(); n];
    for &(h, l, line) in pairs {
        adj[h as usize].push((l, line));
    }
    let mut state = vec![Visit::New; n];
    for start in 0..n {
        if state[start] != Visit::New {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = Visit::OnPath;
        while let Some(&mut (v, ref mut i)) = stack.last_mut() {
            if *i == adj[v].len() {
                state[v] = Visit::Done;
                stack.pop();
                continue;
            }
            let (w, line) = adj[v][*i];
            *i += 1;
            match state[w as usize] {
                Visit::New => {
                    state[w as usize] = Visit::OnPath;
                    stack.push((w as usize, 0));
                }
                Visit::OnPath => {
                    let mut cycle: Vec<&str> = stack
                        .iter()
                        .skip_while(|(x, _)| *x != w as usize)
                        .map(|(x, _)| e.licences[*x].as_str())
                        .collect();
                    cycle.push(&e.licences[w as usize]);
                    diags.push(
                        Diagnostic::new(
                            CaseFiles::SUBSTITUTIONS,
                            format!("closes a substitution cycle: {}", cycle.join(" > ")),
                            "tiers must be ordered: remove the row that points back up",
                        )
                        .at_line(line)
                        .at_column("covers")
                        .with_value(e.licences[w as usize].clone()),
                    );
                }
                Visit::Done => {}
            }
        }
    }
}

/// Reports the licences in use that `prices.csv` does not price: a licence with demand
/// but no price would make the objective meaningless.
fn report_unpriced(e: &Estate, table: &[Option<Price>], diags: &mut Diagnostics) {
    let mut demanded = vec![false; e.licences.len()];
    for (&(_, lic), u) in &e.usage {
        demanded[lic as usize] |= u.in_use > 0;
    }
    for i in e.instances.iter().flatten() {
        demanded[i.lic as usize] |= i.quantity > 0;
    }
    let mut missing: Vec<&str> = (0..e.licences.len())
        .filter(|&i| demanded[i] && table[i].is_none())
        .map(|i| e.licences[i].as_str())
        .collect();
    missing.sort_unstable();
    if !missing.is_empty() {
        let n = missing.len();
        let shown: Vec<&str> = missing.iter().take(20).copied().collect();
        diags.file(
            CaseFiles::PRICES,
            format!(
                "has no price for {n} licence{} in use: {}{}",
                if n == 1 { "" } else { "s" },
                shown.join(", "),
                if n > 20 { ", ..." } else { "" }
            ),
            "add a row (license,unit_price[,pack_size]) for each; use 0 for a free licence",
        );
    }
}
