//! Bringing data in from the Smart Licensing API: saved JSON responses (`reallot import
//! cssm-json`) or ones fetched live (`reallot fetch`, [`crate::api`]), converted into a
//! case folder (README, "Getting data out of CSSM").
//!
//! [`convert`] reads every response (several at once, in two passes: first the VAs each
//! accounts file lists, then the rows), and [`write_case`] writes the case folder
//! atomically, with any raw responses under `raw/`.

mod acc;
mod cssm;
mod ea;
mod json;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde_json::Value;

use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::io::text::{check_name, shown};
use crate::io::write::OutDir;

use self::acc::{Acc, Defaults, EaRow, LotRow};

/// What an import read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Smart Accounts.
    pub smart_accounts: usize,
    /// Virtual Accounts (with licence rows, or listed by an account or VA list).
    pub virtual_accounts: usize,
    /// Distinct licence rows (SA, VA, licence).
    pub licences: usize,
    /// Entitlement lots written.
    pub lots: usize,
    /// Substitution pairs written.
    pub substitutions: usize,
    /// Rows of `ea.csv` written.
    pub ea_rows: usize,
    /// Things worth knowing that did not stop the import.
    pub warnings: Vec<String>,
}

/// The names a response may omit, as the command line gives them, and the export date.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions<'a> {
    /// `--smart-account`: for rows whose response names no Smart Account.
    pub smart_account: Option<&'a str>,
    /// `--virtual-account`: for rows whose response names no Virtual Account.
    pub virtual_account: Option<&'a str>,
    /// `--as-of`, written to `case.toml`.
    pub as_of: Option<NaiveDate>,
}

/// One API response to convert.
#[derive(Debug, Clone)]
pub struct Response {
    /// How messages name it (a file name, or an endpoint).
    pub name: String,
    /// The VA its name suggests (`<VA>.json`), for a per-VA summary that names none.
    pub name_va: Option<String>,
    /// The bytes as saved or received.
    pub bytes: Vec<u8>,
}

impl Response {
    /// The response saved in file `path` (named by its file name; `<VA>.json` suggests
    /// the VA).
    pub fn from_file(path: &Path) -> Result<Response> {
        let bytes = std::fs::read(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::Usage(format!("{}: no such file", path.display()))
            } else {
                Error::io(path, e)
            }
        })?;
        let name_va = path
            .file_stem()
            .map(|s| s.to_string_lossy().trim().to_string())
            .filter(|s| !s.is_empty() && check_name(s).is_ok());
        Ok(Response {
            name: json::file_name(path),
            name_va,
            bytes,
        })
    }
}

/// The case tables converted from a set of responses, ready to write.
#[derive(Debug)]
pub struct Converted {
    acc: Acc,
}

impl Converted {
    /// The counts and warnings of the conversion.
    pub fn report(&self) -> ImportReport {
        let mut warnings = self.acc.warnings.clone();
        warnings.sort();
        warnings.dedup();
        let mut vas: BTreeSet<(&String, &String)> =
            self.acc.usage.keys().map(|(s, v, _)| (s, v)).collect();
        vas.extend(self.acc.vas.iter().map(|(s, v)| (s, v)));
        ImportReport {
            smart_accounts: self.acc.sas.len(),
            virtual_accounts: vas.len(),
            licences: self.acc.usage.len(),
            lots: self.acc.lots.len(),
            substitutions: self.acc.subs.len(),
            ea_rows: self.acc.ea.len(),
            warnings,
        }
    }
}

/// Checks a name given on the command line (`--smart-account`, `--virtual-account`).
fn check_flag(flag: &str, value: Option<&str>, diags: &mut Diagnostics) {
    if let Some(Err((message, fix))) = value.map(check_name) {
        let v = shown(value.unwrap_or_default());
        diags.push(Diagnostic::new(flag, message, fix).with_value(v));
    }
}

/// Converts API responses into case tables. Every problem is reported (exit 65, naming
/// the response, the JSON path, the value and the fix) before anything is written.
pub fn convert(responses: &[Response], opts: &ImportOptions) -> Result<Converted> {
    let mut diags = Diagnostics::default();
    check_flag("--smart-account", opts.smart_account, &mut diags);
    check_flag("--virtual-account", opts.virtual_account, &mut diags);
    let mut values: Vec<Option<Value>> = Vec::new();
    for r in responses {
        values.push(json::parse_json(&r.name, r.bytes.clone(), &mut diags));
    }
    let mut defaults = Defaults {
        sa_flag: opts.smart_account,
        va_flag: opts.virtual_account,
        ..Defaults::default()
    };
    for v in values.iter().flatten() {
        cssm::learn_owners(v, &mut defaults.va_owner);
    }
    let mut acc = Acc::default();
    for (r, v) in responses.iter().zip(&values) {
        if let Some(v) = v {
            let mut cx = json::Ctx {
                file: &r.name,
                diags: &mut diags,
            };
            cssm::read_response(&mut cx, &mut acc, &defaults, v, r.name_va.as_deref());
        }
    }
    diags.finish(())?;
    if let (Some(flag), false) = (opts.smart_account, acc.sa_flag_used) {
        acc.warnings.push(format!(
            "--smart-account {flag:?} was not used: every row's response names its own Smart Account"
        ));
    }
    acc.lots.sort();
    acc.ea.sort();
    Ok(Converted { acc })
}

fn csv_of(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("in-memory write");
    for r in rows {
        w.write_record(&r).expect("in-memory write");
    }
    w.into_inner().expect("in-memory write")
}

/// One column of a table the import writes: its header, and its cell of a record.
type Column<T> = (&'static str, fn(&T) -> String);

/// A table as CSV: the header row of `cols`, then one row per record.
fn table_csv<'a, T: 'a>(cols: &[Column<T>], records: impl Iterator<Item = &'a T>) -> Vec<u8> {
    let header: Vec<&str> = cols.iter().map(|(h, _)| *h).collect();
    let rows = records.map(|r| cols.iter().map(|(_, cell)| cell(r)).collect());
    csv_of(&header, rows)
}

/// `entitlements.csv` of the imported lots (sorted).
fn entitlements_csv(acc: &Acc) -> Vec<u8> {
    const COLUMNS: &[Column<LotRow>] = &[
        ("smart_account", |l| l.sa.clone()),
        ("virtual_account", |l| l.va.clone()),
        ("license", |l| l.lic.clone()),
        ("quantity", |l| l.quantity.to_string()),
        ("license_type", |l| l.license_type.clone()),
        ("start_date", |l| l.start.clone()),
        ("end_date", |l| l.end.clone()),
        ("status", |l| l.status.clone()),
        ("subscription_id", |l| l.subscription.clone()),
    ];
    table_csv(COLUMNS, acc.lots.iter())
}

/// One row of `usage.csv`: (Smart Account, VA, licence) and (in use, reserved).
type UsageRow = ((String, String, String), (u64, u64));

/// `usage.csv` of the imported usage.
fn usage_csv(acc: &Acc) -> Vec<u8> {
    const COLUMNS: &[Column<UsageRow>] = &[
        ("smart_account", |((sa, _, _), _)| sa.clone()),
        ("virtual_account", |((_, va, _), _)| va.clone()),
        ("license", |((_, _, l), _)| l.clone()),
        ("in_use", |(_, (u, _))| u.to_string()),
        ("reserved", |(_, (_, r))| r.to_string()),
    ];
    let rows: Vec<UsageRow> = acc.usage.iter().map(|(k, v)| (k.clone(), *v)).collect();
    table_csv(COLUMNS, rows.iter())
}

/// `accounts.csv` naming the VAs that only the EA consumption names (no licence row of
/// the import has them), so `ea.csv` rows of those VAs name VAs of the case; `None` when
/// there are none.
fn ea_only_accounts_csv(acc: &Acc) -> Option<Vec<u8>> {
    let mut known: BTreeSet<(&str, &str)> = acc
        .usage
        .keys()
        .map(|(s, v, _)| (s.as_str(), v.as_str()))
        .collect();
    known.extend(acc.lots.iter().map(|l| (l.sa.as_str(), l.va.as_str())));
    let only: BTreeSet<(&str, &str)> = acc
        .ea
        .iter()
        .map(|r| (r.sa.as_str(), r.va.as_str()))
        .filter(|k| !k.1.is_empty() && !known.contains(k))
        .collect();
    if only.is_empty() {
        return None;
    }
    let rows = only
        .into_iter()
        .map(|(s, v)| vec![s.to_string(), v.to_string()]);
    Some(csv_of(&["smart_account", "virtual_account"], rows))
}

/// Writes the case folder `out` (atomically, under the `--out` rules of
/// [`crate::io::write`]): `entitlements.csv`, `usage.csv`, `substitutions.csv` and
/// `ea.csv` where there are rows (with `accounts.csv` listing the VAs only `ea.csv`
/// names), `case.toml`, and each `raw` file (name, bytes) under
/// `raw/`. `inputs` are the paths the command read (never overwritten).
pub fn write_case(
    c: &Converted,
    as_of: Option<NaiveDate>,
    raw: &[(String, Vec<u8>)],
    out: &Path,
    inputs: &[&Path],
) -> Result<ImportReport> {
    let acc = &c.acc;
    let dir = OutDir::new(out, inputs)?;
    let root = dir.root();
    root.write("entitlements.csv", &entitlements_csv(acc))?;
    root.write("usage.csv", &usage_csv(acc))?;
    if !acc.subs.is_empty() {
        let rows = acc.subs.iter().map(|(h, l)| vec![h.clone(), l.clone()]);
        root.write("substitutions.csv", &csv_of(&["license", "covers"], rows))?;
    }
    if !acc.ea.is_empty() {
        root.write(
            "ea.csv",
            &csv_of(
                &crate::estate::ea::header(),
                acc.ea.iter().map(EaRow::cells),
            ),
        )?;
        if let Some(csv) = ea_only_accounts_csv(acc) {
            root.write("accounts.csv", &csv)?;
        }
    }
    let name = acc.sas.iter().cloned().collect::<Vec<_>>().join(" + ");
    let mut case = format!("name = {}\n", toml::Value::String(name));
    if let Some(d) = as_of {
        case.push_str(&format!("as_of = \"{d}\"\n"));
    }
    root.write("case.toml", case.as_bytes())?;
    let raw_dir = dir.sub("raw");
    for (name, bytes) in raw {
        raw_dir.write(name, bytes)?;
    }
    dir.commit()?;
    Ok(c.report())
}

/// Imports saved API responses `files` into the case folder `out` (written atomically;
/// nothing is written on any error).
pub fn import_files(files: &[PathBuf], opts: &ImportOptions, out: &Path) -> Result<ImportReport> {
    if files.is_empty() {
        return Err(Error::Usage("name at least one JSON file to import".into()));
    }
    let inputs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    crate::io::write::check_target(out, &inputs)?;
    let responses = files
        .iter()
        .map(|f| Response::from_file(f))
        .collect::<Result<Vec<_>>>()?;
    let converted = convert(&responses, opts)?;
    write_case(&converted, opts.as_of, &[], out, &inputs)
}

/// Imports saved API responses with only a Smart Account name and an export date (see
/// [`import_files`] for every option).
pub fn import_cssm_json(
    files: &[PathBuf],
    smart_account: Option<&str>,
    as_of: Option<NaiveDate>,
    out: &Path,
) -> Result<ImportReport> {
    let opts = ImportOptions {
        smart_account,
        virtual_account: None,
        as_of,
    };
    import_files(files, &opts, out)
}

#[cfg(test)]
mod tests {
    use super::json::parse_api_date;
    use chrono::NaiveDate;

    #[test]
    fn dates_with_multibyte_characters_never_panic() {
        // Found by the cssm_json fuzz target: slicing at byte 10 inside a character.
        assert_eq!(parse_api_date("2026-01-0쳍x"), None);
        assert_eq!(parse_api_date("2026-Jan-쳍"), None);
        assert!(parse_api_date("2026-01-01T00:00:00Z").is_some());
    }

    #[test]
    fn api_dates() {
        // CSSM's month names in any case, and the ISO date with or without a time.
        let d = NaiveDate::from_ymd_opt(2026, 1, 1);
        for text in [
            "2026-Jan-01",
            "2026-JAN-01",
            "2026-01-01T01:07:36Z",
            "2026-01-01",
        ] {
            assert_eq!(parse_api_date(text), d, "{text}");
        }
        assert_eq!(parse_api_date("soon"), None);
    }
}
