//! The licence shapes of the Smart Licensing API (README, "Getting data out of CSSM"):
//! licence usage (`licenses[]`), account lists (`accounts[]` or a bare top-level array,
//! licence rows under `roles[].licenses[]`), the per-VA `get-summary` (`summary[]`) and
//! the virtual-account list (`virtualAccounts[]`). Unknown fields are ignored; every field
//! that is read is checked for type, sign and range.
//!
//! Where a response does not name its Smart Account, the rows take `--smart-account`,
//! else the account that lists their VA in an accounts file of the same call; rows inside
//! an account object (or a file that names its account) keep that account, whatever the
//! flag says.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::acc::{Acc, Defaults, LotRow, SaOf};
use super::json::{array, count, field, ident, lot_date, object, text, Ctx, Field, Reported};
use crate::io::text::{limit_text, MAX_COUNT};

fn canonical(
    value: &str,
    options: &[&str],
    default: &str,
    what: &str,
    warnings: &mut Vec<String>,
) -> String {
    let up = value.trim().to_ascii_uppercase();
    if up == "CANCELED" {
        return "CANCELLED".into();
    }
    if options.contains(&up.as_str()) {
        up
    } else {
        warnings.push(format!("unknown {what} {value:?} read as {default}"));
        default.to_string()
    }
}

const TYPES: &[&str] = &["PERPETUAL", "TERM", "SUBSCRIPTION", "DEMO", "STANDARD"];
const STATUSES: &[&str] = &["ACTIVE", "EXPIRED", "CANCELLED", "FUTURE", "PENDING"];

const LICENCE_KEYS: &[&str] = &[
    "license",
    "licenseName",
    "display_name",
    "license_name",
    "tag",
];
const VA_KEYS: &[&str] = &["virtualAccount", "virtual_account", "virtualAccountName"];
const SA_KEYS: &[&str] = &["accountName", "smartAccountName", "accountDomain"];

/// One lot of `licenseDetails[]` (its SA, VA and licence left empty for the caller);
/// `None` when it was reported.
fn lot_row(
    cx: &mut Ctx,
    warnings: &mut Vec<String>,
    order: usize,
    lot: &Value,
    lp: &str,
) -> Option<LotRow> {
    if !object(cx, lot, lp) {
        return None;
    }
    let q = count(cx, lot, &["quantity"], lp);
    let lt = text(cx, lot, &["licenseType", "license_type"], lp);
    let st = text(cx, lot, &["status"], lp);
    let start = lot_date(cx, lot, &["startDate", "start_date"], lp);
    let end = lot_date(cx, lot, &["endDate", "end_date"], lp);
    let sub = ident(cx, lot, &["subscriptionId", "subscription_id"], lp);
    let sku = text(cx, lot, &["licenseSku", "license_sku"], lp);
    let order_no = ident(cx, lot, &["orderNumber", "order_number"], lp);
    let (Ok(q), Ok(lt), Ok(st), Ok(start), Ok(end), Ok(sub), Ok(_), Ok(_)) =
        (q, lt, st, start, end, sub, sku, order_no)
    else {
        return None;
    };
    let Some(q) = q else {
        cx.missing(&format!("{lp}.quantity"), "every lot has a quantity");
        return None;
    };
    let mut lt = canonical(
        lt.unwrap_or("PERPETUAL"),
        TYPES,
        "PERPETUAL",
        "licence type",
        warnings,
    );
    if lt == "STANDARD" {
        // The case tables know no STANDARD lots: a lot with an end date runs out like a
        // term, one without is held for good.
        lt = if end.is_some() { "TERM" } else { "PERPETUAL" }.into();
        warnings.push(
            "licenseType STANDARD read as TERM where the lot has an end date, else as PERPETUAL"
                .into(),
        );
    }
    let st = canonical(
        st.unwrap_or("ACTIVE"),
        STATUSES,
        "ACTIVE",
        "status",
        warnings,
    );
    Some(LotRow {
        sa: String::new(),
        va: String::new(),
        lic: String::new(),
        order,
        quantity: q,
        license_type: lt,
        start: start.unwrap_or_default(),
        end: end.unwrap_or_default(),
        status: st,
        subscription: sub.unwrap_or_default(),
    })
}

const QUANTITY_KEYS: &[&str] = &["quantity", "entitled", "purchased"];
const IN_USE_KEYS: &[&str] = &["inUse", "inuse", "in_use"];
const DETAIL_KEYS: &[&str] = &["licenseDetails", "license_details"];

/// The lots of `licenseDetails[]` at `path`; `None` when any was reported.
fn detail_lots(
    cx: &mut Ctx,
    warnings: &mut Vec<String>,
    row: &Value,
    details: &Field<&[Value]>,
    path: &str,
) -> Option<Vec<LotRow>> {
    let mut lots = Vec::new();
    let mut ok = true;
    if let Ok(Some(list)) = details {
        let key = field(row, DETAIL_KEYS).map_or("licenseDetails", |(k, _)| k);
        for (i, lot) in list.iter().enumerate() {
            let lp = format!("{path}.{key}[{i}]");
            match lot_row(cx, warnings, i, lot, &lp) {
                Some(l) => lots.push(l),
                None => ok = false,
            }
        }
    }
    ok.then_some(lots)
}

/// One "covers" pair of a substitution object; `None` stands for the row's own licence.
type Pair<'v> = (Option<&'v str>, Option<&'v str>);

/// Which way a `substitutionType` says a substitution goes: `Some(true)` when the
/// object's `license` covers `substitutedLicense`, `Some(false)` for the reverse, `None`
/// when the word does not say.
fn direction(kind: &str) -> Option<bool> {
    let k: String = kind
        .trim()
        .chars()
        .map(|c| match c {
            '-' | ' ' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    match k.as_str() {
        "COVERS" | "DOWNGRADE" | "SUBSTITUTES" => Some(true),
        "COVERED_BY" | "UPGRADE" | "SUBSTITUTED_BY" => Some(false),
        _ => None,
    }
}

/// One entry of `licenseSubstitutions[]` at `sp`: the pair it states, or `None` (reported).
fn substitution<'v>(
    cx: &mut Ctx,
    warnings: &mut Vec<String>,
    s: &'v Value,
    sp: &str,
) -> Option<Pair<'v>> {
    if !object(cx, s, sp) {
        return None;
    }
    let own = text(cx, s, &["license", "licenseName"], sp);
    let other = text(cx, s, &["substitutedLicense", "substituted_license"], sp);
    let quantity = count(cx, s, &["substitutedQuantity", "substituted_quantity"], sp);
    let kind = text(cx, s, &["substitutionType", "substitution_type"], sp);
    let (Ok(own), Ok(other), Ok(_), Ok(kind)) = (own, other, quantity, kind) else {
        return None;
    };
    let (from, to) = match (own, other) {
        (_, Some(b)) => (own, b),
        // The older shape lists only the licence the row covers.
        (Some(a), None) => (None, a),
        (None, None) => {
            cx.missing(
                &format!("{sp}.substitutedLicense"),
                "a substitution names the licence it stands in for",
            );
            return None;
        }
    };
    match kind.and_then(direction) {
        Some(true) => Some((from, Some(to))),
        Some(false) => Some((Some(to), from)),
        None => {
            let said = kind.map_or_else(
                || "no substitutionType".to_string(),
                |k| format!("substitutionType {k:?} does not say which way"),
            );
            let higher = from.map_or_else(|| "the row's licence".to_string(), |f| format!("{f:?}"));
            warnings.push(format!(
                "{}, {sp}: {said}; assumed {higher} covers {to:?} (check substitutions.csv)",
                cx.file
            ));
            Some((from, Some(to)))
        }
    }
}

/// The "covers" pairs of `licenseSubstitutions[]` at `path`.
fn covered<'v>(
    cx: &mut Ctx,
    warnings: &mut Vec<String>,
    subs: Field<&'v [Value]>,
    path: &str,
) -> Vec<Pair<'v>> {
    let mut pairs = Vec::new();
    for (i, s) in subs.unwrap_or(None).into_iter().flatten().enumerate() {
        let sp = format!("{path}.licenseSubstitutions[{i}]");
        pairs.extend(substitution(cx, warnings, s, &sp));
    }
    pairs
}

/// A name the row must have: the field, else `default`; reported missing at
/// `path.key` (with `what`) when it has neither.
fn required<'v>(
    cx: &mut Ctx,
    name: Field<&'v str>,
    default: Option<&'v str>,
    (path, key): (&str, &str),
    what: &str,
) -> Option<&'v str> {
    let name = name.ok()?.or(default);
    if name.is_none() {
        cx.missing(&format!("{path}.{key}"), what);
    }
    name
}

/// Adds a row's units in use and reserved to the usage of (SA, VA, licence); `false`
/// (reported at the row's in-use field) when the sum would pass [`MAX_COUNT`].
fn add_usage(
    cx: &mut Ctx,
    acc: &mut Acc,
    (sa, va, lic): (&str, &str, &str),
    (in_use, reserved): (u64, u64),
    (row, path): (&Value, &str),
) -> bool {
    let usage_key = (sa.to_string(), va.to_string(), lic.to_string());
    let u = acc.usage.get(&usage_key).copied().unwrap_or((0, 0));
    // Each sum stays at most 10^12 (checked below; reserved <= in use row by row), so
    // saturation never hides a value: anything above 10^12 is refused.
    let used = u.0.saturating_add(in_use);
    let res = u.1.saturating_add(reserved);
    if used > MAX_COUNT {
        let (key, x) = field(row, IN_USE_KEYS).expect("in use was read");
        cx.bad(
            &format!("{path}.{key}"),
            x,
            format!(
                "brings the units in use of {lic} in {sa}/{va} (over several rows) to {used}, more than {}",
                limit_text(MAX_COUNT.into())
            ),
            "check the response: a count above 10^12 is not a licence count",
        );
        return false;
    }
    acc.usage.insert(usage_key, (used, res));
    true
}

/// Whether a row reserves more units than it uses (then reported at its `reserved`).
fn reserves_too_many(
    cx: &mut Ctx,
    (in_use, reserved): (&Field<u64>, &Field<u64>),
    row: &Value,
    path: &str,
) -> bool {
    let (Ok(Some(u)), Ok(Some(r))) = (in_use, reserved) else {
        return false;
    };
    if r <= u {
        return false;
    }
    let (key, x) = field(row, &["reserved"]).expect("reserved was read");
    cx.bad(
        &format!("{path}.{key}"),
        x,
        format!("is more than the units in use ({u})"),
        "reserved units are part of those in use: the response is inconsistent, export it again",
    );
    true
}

/// The fields of one licence row that are read.
struct RowFields<'v> {
    lic: Option<&'v str>,
    va: Option<&'v str>,
    quantity: Option<u64>,
    in_use: Option<u64>,
    reserved: Option<u64>,
    future: Option<u64>,
    has_details: bool,
    lots: Vec<LotRow>,
    pairs: Vec<Pair<'v>>,
}

/// Reads and checks every field of the licence row at `path`; `None` when anything was
/// reported. `default_va` stands in for a row that names no VA.
fn row_fields<'v>(
    cx: &mut Ctx,
    warnings: &mut Vec<String>,
    default_va: Option<&'v str>,
    row: &'v Value,
    path: &str,
) -> Option<RowFields<'v>> {
    if !object(cx, row, path) {
        return None;
    }
    // Every field is checked before anything is kept, so one pass reports them all.
    let lic = text(cx, row, LICENCE_KEYS, path);
    let va = text(cx, row, VA_KEYS, path);
    let quantity = count(cx, row, QUANTITY_KEYS, path);
    let in_use = count(cx, row, IN_USE_KEYS, path);
    let reserved = count(cx, row, &["reserved"], path);
    let pending = count(cx, row, &["pendingQuantity", "pending_quantity"], path);
    let future = count(cx, row, &["future_entitled", "futureEntitled"], path);
    let details = array(cx, row, DETAIL_KEYS, path);
    let subs = array(
        cx,
        row,
        &["licenseSubstitutions", "license_substitutions"],
        path,
    );
    let lots = detail_lots(cx, warnings, row, &details, path);
    let pairs = covered(cx, warnings, subs, path);
    let what = "every licence row names its licence";
    let lic = required(cx, lic, None, (path, "license"), what);
    let what = "every licence row names its Virtual Account (or pass --virtual-account VA)";
    let va = required(cx, va, default_va, (path, "virtualAccount"), what);
    if reserves_too_many(cx, (&in_use, &reserved), row, path) {
        return None;
    }
    let (Some(lic), Some(va), Ok(quantity), Ok(in_use), Ok(reserved), Ok(_), Ok(future)) =
        (lic, va, quantity, in_use, reserved, pending, future)
    else {
        return None;
    };
    let (Ok(details), Some(lots)) = (details, lots) else {
        return None;
    };
    Some(RowFields {
        lic: Some(lic),
        va: Some(va),
        quantity,
        in_use,
        reserved,
        future,
        has_details: details.is_some_and(|d| !d.is_empty()),
        lots,
        pairs,
    })
}

impl Acc {
    /// One licence row (camelCase or snake_case) at JSON path `path`.
    fn licence_row(
        &mut self,
        cx: &mut Ctx,
        d: &Defaults,
        (sa, default_va): (SaOf, Option<&str>),
        row: &Value,
        path: &str,
    ) {
        let default_va = default_va.or(d.va_flag);
        let Some(f) = row_fields(cx, &mut self.warnings, default_va, row, path) else {
            return;
        };
        let (Some(lic), Some(va)) = (f.lic, f.va) else {
            return;
        };
        let Some(sa) = self.smart_account(cx, d, sa, va, &format!("{path}.accountName")) else {
            return;
        };
        // The same row under several roles counts once.
        let key = (
            sa.clone(),
            format!(
                "{va}\u{1f}{}",
                serde_json::to_string(row).unwrap_or_default()
            ),
        );
        if !self.seen_rows.insert(key) {
            return;
        }
        let units = (f.in_use.unwrap_or(0), f.reserved.unwrap_or(0));
        if !add_usage(cx, self, (&sa, va, lic), units, (row, path)) {
            return;
        }
        self.sas.insert(sa.clone());
        self.vas.insert((sa.clone(), va.to_string()));
        let mut lots = f.lots;
        if f.has_details {
            for l in &mut lots {
                (l.sa, l.va, l.lic) = (sa.clone(), va.into(), lic.into());
            }
        } else {
            if f.future.is_some_and(|n| n > 0) {
                self.warnings.push(format!(
                    "{}, {path}: {} future entitled unit(s) of {lic:?} not imported (the row lists no lots with start dates)",
                    cx.file,
                    f.future.unwrap_or(0)
                ));
            }
            lots.push(LotRow {
                sa: sa.clone(),
                va: va.into(),
                lic: lic.into(),
                order: 0,
                quantity: f.quantity.unwrap_or(0),
                license_type: "PERPETUAL".into(),
                start: String::new(),
                end: String::new(),
                status: "ACTIVE".into(),
                subscription: String::new(),
            });
        }
        self.lots.extend(lots);
        for (h, l) in f.pairs {
            let (h, l) = (h.unwrap_or(lic), l.unwrap_or(lic));
            if h != l {
                self.subs.insert((h.to_string(), l.to_string()));
            }
        }
    }
}

/// The licence rows of an account or role object at `path`: `licenses[]` and
/// `assignedLicenses.licenses[]`, each with its JSON path.
fn rows_in<'v>(cx: &mut Ctx, v: &'v Value, path: &str) -> Vec<(String, &'v Value)> {
    let dot = if path.is_empty() { "" } else { "." };
    let mut out = Vec::new();
    if let Ok(Some(a)) = array(cx, v, &["licenses"], path) {
        out.extend(
            a.iter()
                .enumerate()
                .map(|(i, r)| (format!("{path}{dot}licenses[{i}]"), r)),
        );
    }
    if let Some(assigned) = v.get("assignedLicenses").filter(|x| !x.is_null()) {
        let ap = format!("{path}{dot}assignedLicenses");
        if object(cx, assigned, &ap) {
            if let Ok(Some(a)) = array(cx, assigned, &["licenses"], &ap) {
                out.extend(
                    a.iter()
                        .enumerate()
                        .map(|(i, r)| (format!("{ap}.licenses[{i}]"), r)),
                );
            }
        }
    }
    out
}

/// Whether an element of a bare top-level array is an account (else a licence row).
fn is_account(v: &Value) -> bool {
    ["roles", "accountName", "accountDomain", "accountStatus"]
        .iter()
        .any(|k| v.get(*k).is_some())
}

/// The name of an account object, without reporting (for the first pass).
fn account_name(v: &Value) -> Option<&str> {
    ["accountName", "accountDomain"]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The account objects of a response: `accounts[]`, or the accounts of a bare array.
fn account_objects(v: &Value) -> Vec<&Value> {
    let list = match v {
        Value::Array(a) => a.as_slice(),
        _ => v
            .get("accounts")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice),
    };
    list.iter()
        .filter(|x| x.is_object() && is_account(x))
        .collect()
}

/// First pass: the VAs each named account's roles (and nested rows) list.
pub(super) fn learn_owners(v: &Value, owners: &mut BTreeMap<String, BTreeSet<String>>) {
    for account in account_objects(v) {
        let Some(sa) = account_name(account) else {
            continue;
        };
        let roles = account.get("roles").and_then(Value::as_array);
        for role in roles.into_iter().flatten() {
            let mut vas: Vec<&str> = VA_KEYS
                .iter()
                .filter_map(|k| role.get(*k).and_then(Value::as_str))
                .collect();
            let rows = role.get("licenses").and_then(Value::as_array);
            vas.extend(rows.into_iter().flatten().filter_map(|r| {
                VA_KEYS
                    .iter()
                    .find_map(|k| r.get(*k).and_then(Value::as_str))
            }));
            for va in vas.into_iter().map(str::trim).filter(|s| !s.is_empty()) {
                owners
                    .entry(va.to_string())
                    .or_default()
                    .insert(sa.to_string());
            }
        }
    }
}

/// Reads one response `v` of file `cx.file` into `acc`. `name_va` is the VA the file's
/// name suggests (`<VA>.json`), for a summary that names none.
pub(super) fn read_response(
    cx: &mut Ctx,
    acc: &mut Acc,
    d: &Defaults,
    v: &Value,
    name_va: Option<&str>,
) {
    if let Value::Array(items) = v {
        bare_array(cx, acc, d, items);
        return;
    }
    if !object(cx, v, "(top level)") {
        return;
    }
    let own = text(cx, v, SA_KEYS, "");
    let Ok(own) = own else {
        return;
    };
    if let (Some(own), Some(flag)) = (own, d.sa_flag) {
        if own != flag {
            acc.warnings.push(format!(
                "{}: names Smart Account {own:?}; --smart-account {flag:?} applies only to rows that name none",
                cx.file
            ));
        }
    }
    let sa = own.map_or(SaOf::Unnamed, SaOf::Named);
    let found = [
        accounts(cx, acc, d, v),
        top_rows(cx, acc, d, v, sa),
        summary(cx, acc, d, v, sa, name_va),
        va_list(cx, acc, d, v, sa),
        super::ea::read(cx, acc, d, v),
    ];
    if !found.contains(&true) {
        cx.diags.push(crate::error::Diagnostic::new(
            cx.file,
            "holds none of licenses[], accounts[], summary[], virtualAccounts[] or subscriptions[], and is not a list of accounts",
            "pass a Smart Licensing API response (README, \"Getting data out of CSSM\")",
        ));
    }
}

/// A bare top-level array: accounts (as dashboards store account lists) or licence rows.
fn bare_array(cx: &mut Ctx, acc: &mut Acc, d: &Defaults, items: &[Value]) {
    for (i, item) in items.iter().enumerate() {
        let p = format!("[{i}]");
        if !object(cx, item, &p) {
            continue;
        }
        if is_account(item) {
            account(cx, acc, d, item, &p);
        } else {
            acc.licence_row(cx, d, (SaOf::Unnamed, None), item, &p);
        }
    }
}

/// One account object at `ap`: its roles, their VAs and the licence rows under both.
fn account(cx: &mut Ctx, acc: &mut Acc, d: &Defaults, account: &Value, ap: &str) {
    let Ok(own) = text(cx, account, &["accountName", "accountDomain"], ap) else {
        return;
    };
    let sa = own.map_or(SaOf::Unnamed, SaOf::Named);
    if let Some(s) = own {
        acc.sas.insert(s.to_string());
    }
    let roles = array(cx, account, &["roles"], ap).unwrap_or(None);
    for (r, role) in roles.into_iter().flatten().enumerate() {
        let rp = format!("{ap}.roles[{r}]");
        if !object(cx, role, &rp) {
            continue;
        }
        let _ = text(cx, role, &["role"], &rp);
        let Ok(role_va) = text(cx, role, VA_KEYS, &rp) else {
            continue;
        };
        if let (Some(s), Some(va)) = (own, role_va) {
            acc.vas.insert((s.to_string(), va.to_string()));
        }
        for (p, row) in rows_in(cx, role, &rp) {
            acc.licence_row(cx, d, (sa, role_va), row, &p);
        }
    }
    for (p, row) in rows_in(cx, account, ap) {
        acc.licence_row(cx, d, (sa, None), row, &p);
    }
}

/// The account-list shape `accounts[]`. Whether the response has it.
fn accounts(cx: &mut Ctx, acc: &mut Acc, d: &Defaults, v: &Value) -> bool {
    let Some(list) = array(cx, v, &["accounts"], "").unwrap_or(None) else {
        return v.get("accounts").is_some_and(|x| !x.is_null()); // reported as not a list
    };
    for (a, item) in list.iter().enumerate() {
        let ap = format!("accounts[{a}]");
        if object(cx, item, &ap) {
            account(cx, acc, d, item, &ap);
        }
    }
    true
}

/// The usage shape: licence rows at the top level. Whether the response has them.
fn top_rows(cx: &mut Ctx, acc: &mut Acc, d: &Defaults, v: &Value, sa: SaOf) -> bool {
    let has_rows = ["licenses", "assignedLicenses"]
        .iter()
        .any(|k| v.get(*k).is_some_and(|x| !x.is_null()));
    if has_rows {
        let _ = count(cx, v, &["totalRecords"], "");
        for (p, row) in rows_in(cx, v, "") {
            acc.licence_row(cx, d, (sa, None), row, &p);
        }
    }
    has_rows
}

/// The summary shape `summary[]` (per VA; the VA is a request header, so a row without
/// one takes `--virtual-account`, else the file's name). Whether the response has it.
fn summary(
    cx: &mut Ctx,
    acc: &mut Acc,
    d: &Defaults,
    v: &Value,
    sa: SaOf,
    name_va: Option<&str>,
) -> bool {
    if v.get("summary").is_none_or(Value::is_null) {
        return false;
    }
    let Ok(Some(rows)) = array(cx, v, &["summary"], "") else {
        return true;
    };
    let unnamed = rows
        .iter()
        .any(|r| r.is_object() && field(r, VA_KEYS).is_none());
    let fallback = match (d.va_flag, name_va) {
        (Some(flag), _) => Some(flag),
        (None, Some(stem)) if unnamed => {
            acc.warnings.push(format!(
                "{}: the summary names no Virtual Account; its rows were put in VA {stem:?} after the file name (pass --virtual-account VA to say so)",
                cx.file
            ));
            Some(stem)
        }
        _ => None,
    };
    for (i, row) in rows.iter().enumerate() {
        acc.licence_row(cx, d, (sa, fallback), row, &format!("summary[{i}]"));
    }
    true
}

/// The virtual-account list `virtualAccounts[]` (`name`, `isDefault`). Whether the
/// response has it.
fn va_list(cx: &mut Ctx, acc: &mut Acc, d: &Defaults, v: &Value, sa: SaOf) -> bool {
    if v.get("virtualAccounts").is_none_or(Value::is_null) {
        return false;
    }
    let Ok(Some(list)) = array(cx, v, &["virtualAccounts"], "") else {
        return true;
    };
    let mut names = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let p = format!("virtualAccounts[{i}]");
        if !object(cx, item, &p) {
            continue;
        }
        if let Some(x) = item
            .get("isDefault")
            .filter(|x| !x.is_null() && !x.is_boolean())
        {
            cx.bad(
                &format!("{p}.isDefault"),
                x,
                "is not true or false",
                "export the API response unchanged",
            );
        }
        match text(cx, item, &["name", "virtualAccountName"], &p) {
            Ok(Some(n)) => names.push((n, p)),
            Ok(None) => cx.missing(&format!("{p}.name"), "every Virtual Account has a name"),
            Err(Reported) => {}
        }
    }
    for (va, p) in names {
        if let Some(s) = acc.smart_account(cx, d, sa, va, &format!("{p}.accountName")) {
            acc.sas.insert(s.clone());
            acc.vas.insert((s, va.to_string()));
        }
    }
    true
}
