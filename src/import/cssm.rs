//! `reallot import cssm-json`: Smart Licensing API responses into a canonical case folder.
//!
//! Three shapes are read (unknown fields are ignored):
//! 1. the v1 licence usage response: `licenses[]` rows with `license`, `virtualAccount`,
//!    `quantity`, `inUse`, `reserved`, `licenseDetails[]` lots and `licenseSubstitutions[]`;
//! 2. account lists: `accounts[]` with `accountName`/`accountDomain` and `roles[]` whose
//!    licence rows sit in `licenses[]` or `assignedLicenses.licenses[]` (a row repeated
//!    under several roles counts once);
//! 3. the snake_case summary: `summary[]` rows with `display_name`, `virtual_account`,
//!    `entitled`, `inuse`, `reserved`, `license_details[]`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde_json::Value;

use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::io::write::OutDir;

/// What an import read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Smart Accounts.
    pub smart_accounts: usize,
    /// Virtual Accounts.
    pub virtual_accounts: usize,
    /// Distinct licence rows (SA, VA, licence).
    pub licences: usize,
    /// Entitlement lots written.
    pub lots: usize,
    /// Substitution pairs written.
    pub substitutions: usize,
    /// Things worth knowing that did not stop the import.
    pub warnings: Vec<String>,
}

/// One row of the written entitlements.csv (sorted as written).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct LotRow {
    sa: String,
    va: String,
    lic: String,
    order: usize,
    quantity: u64,
    license_type: String,
    start: String,
    end: String,
    status: String,
    subscription: String,
}

#[derive(Default)]
struct Acc {
    lots: Vec<LotRow>,
    usage: BTreeMap<(String, String, String), (u64, u64)>,
    subs: BTreeSet<(String, String)>,
    seen_rows: BTreeSet<(String, String)>,
    warnings: Vec<String>,
}

/// Parses the date forms the API uses: `2019-05-20`, `2019-01-18T01:07:36Z`, `2026-Jan-01`.
pub fn parse_api_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some(d) = crate::io::table::parse_date(s) {
        return Some(d);
    }
    if s.len() >= 10 {
        if let Some(d) = crate::io::table::parse_date(&s[..10]) {
            return Some(d);
        }
    }
    let mut parts = s.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let m = m.to_ascii_lowercase();
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let month = MONTHS.iter().position(|x| m.starts_with(x))? as u32 + 1;
    NaiveDate::from_ymd_opt(
        y.parse().ok()?,
        month,
        d.get(..2).unwrap_or(d).trim().parse().ok()?,
    )
}

struct Ctx<'a> {
    file: &'a str,
    diags: &'a mut Diagnostics,
}

impl Ctx<'_> {
    fn missing(&mut self, path: &str, what: &str) {
        self.diags.push(Diagnostic {
            file: self.file.to_string(),
            line: None,
            column: Some(path.to_string()),
            value: None,
            message: format!("is missing ({what})"),
            fix: "export the full API response, or fix the field in the file".into(),
        });
    }
}

fn text<'v>(v: &'v Value, keys: &[&str]) -> Option<&'v str> {
    keys.iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str))
        .filter(|s| !s.trim().is_empty())
}

fn count(v: &Value, keys: &[&str]) -> Option<u64> {
    keys.iter().find_map(|k| match v.get(*k)? {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f.round() as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

fn canonical(
    value: &str,
    options: &[&str],
    default: &str,
    what: &str,
    warnings: &mut Vec<String>,
) -> String {
    let up = value.trim().to_ascii_uppercase();
    if options.contains(&up.as_str()) {
        up
    } else {
        warnings.push(format!("unknown {what} {value:?} read as {default}"));
        default.to_string()
    }
}

const TYPES: &[&str] = &["PERPETUAL", "TERM", "SUBSCRIPTION", "DEMO"];
const STATUSES: &[&str] = &["ACTIVE", "EXPIRED", "CANCELLED", "FUTURE", "PENDING"];

/// One licence row (camelCase or snake_case) at JSON path `path`.
fn licence_row(
    cx: &mut Ctx,
    acc: &mut Acc,
    sa: &str,
    default_va: Option<&str>,
    row: &Value,
    path: &str,
) {
    let Some(lic) = text(
        row,
        &["license", "licenseName", "display_name", "license_name"],
    ) else {
        cx.missing(
            &format!("{path}.license"),
            "every licence row names its licence",
        );
        return;
    };
    let va = match text(
        row,
        &["virtualAccount", "virtual_account", "virtualAccountName"],
    )
    .or(default_va)
    {
        Some(v) => v.to_string(),
        None => {
            cx.missing(
                &format!("{path}.virtualAccount"),
                "every licence row names its Virtual Account",
            );
            return;
        }
    };
    // The same row under several roles counts once.
    let key = (
        sa.to_string(),
        format!(
            "{va}\u{1f}{}",
            serde_json::to_string(row).unwrap_or_default()
        ),
    );
    if !acc.seen_rows.insert(key) {
        return;
    }
    let lic = lic.trim().to_string();
    let quantity = count(row, &["quantity", "entitled", "purchased"]).unwrap_or(0);
    let in_use = count(row, &["inUse", "inuse", "in_use"]).unwrap_or(0);
    let reserved = count(row, &["reserved"]).unwrap_or(0);
    let u = acc
        .usage
        .entry((sa.to_string(), va.clone(), lic.clone()))
        .or_default();
    u.0 += in_use;
    u.1 += reserved.min(in_use);
    let details = row
        .get("licenseDetails")
        .or_else(|| row.get("license_details"))
        .and_then(Value::as_array);
    match details {
        Some(lots) if !lots.is_empty() => {
            for (i, lot) in lots.iter().enumerate() {
                let lp = format!("{path}.licenseDetails[{i}]");
                let Some(q) = count(lot, &["quantity"]) else {
                    cx.missing(&format!("{lp}.quantity"), "every lot has a quantity");
                    continue;
                };
                let lt = text(lot, &["licenseType", "license_type"]).unwrap_or("PERPETUAL");
                let lt = canonical(lt, TYPES, "PERPETUAL", "licence type", &mut acc.warnings);
                let st = text(lot, &["status"]).unwrap_or("ACTIVE");
                let st = canonical(st, STATUSES, "ACTIVE", "status", &mut acc.warnings);
                let mut date = |keys: &[&str], name: &str| -> String {
                    match text(lot, keys) {
                        None => String::new(),
                        Some(d) => match parse_api_date(d) {
                            Some(d) => d.to_string(),
                            None => {
                                cx.diags.push(Diagnostic {
                                    file: cx.file.to_string(),
                                    line: None,
                                    column: Some(format!("{lp}.{name}")),
                                    value: Some(d.to_string()),
                                    message: "is not a date".into(),
                                    fix: "dates look like 2019-05-20, 2019-01-18T01:07:36Z or 2026-Jan-01".into(),
                                });
                                String::new()
                            }
                        },
                    }
                };
                let start = date(&["startDate", "start_date"], "startDate");
                let end = date(&["endDate", "end_date"], "endDate");
                let sub = text(lot, &["subscriptionId", "subscription_id"])
                    .unwrap_or("")
                    .to_string();
                acc.lots.push(LotRow {
                    sa: sa.into(),
                    va: va.clone(),
                    lic: lic.clone(),
                    order: i,
                    quantity: q,
                    license_type: lt,
                    start,
                    end,
                    status: st,
                    subscription: sub,
                });
            }
        }
        _ => {
            acc.lots.push(LotRow {
                sa: sa.into(),
                va: va.clone(),
                lic: lic.clone(),
                order: 0,
                quantity,
                license_type: "PERPETUAL".into(),
                start: String::new(),
                end: String::new(),
                status: "ACTIVE".into(),
                subscription: String::new(),
            });
        }
    }
    if let Some(subs) = row.get("licenseSubstitutions").and_then(Value::as_array) {
        for (i, s) in subs.iter().enumerate() {
            match text(
                s,
                &[
                    "license",
                    "licenseName",
                    "substitutedLicense",
                    "substituted_license",
                ],
            ) {
                Some(other) if other.trim() != lic => {
                    acc.subs.insert((lic.clone(), other.trim().to_string()));
                }
                Some(_) => {}
                None => cx.missing(
                    &format!("{path}.licenseSubstitutions[{i}].license"),
                    "a substitution names the licence it covers",
                ),
            }
        }
    }
}

fn rows_in(v: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    if let Some(a) = v.get("licenses").and_then(Value::as_array) {
        out.extend(a.iter());
    }
    if let Some(a) = v
        .pointer("/assignedLicenses/licenses")
        .and_then(Value::as_array)
    {
        out.extend(a.iter());
    }
    out
}

fn import_file(
    path: &Path,
    sa_flag: Option<&str>,
    acc: &mut Acc,
    diags: &mut Diagnostics,
    sas: &mut BTreeSet<String>,
) -> Result<()> {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let text_in = std::fs::read_to_string(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::Usage(format!("{}: no such file", path.display()))
        } else {
            Error::io(path, e)
        }
    })?;
    let v: Value = match serde_json::from_str(&text_in) {
        Ok(v) => v,
        Err(e) => {
            diags.push(Diagnostic {
                file: file.clone(),
                line: Some(e.line() as u64),
                column: Some(e.column().to_string()),
                value: None,
                message: format!("is not valid JSON: {e}"),
                fix: "save the API response unchanged".into(),
            });
            return Ok(());
        }
    };
    let mut cx = Ctx { file: &file, diags };
    let file_sa =
        text(&v, &["accountName", "smartAccountName", "accountDomain"]).map(str::to_string);
    let sa_for = |cx: &mut Ctx, own: Option<String>, path: &str| -> Option<String> {
        match sa_flag.map(str::to_string).or(own) {
            Some(s) => Some(s),
            None => {
                cx.missing(path, "the Smart Account name: pass --smart-account NAME");
                None
            }
        }
    };
    let mut matched = false;
    if let Some(accounts) = v.get("accounts").and_then(Value::as_array) {
        matched = true;
        for (a, account) in accounts.iter().enumerate() {
            let own = text(account, &["accountName", "accountDomain"]).map(str::to_string);
            let Some(sa) = sa_for(&mut cx, own, &format!("accounts[{a}].accountName")) else {
                continue;
            };
            sas.insert(sa.clone());
            for (r, role) in account
                .get("roles")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                for (i, row) in rows_in(role).into_iter().enumerate() {
                    licence_row(
                        &mut cx,
                        acc,
                        &sa,
                        None,
                        row,
                        &format!("accounts[{a}].roles[{r}].licenses[{i}]"),
                    );
                }
            }
            for (i, row) in rows_in(account).into_iter().enumerate() {
                licence_row(
                    &mut cx,
                    acc,
                    &sa,
                    None,
                    row,
                    &format!("accounts[{a}].licenses[{i}]"),
                );
            }
        }
    }
    if v.get("licenses").is_some() || v.pointer("/assignedLicenses/licenses").is_some() {
        matched = true;
        if let Some(sa) = sa_for(&mut cx, file_sa.clone(), "accountName") {
            sas.insert(sa.clone());
            for (i, row) in rows_in(&v).into_iter().enumerate() {
                licence_row(&mut cx, acc, &sa, None, row, &format!("licenses[{i}]"));
            }
        }
    }
    if let Some(summary) = v.get("summary").and_then(Value::as_array) {
        matched = true;
        if let Some(sa) = sa_for(&mut cx, file_sa, "accountName") {
            sas.insert(sa.clone());
            for (i, row) in summary.iter().enumerate() {
                licence_row(
                    &mut cx,
                    acc,
                    &sa,
                    Some("DEFAULT"),
                    row,
                    &format!("summary[{i}]"),
                );
            }
        }
    }
    if !matched {
        cx.diags.push(Diagnostic {
            file: file.clone(),
            line: None,
            column: None,
            value: None,
            message: "holds none of licenses[], accounts[] or summary[]".into(),
            fix: "pass a Smart Licensing API licence response".into(),
        });
    }
    Ok(())
}

fn csv_of(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("in-memory write");
    for r in rows {
        w.write_record(&r).expect("in-memory write");
    }
    w.into_inner().expect("in-memory write")
}

/// Imports API responses into the case folder `out` (written atomically).
pub fn import_cssm_json(
    files: &[PathBuf],
    smart_account: Option<&str>,
    as_of: Option<NaiveDate>,
    out: &Path,
) -> Result<ImportReport> {
    if files.is_empty() {
        return Err(Error::Usage("name at least one JSON file to import".into()));
    }
    let mut acc = Acc::default();
    let mut diags = Diagnostics::default();
    let mut sas = BTreeSet::new();
    for f in files {
        import_file(f, smart_account, &mut acc, &mut diags, &mut sas)?;
    }
    diags.finish(())?;
    acc.lots.sort();
    let inputs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let dir = OutDir::new(out, &inputs)?;
    let root = dir.root();
    let lots: Vec<Vec<String>> = acc
        .lots
        .iter()
        .map(|l| {
            vec![
                l.sa.clone(),
                l.va.clone(),
                l.lic.clone(),
                l.quantity.to_string(),
                l.license_type.clone(),
                l.start.clone(),
                l.end.clone(),
                l.status.clone(),
                l.subscription.clone(),
            ]
        })
        .collect();
    root.write(
        "entitlements.csv",
        &csv_of(
            &[
                "smart_account",
                "virtual_account",
                "license",
                "quantity",
                "license_type",
                "start_date",
                "end_date",
                "status",
                "subscription_id",
            ],
            lots.into_iter(),
        ),
    )?;
    root.write(
        "usage.csv",
        &csv_of(
            &[
                "smart_account",
                "virtual_account",
                "license",
                "in_use",
                "reserved",
            ],
            acc.usage.iter().map(|((sa, va, l), (u, r))| {
                vec![
                    sa.clone(),
                    va.clone(),
                    l.clone(),
                    u.to_string(),
                    r.to_string(),
                ]
            }),
        ),
    )?;
    if !acc.subs.is_empty() {
        root.write(
            "substitutions.csv",
            &csv_of(
                &["license", "covers"],
                acc.subs.iter().map(|(h, l)| vec![h.clone(), l.clone()]),
            ),
        )?;
    }
    let name = sas.iter().cloned().collect::<Vec<_>>().join(" + ");
    let mut case = format!("name = {}\n", toml::Value::String(name));
    if let Some(d) = as_of {
        case.push_str(&format!("as_of = \"{d}\"\n"));
    }
    root.write("case.toml", case.as_bytes())?;
    dir.commit()?;
    let vas: BTreeSet<(&String, &String)> = acc.usage.keys().map(|(s, v, _)| (s, v)).collect();
    acc.warnings.sort();
    acc.warnings.dedup();
    Ok(ImportReport {
        smart_accounts: sas.len(),
        virtual_accounts: vas.len(),
        licences: acc.usage.len(),
        lots: acc.lots.len(),
        substitutions: acc.subs.len(),
        warnings: acc.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_dates() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(parse_api_date("2026-Jan-01"), Some(d));
        assert_eq!(parse_api_date("2026-JAN-01"), Some(d));
        assert_eq!(parse_api_date("2026-01-01T01:07:36Z"), Some(d));
        assert_eq!(parse_api_date("2026-01-01"), Some(d));
        assert_eq!(parse_api_date("soon"), None);
    }
}
