//! Reading a case folder into an [`Estate`], reporting every problem found (SPEC §2).

use std::collections::{HashMap, HashSet};

use rustc_hash::FxHashMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use super::*;
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::io::table::{opt, parse_cents, parse_date, req, Col, TableReader};

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
    sas: HashMap<String, SaId>,
    vas: HashMap<(SaId, String), VaId>,
    lics: HashMap<String, LicId>,
}

impl Names {
    fn sa(&mut self, e: &mut Estate, name: &str) -> SaId {
        if let Some(&id) = self.sas.get(name) {
            return id;
        }
        let id = e.sas.len() as SaId;
        e.sas.push(name.to_string());
        self.sas.insert(name.to_string(), id);
        id
    }

    fn va(&mut self, e: &mut Estate, sa: &str, va: &str) -> VaId {
        let sa = self.sa(e, sa);
        if let Some(&id) = self.vas.get(&(sa, va.to_string())) {
            return id;
        }
        let id = e.vas.len() as VaId;
        e.vas.push(Va {
            sa,
            name: va.to_string(),
            pool: String::new(),
            locked: false,
        });
        self.vas.insert((sa, va.to_string()), id);
        id
    }

    fn lic(&mut self, e: &mut Estate, name: &str) -> LicId {
        if let Some(&id) = self.lics.get(name) {
            return id;
        }
        let id = e.licences.len() as LicId;
        e.licences.push(name.to_string());
        self.lics.insert(name.to_string(), id);
        id
    }
}

fn toml_date(v: &toml::Value, key: &str, file: &str, diags: &mut Diagnostics) -> Option<NaiveDate> {
    let text = crate::io::toml_text(v);
    let d = parse_date(&text);
    if d.is_none() {
        diags.push(Diagnostic {
            file: file.to_string(),
            line: None,
            column: Some(key.to_string()),
            value: Some(text),
            message: "is not a date".into(),
            fix: "write it as \"YYYY-MM-DD\"".into(),
        });
    }
    d
}

/// Whether the case holds table `file` (as CSV or as a workbook sheet).
fn has(dir: &Path, file: &str) -> bool {
    crate::io::source::locate(dir, file).is_some()
}

/// Reads and validates the case folder `dir`.
pub fn load_case(dir: &Path) -> Result<Estate> {
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{}: not a case folder (expected a folder holding entitlements.csv)",
            dir.display()
        )));
    }
    let mut e = Estate {
        currency: "USD".into(),
        name: dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "case".into()),
        ..Estate::default()
    };
    let mut names = Names::default();
    let mut diags = Diagnostics::default();

    read_case_toml(dir, &mut e, &mut diags)?;
    if !has(dir, CaseFiles::ENTITLEMENTS) {
        diags.file(
            CaseFiles::ENTITLEMENTS,
            "is missing from the case folder",
            "export the entitlements (one row per lot) into entitlements.csv",
        );
    } else {
        read_entitlements(dir, &mut e, &mut names, &mut diags)?;
    }
    let has_usage = has(dir, CaseFiles::USAGE);
    let has_instances = has(dir, CaseFiles::INSTANCES);
    if !has_usage && !has_instances {
        diags.file(
            "usage.csv",
            "is missing, and so is instances.csv",
            "add usage.csv (in use per SA, VA and licence) or instances.csv (one row per product instance)",
        );
    }
    if has_usage {
        read_usage(dir, &mut e, &mut names, &mut diags)?;
    }
    if has_instances {
        read_instances(dir, &mut e, &mut names, &mut diags)?;
        if has(dir, CaseFiles::CMDB) {
            read_cmdb(dir, &mut e, &mut diags)?;
        }
    } else if has(dir, CaseFiles::CMDB) {
        // A CMDB without instances cannot be matched to anything; say so rather than ignore it.
        diags.file(
            CaseFiles::CMDB,
            "is present but instances.csv is not, so it cannot be matched to devices",
            "add instances.csv or remove cmdb.csv",
        );
    }
    if has(dir, CaseFiles::ACCOUNTS) {
        read_accounts(dir, &mut e, &mut names, &mut diags)?;
    }
    if has(dir, CaseFiles::SUBSTITUTIONS) {
        read_substitutions(dir, &mut e, &mut names, &mut diags)?;
    }
    if has(dir, CaseFiles::PRICES) {
        read_prices(dir, &mut e, &mut names, &mut diags)?;
    }
    diags.finish(e)
}

fn read_case_toml(dir: &Path, e: &mut Estate, diags: &mut Diagnostics) -> Result<()> {
    let path = dir.join(CaseFiles::CASE);
    if !path.is_file() {
        return Ok(());
    }
    let text = std::fs::read_to_string(&path).map_err(|err| Error::io(&path, err))?;
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
        e.name = n;
    }
    if let Some(c) = ct.currency {
        e.currency = c;
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

fn read_entitlements(
    dir: &Path,
    e: &mut Estate,
    names: &mut Names,
    diags: &mut Diagnostics,
) -> Result<()> {
    const COLS: &[Col] = &[
        req("smart_account"),
        req("virtual_account"),
        req("license"),
        req("quantity"),
        opt("license_type"),
        opt("start_date"),
        opt("end_date"),
        opt("status"),
        opt("source"),
        opt("subscription_id"),
        opt("sku"),
    ];
    let Some(mut t) = TableReader::open(dir, CaseFiles::ENTITLEMENTS, COLS, diags)? else {
        return Ok(());
    };
    let mut rows = 0;
    while let Some(r) = t.next_row(COLS, diags) {
        rows += 1;
        let sa = r.text(0, diags);
        let va = r.text(1, diags);
        let lic = r.text(2, diags);
        let qty = r.count(3, None, diags);
        let lt = r.choice(4, LICENSE_TYPES, LicenseType::Perpetual, diags);
        let start = r.date(5, diags);
        let end = r.date(6, diags);
        let status = r.choice(7, STATUSES, LotStatus::Active, diags);
        let source = r.choice(8, SOURCES, Source::Smart, diags);
        if let (Some(Some(s)), Some(Some(en))) = (start, end) {
            if en < s {
                // SPEC §2 calls this an error, but such a lot can never be in force, so it
                // cannot change any figure; the standard benchmark estates hold such rows.
                // It is kept (never active) and reported as a warning instead.
                e.warnings.push(Diagnostic {
                    file: CaseFiles::ENTITLEMENTS.into(),
                    line: Some(r.line),
                    column: Some("end_date".into()),
                    value: Some(en.to_string()),
                    message: format!("is before start_date {s}: the lot is never in force"),
                    fix: "swap the dates or correct the end date".into(),
                });
            }
        }
        if let (
            Some(sa),
            Some(va),
            Some(lic),
            Some(q),
            Some(lt),
            Some(s),
            Some(en),
            Some(st),
            Some(src),
        ) = (sa, va, lic, qty, lt, start, end, status, source)
        {
            let va = names.va(e, sa, va);
            let lic = names.lic(e, lic);
            e.lots.push(Lot {
                va,
                lic,
                quantity: q,
                license_type: lt,
                start: s,
                end: en,
                status: st,
                source: src,
            });
        }
    }
    e.files.push((CaseFiles::ENTITLEMENTS.into(), rows));
    Ok(())
}

fn read_usage(
    dir: &Path,
    e: &mut Estate,
    names: &mut Names,
    diags: &mut Diagnostics,
) -> Result<()> {
    const COLS: &[Col] = &[
        req("smart_account"),
        req("virtual_account"),
        req("license"),
        req("in_use"),
        opt("reserved"),
    ];
    let Some(mut t) = TableReader::open(dir, CaseFiles::USAGE, COLS, diags)? else {
        return Ok(());
    };
    let mut rows = 0;
    let mut first_line: FxHashMap<(VaId, LicId), u64> = FxHashMap::default();
    while let Some(r) = t.next_row(COLS, diags) {
        rows += 1;
        let (sa, va, lic) = (r.text(0, diags), r.text(1, diags), r.text(2, diags));
        let in_use = r.count(3, None, diags);
        let reserved = r.count(4, Some(0), diags);
        let (Some(sa), Some(va), Some(lic), Some(in_use), Some(reserved)) =
            (sa, va, lic, in_use, reserved)
        else {
            continue;
        };
        if reserved > in_use {
            r.problem(
                4,
                format!("is more than in_use ({in_use})"),
                "reserved units are part of in_use: make reserved <= in_use",
                diags,
            );
            continue;
        }
        let key = (names.va(e, sa, va), names.lic(e, lic));
        if let Some(first) = first_line.get(&key) {
            r.problem(
                2,
                format!("repeats the (smart_account, virtual_account, license) of line {first}"),
                "keep one row per Smart Account, VA and licence (add the two rows up)",
                diags,
            );
            continue;
        }
        first_line.insert(key, r.line);
        e.usage.insert(key, Usage { in_use, reserved });
    }
    e.files.push((CaseFiles::USAGE.into(), rows));
    Ok(())
}

fn read_instances(
    dir: &Path,
    e: &mut Estate,
    names: &mut Names,
    diags: &mut Diagnostics,
) -> Result<()> {
    const COLS: &[Col] = &[
        req("instance"),
        req("smart_account"),
        req("virtual_account"),
        req("license"),
        opt("quantity"),
        opt("last_contact"),
        opt("reservation"),
        opt("product_type"),
    ];
    let Some(mut t) = TableReader::open(dir, CaseFiles::INSTANCES, COLS, diags)? else {
        return Ok(());
    };
    // Size the containers from the file (rows run about 55 bytes) to avoid regrowth.
    let estimate = (t.byte_len() / 55) as usize;
    e.instance_names.reserve(estimate, estimate * 10);
    let mut rows = 0;
    let mut list = Vec::with_capacity(estimate);
    // Consecutive rows usually share SA, VA and licence: remember the last lookup.
    let mut last: Option<(String, String, String, VaId, LicId)> = None;
    while let Some(r) = t.next_row(COLS, diags) {
        rows += 1;
        let name = r.text(0, diags);
        let (sa, va, lic) = (r.text(1, diags), r.text(2, diags), r.text(3, diags));
        let qty = r.count(4, Some(1), diags);
        let lc = r.date(5, diags);
        let res = r.choice(6, RESERVATIONS, Reservation::None, diags);
        let (Some(name), Some(sa), Some(va), Some(lic), Some(qty), Some(lc), Some(res)) =
            (name, sa, va, lic, qty, lc, res)
        else {
            continue;
        };
        let (va_id, lic_id) = match &last {
            Some((s, v, l, vi, li)) if s == sa && v == va && l == lic => (*vi, *li),
            _ => {
                let ids = (names.va(e, sa, va), names.lic(e, lic));
                last = Some((sa.into(), va.into(), lic.into(), ids.0, ids.1));
                ids
            }
        };
        let id = e.instance_names.intern(name);
        list.push(Instance {
            name: id,
            va: va_id,
            lic: lic_id,
            quantity: qty,
            last_contact: lc,
            reservation: res,
        });
    }
    e.instances = Some(list);
    e.files.push((CaseFiles::INSTANCES.into(), rows));
    Ok(())
}

fn read_cmdb(dir: &Path, e: &mut Estate, diags: &mut Diagnostics) -> Result<()> {
    const COLS: &[Col] = &[req("instance"), req("status")];
    let Some(mut t) = TableReader::open(dir, CaseFiles::CMDB, COLS, diags)? else {
        return Ok(());
    };
    let mut cmdb = vec![0u8; e.instance_names.len()];
    let mut line_of: Vec<u64> = vec![0; e.instance_names.len()];
    let mut unknown: FxHashMap<String, u64> = FxHashMap::default();
    let mut rows = 0;
    while let Some(r) = t.next_row(COLS, diags) {
        rows += 1;
        let (Some(name), Some(status)) = (r.text(0, diags), r.text(1, diags)) else {
            continue;
        };
        let known = e.instance_names.find(name);
        let first = match known {
            Some(id) => {
                let f = line_of[id as usize];
                if f == 0 {
                    line_of[id as usize] = r.line;
                    cmdb[id as usize] = if is_retired_status(status) { 2 } else { 1 };
                }
                f
            }
            // Devices the CMDB knows but CSSM does not: only checked for duplicates.
            None => unknown.get(name).copied().unwrap_or(0),
        };
        if first != 0 {
            r.problem(
                0,
                format!("repeats the instance of line {first}"),
                "keep one CMDB row per instance",
                diags,
            );
        } else if known.is_none() {
            unknown.insert(name.to_string(), r.line);
        }
    }
    e.cmdb = Some(cmdb);
    e.files.push((CaseFiles::CMDB.into(), rows));
    Ok(())
}

/// Whether a free-text CMDB status means the device is gone (SPEC §2).
pub fn is_retired_status(status: &str) -> bool {
    let s = status.trim();
    ["decommissioned", "retired", "disposed"]
        .iter()
        .any(|w| s.eq_ignore_ascii_case(w))
}

fn read_accounts(
    dir: &Path,
    e: &mut Estate,
    names: &mut Names,
    diags: &mut Diagnostics,
) -> Result<()> {
    const COLS: &[Col] = &[
        req("smart_account"),
        req("virtual_account"),
        opt("pool"),
        opt("locked"),
    ];
    let Some(mut t) = TableReader::open(dir, CaseFiles::ACCOUNTS, COLS, diags)? else {
        return Ok(());
    };
    let mut rows = 0;
    let mut seen: HashMap<VaId, u64> = HashMap::new();
    while let Some(r) = t.next_row(COLS, diags) {
        rows += 1;
        let (Some(sa), Some(va)) = (r.text(0, diags), r.text(1, diags)) else {
            continue;
        };
        let pool = r.get(2).to_string();
        let Some(locked) = r.choice(
            3,
            &[
                ("true", true),
                ("false", false),
                ("yes", true),
                ("no", false),
            ],
            false,
            diags,
        ) else {
            continue;
        };
        let id = names.va(e, sa, va);
        if let Some(first) = seen.get(&id) {
            r.problem(
                1,
                format!("repeats the (smart_account, virtual_account) of line {first}"),
                "keep one row per VA",
                diags,
            );
            continue;
        }
        seen.insert(id, r.line);
        let v = &mut e.vas[id as usize];
        v.pool = pool;
        v.locked = locked;
    }
    e.files.push((CaseFiles::ACCOUNTS.into(), rows));
    Ok(())
}

fn read_substitutions(
    dir: &Path,
    e: &mut Estate,
    names: &mut Names,
    diags: &mut Diagnostics,
) -> Result<()> {
    const COLS: &[Col] = &[req("license"), req("covers")];
    let Some(mut t) = TableReader::open(dir, CaseFiles::SUBSTITUTIONS, COLS, diags)? else {
        return Ok(());
    };
    let mut rows = 0;
    let mut pairs: Vec<(LicId, LicId, u64)> = Vec::new();
    let mut seen = HashSet::new();
    while let Some(r) = t.next_row(COLS, diags) {
        rows += 1;
        let (Some(h), Some(l)) = (r.text(0, diags), r.text(1, diags)) else {
            continue;
        };
        if h == l {
            r.problem(
                1,
                "is the same licence as license (a self-pair)",
                "remove the row: a licence always covers itself",
                diags,
            );
            continue;
        }
        let (h, l) = (names.lic(e, h), names.lic(e, l));
        if seen.insert((h, l)) {
            pairs.push((h, l, r.line));
        }
    }
    // Cycle check: a cycle would make two tiers each cover the other.
    let n = e.licences.len();
    let mut adj: Vec<Vec<(LicId, u64)>> = vec![Vec::new(); n];
    for &(h, l, line) in &pairs {
        adj[h as usize].push((l, line));
    }
    let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (v, ref mut i)) = stack.last_mut() {
            if *i < adj[v].len() {
                let (w, line) = adj[v][*i];
                *i += 1;
                match state[w as usize] {
                    0 => {
                        state[w as usize] = 1;
                        stack.push((w as usize, 0));
                    }
                    1 => {
                        let mut cycle: Vec<&str> = stack
                            .iter()
                            .skip_while(|(x, _)| *x != w as usize)
                            .map(|(x, _)| e.licences[*x].as_str())
                            .collect();
                        cycle.push(&e.licences[w as usize]);
                        diags.push(Diagnostic {
                            file: CaseFiles::SUBSTITUTIONS.into(),
                            line: Some(line),
                            column: Some("covers".into()),
                            value: Some(e.licences[w as usize].clone()),
                            message: format!("closes a substitution cycle: {}", cycle.join(" > ")),
                            fix: "tiers must be ordered: remove the row that points back up".into(),
                        });
                    }
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    e.substitutions = pairs.into_iter().map(|(h, l, _)| (h, l)).collect();
    e.files.push((CaseFiles::SUBSTITUTIONS.into(), rows));
    Ok(())
}

fn read_prices(
    dir: &Path,
    e: &mut Estate,
    names: &mut Names,
    diags: &mut Diagnostics,
) -> Result<()> {
    const COLS: &[Col] = &[req("license"), req("unit_price"), opt("pack_size")];
    let Some(mut t) = TableReader::open(dir, CaseFiles::PRICES, COLS, diags)? else {
        return Ok(());
    };
    let mut rows = 0;
    let mut prices: HashMap<LicId, (Price, u64)> = HashMap::new();
    while let Some(r) = t.next_row(COLS, diags) {
        rows += 1;
        let Some(lic) = r.text(0, diags) else {
            continue;
        };
        let price = r.get(1);
        let cents = match parse_cents(price) {
            Ok(c) => Some(c),
            Err(why) => {
                r.problem(
                    1,
                    format!("is not a price >= 0 ({why})"),
                    "write a decimal number with at most two decimals, e.g. 1450.00",
                    diags,
                );
                None
            }
        };
        let pack = r.count(2, Some(1), diags);
        if pack == Some(0) {
            r.problem(2, "is not a pack size >= 1", "write 1 or more", diags);
            continue;
        }
        let (Some(cents), Some(pack)) = (cents, pack) else {
            continue;
        };
        let id = names.lic(e, lic);
        if let Some((_, first)) = prices.get(&id) {
            r.problem(
                0,
                format!("repeats the licence of line {first}"),
                "keep one price row per licence",
                diags,
            );
            continue;
        }
        prices.insert(id, (Price { cents, pack }, r.line));
    }
    let mut table = vec![None; e.licences.len()];
    for (id, (p, _)) in prices {
        table[id as usize] = Some(p);
    }
    // A licence with demand but no price would make the objective meaningless.
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
    e.prices = Some(table);
    e.files.push((CaseFiles::PRICES.into(), rows));
    Ok(())
}
