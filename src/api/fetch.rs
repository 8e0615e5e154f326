//! `reallot fetch`: the estate of one Smart Account pulled from the API, as the responses
//! `import` converts (README, "Getting data out of CSSM"):
//!
//! 1. `GET {api}/accounts/{domain}/customer/virtual-accounts` (the VAs; a
//!    `--virtual-account` must be one of them);
//! 2. `POST {api}/accounts/{domain}/licenses` with `virtualAccounts`, `limit`, `offset`,
//!    page after page until `totalRecords` rows are in;
//! 3. with `--ea`, `GET {ea}/subscription/account/{domain}/consumption`.
//!
//! Every body is kept as received, for `CASE/raw/`.

use serde_json::{json, Value};

use super::{malformed, parse_body, segment, url, Client, Endpoints};
use crate::error::{Error, Result};
use crate::import::Response;

/// The default number of licence rows asked for per page.
pub const PAGE_SIZE: u64 = 50;
/// The most pages fetched for one Smart Account (a bound on the request loop).
pub const MAX_PAGES: u64 = 10_000;

/// What to fetch.
#[derive(Debug, Clone)]
pub struct FetchRequest<'a> {
    /// The Smart Account's domain (the `{domain}` of the URLs).
    pub domain: &'a str,
    /// Only these VAs (all when empty).
    pub virtual_accounts: &'a [String],
    /// Also the EA consumption.
    pub ea: bool,
    /// Licence rows per page.
    pub page_size: u64,
}

/// What a fetch brought back.
#[derive(Debug, Clone, Default)]
pub struct Fetched {
    /// The responses to convert, named by their endpoints.
    pub responses: Vec<Response>,
    /// Every body as received: (file name under `raw/`, bytes).
    pub raw: Vec<(String, Vec<u8>)>,
    /// The VAs asked for.
    pub virtual_accounts: Vec<String>,
    /// The Smart Account names the EA response gives (empty without `--ea`).
    pub ea_accounts: Vec<String>,
    /// Licence rows received.
    pub licence_rows: u64,
}

impl Fetched {
    fn keep(&mut self, raw_name: String, what: &str, bytes: Vec<u8>, convert: bool) {
        if convert {
            self.responses.push(Response {
                name: what.to_string(),
                name_va: None,
                bytes: bytes.clone(),
            });
        }
        self.raw.push((raw_name, bytes));
    }
}

/// The VA names of the virtual-accounts response.
fn va_names(what: &str, v: &Value) -> Result<Vec<String>> {
    let Some(list) = v.get("virtualAccounts") else {
        return Err(malformed(what, "virtualAccounts", "is missing"));
    };
    let Some(list) = list.as_array() else {
        return Err(malformed(what, "virtualAccounts", "is not a list"));
    };
    list.iter()
        .enumerate()
        .map(|(i, va)| match va.get("name") {
            Some(Value::String(n)) if !n.trim().is_empty() => Ok(n.trim().to_string()),
            _ => Err(malformed(
                what,
                &format!("virtualAccounts[{i}].name"),
                "is not a Virtual Account name",
            )),
        })
        .collect()
}

/// The VAs to ask for: the filter (each must exist), else every VA of the account.
fn chosen(what: &str, all: Vec<String>, filter: &[String]) -> Result<Vec<String>> {
    if filter.is_empty() {
        return Ok(all);
    }
    let unknown: Vec<&String> = filter.iter().filter(|f| !all.contains(f)).collect();
    if !unknown.is_empty() {
        let shown: Vec<String> = all.iter().take(20).map(|v| format!("{v:?}")).collect();
        return Err(Error::Usage(format!(
            "--virtual-account {}: not a Virtual Account of this Smart Account ({what} lists {}{})",
            unknown
                .iter()
                .map(|u| format!("{u:?}"))
                .collect::<Vec<_>>()
                .join(", "),
            shown.join(", "),
            if all.len() > 20 { ", ..." } else { "" }
        )));
    }
    Ok(filter.to_vec())
}

/// An API-level failure reported with HTTP 200 (`status` other than success).
fn check_status(what: &str, v: &Value) -> Result<()> {
    let Some(status) = v.get("status").and_then(Value::as_str) else {
        return Ok(());
    };
    if matches!(status.to_ascii_uppercase().as_str(), "SUCCESS" | "OK" | "") {
        return Ok(());
    }
    let message = v
        .get("statusMessage")
        .and_then(Value::as_str)
        .unwrap_or("(no statusMessage)");
    Err(Error::Usage(format!(
        "{what}: the API answered status {status:?}: {message}"
    )))
}

/// `totalRecords` and the number of `licenses[]` rows of one page.
fn page_counts(what: &str, v: &Value) -> Result<(u64, u64)> {
    check_status(what, v)?;
    let total = match v.get("totalRecords") {
        Some(t) => t
            .as_u64()
            .ok_or_else(|| malformed(what, "totalRecords", "is not a whole number >= 0"))?,
        None => return Err(malformed(what, "totalRecords", "is missing")),
    };
    let rows = match v.get("licenses") {
        Some(Value::Array(a)) => a.len() as u64,
        Some(Value::Null) | None => 0,
        Some(_) => return Err(malformed(what, "licenses", "is not a list")),
    };
    Ok((total, rows))
}

/// Every page of licence rows of `vas`.
fn licences(
    client: &Client,
    base: &str,
    req: &FetchRequest,
    vas: &[String],
    out: &mut Fetched,
) -> Result<()> {
    let endpoint = url(base, &format!("accounts/{}/licenses", segment(req.domain)));
    let limit = req.page_size.max(1);
    let (mut offset, mut page, mut expected) = (0u64, 0u64, None::<u64>);
    loop {
        page += 1;
        let what = format!("POST {endpoint} (offset {offset})");
        let body = json!({ "virtualAccounts": vas, "limit": limit, "offset": offset });
        let bytes = client.post_json(&endpoint, &what, &body, true)?;
        let v = parse_body(&what, &bytes)?;
        let (total, rows) = page_counts(&what, &v)?;
        if *expected.get_or_insert(total) != total {
            return Err(malformed(
                &what,
                "totalRecords",
                format!(
                    "changed from {} to {total} between pages (the account changed while it was read): fetch again",
                    expected.unwrap_or(0)
                ),
            ));
        }
        out.licence_rows += rows;
        out.keep(format!("licenses-{page:04}.json"), &what, bytes, true);
        offset = offset.saturating_add(limit);
        if offset >= total {
            break;
        }
        if rows == 0 || page >= MAX_PAGES {
            return Err(malformed(
                &what,
                "licenses",
                format!("page {page} held {rows} rows while totalRecords is {total}: the pagination does not end; fetch again"),
            ));
        }
    }
    let total = expected.unwrap_or(0);
    if out.licence_rows != total {
        return Err(malformed(
            &format!("POST {endpoint}"),
            "totalRecords",
            format!(
                "is {total}, but the pages held {} rows: fetch again",
                out.licence_rows
            ),
        ));
    }
    Ok(())
}

/// The Smart Account names of an EA consumption response.
fn ea_accounts(v: &Value) -> Vec<String> {
    let mut names: Vec<String> = v
        .get("subscriptions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.get("accounts").and_then(Value::as_array))
        .flatten()
        .filter_map(|a| a.get("smartAccountName").and_then(Value::as_str))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// `GET base/path`: what the request is called in messages, the body, and the body read as
/// JSON with a success status.
fn get_ok(client: &Client, base: &str, path: &str) -> Result<(String, Vec<u8>, Value)> {
    let at = url(base, path);
    let what = format!("GET {at}");
    let bytes = client.get(&at, &what)?;
    let v = parse_body(&what, &bytes)?;
    check_status(&what, &v)?;
    Ok((what, bytes, v))
}

/// Fetches the VA list, every page of licence rows and (with `ea`) the EA consumption.
pub fn fetch(client: &Client, ends: &Endpoints, req: &FetchRequest) -> Result<Fetched> {
    let mut out = Fetched::default();
    let domain = segment(req.domain);
    let va_path = format!("accounts/{domain}/customer/virtual-accounts");
    let (what, bytes, v) = get_ok(client, &ends.api_base, &va_path)?;
    let vas = chosen(&what, va_names(&what, &v)?, req.virtual_accounts)?;
    // With a filter, the list's other VAs stay out of the case (they stay in raw/).
    out.keep(
        "virtual-accounts.json".into(),
        &what,
        bytes,
        req.virtual_accounts.is_empty(),
    );
    if !vas.is_empty() {
        licences(client, &ends.api_base, req, &vas, &mut out)?;
    }
    if req.ea {
        let ea_path = format!("subscription/account/{domain}/consumption");
        let (what, bytes, v) = get_ok(client, &ends.ea_base, &ea_path)?;
        if !v.get("subscriptions").is_some_and(Value::is_array) {
            return Err(malformed(
                &what,
                "subscriptions",
                "is missing or not a list",
            ));
        }
        out.ea_accounts = ea_accounts(&v);
        out.keep("ea-consumption.json".into(), &what, bytes, true);
    }
    out.virtual_accounts = vas;
    Ok(out)
}
