//! `reallot execute`: a plan's `transfers.json`, sent request by request to
//! `POST {api}/accounts/{domain}/virtual-accounts/{va}/licenses/transfer`, stopping at the
//! first failure, with a record of what was applied (`executed.json` in the plan folder).
//!
//! A record already there lets a stopped run go on: requests it lists as applied (with the
//! same body) are not sent again; a record of a different plan is refused.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{segment, url, Client};
use crate::error::{Error, Result};

/// File name of the record written beside the plan's files.
pub const RECORD: &str = "executed.json";

/// One request of `transfers.json`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanRequest {
    /// Smart Account of both VAs.
    pub smart_account: String,
    /// VA the licences leave.
    pub source_virtual_account: String,
    /// The body, as the plan wrote it.
    pub body: Value,
}

/// `transfers.json` as `execute` reads it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanTransfers {
    /// The requests, in order.
    pub requests: Vec<PlanRequest>,
    /// Moves that need a Smart Account consolidation first (never sent).
    #[serde(default)]
    pub not_executable: Vec<Value>,
}

impl PlanRequest {
    /// Units the request moves (the sum of its entries' quantities).
    pub fn units(&self) -> u128 {
        self.body
            .get("licenses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|e| e.get("quantity").and_then(Value::as_u64))
            .map(u128::from)
            .sum()
    }

    /// The transfer URL of this request for `domain` under `api_base`.
    pub fn url(&self, api_base: &str, domain: &str) -> String {
        url(
            api_base,
            &format!(
                "accounts/{}/virtual-accounts/{}/licenses/transfer",
                segment(domain),
                segment(&self.source_virtual_account)
            ),
        )
    }
}

/// Reads `transfers.json` of `plan_dir` (exit 2 when it is missing: not a plan folder).
pub fn read_plan(plan_dir: &Path) -> Result<PlanTransfers> {
    let path = plan_dir.join("transfers.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::Usage(format!(
                "{}: no transfers.json (name a folder written by `reallot plan`)",
                plan_dir.display()
            ))
        } else {
            Error::io(&path, e)
        }
    })?;
    serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "{}: not the transfers.json `reallot plan` writes ({e}); write the plan again",
            path.display()
        ))
    })
}

/// One request sent and accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Applied {
    /// Position in `transfers.json` (from 0).
    pub request: usize,
    /// The request as sent.
    #[serde(flatten)]
    pub sent: PlanRequest,
    /// The API's answer (JSON, or the text as received).
    pub response: Value,
}

/// The request that failed, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Failed {
    /// Position in `transfers.json`.
    pub request: usize,
    /// The request.
    #[serde(flatten)]
    pub sent: PlanRequest,
    /// The error.
    pub error: String,
}

/// `executed.json`: what was applied to which domain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Executed {
    /// The Smart Account domain the requests went to.
    pub domain: String,
    /// The requests applied, in order.
    pub applied: Vec<Applied>,
    /// The request that failed (the run stopped there).
    pub failed: Option<Failed>,
    /// Requests not sent (after a failure).
    pub not_sent: usize,
}

/// The record in `plan_dir`, if any; it must be of `domain` and agree with `plan`.
pub fn read_record(plan_dir: &Path, domain: &str, plan: &PlanTransfers) -> Result<Executed> {
    let path = plan_dir.join(RECORD);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Executed {
                domain: domain.to_string(),
                ..Executed::default()
            })
        }
        Err(e) => return Err(Error::io(&path, e)),
    };
    let refuse = |why: String| {
        Error::Usage(format!(
            "{}: {why}; nothing was sent (move the record away only if you know those requests were not applied)",
            path.display()
        ))
    };
    let rec: Executed = serde_json::from_str(&text)
        .map_err(|e| refuse(format!("is not a record reallot wrote ({e})")))?;
    if rec.domain != domain {
        return Err(refuse(format!(
            "records requests applied to domain {:?}, not {domain:?}",
            rec.domain
        )));
    }
    for a in &rec.applied {
        if plan.requests.get(a.request) != Some(&a.sent) {
            return Err(refuse(format!(
                "request {} it records as applied is not the plan's request {}: the plan changed since",
                a.request, a.request
            )));
        }
    }
    Ok(Executed {
        failed: None,
        not_sent: 0,
        ..rec
    })
}

/// The answer to a transfer as JSON (a text body as a JSON string); an error when it
/// reports a failure with HTTP 200.
fn answer(bytes: &[u8]) -> std::result::Result<Value, String> {
    let v = serde_json::from_slice::<Value>(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()));
    let status = v.get("status").and_then(Value::as_str).unwrap_or("");
    if status.is_empty() || matches!(status.to_ascii_uppercase().as_str(), "SUCCESS" | "OK") {
        Ok(v)
    } else {
        let message = v
            .get("statusMessage")
            .and_then(Value::as_str)
            .unwrap_or("(no statusMessage)");
        Err(format!("the API answered status {status:?}: {message}"))
    }
}

/// Sends the plan's requests of Smart Account `sa` that `record` does not list as
/// applied, in order, stopping at the first failure. Returns the updated record (also on
/// failure: the caller writes it) and the error that stopped the run. `each` is told of
/// every request before it is sent.
pub fn send_all(
    client: &Client,
    api_base: &str,
    (plan, sa): (&PlanTransfers, &str),
    mut record: Executed,
    mut each: impl FnMut(usize, &PlanRequest),
) -> (Executed, Option<Error>) {
    let pending: Vec<usize> = pending(plan, sa, &record);
    let mut stopped = None;
    for (n, &i) in pending.iter().enumerate() {
        let req = &plan.requests[i];
        each(i, req);
        let endpoint = req.url(api_base, &record.domain);
        let what = format!("transfer request {} (POST {endpoint})", i + 1);
        let outcome = client
            .post_json(&endpoint, &what, &req.body, false)
            .and_then(|bytes| answer(&bytes).map_err(|m| Error::Usage(format!("{what}: {m}"))));
        match outcome {
            Ok(response) => record.applied.push(Applied {
                request: i,
                sent: req.clone(),
                response,
            }),
            Err(e) => {
                record.failed = Some(Failed {
                    request: i,
                    sent: req.clone(),
                    error: e.to_string(),
                });
                record.not_sent = pending.len() - n - 1;
                stopped = Some(e);
                break;
            }
        }
    }
    record.applied.sort_by_key(|a| a.request);
    (record, stopped)
}

/// The positions of the plan's requests of Smart Account `sa` not yet applied.
pub fn pending(plan: &PlanTransfers, sa: &str, record: &Executed) -> Vec<usize> {
    plan.requests
        .iter()
        .enumerate()
        .filter(|(i, r)| r.smart_account == sa && !record.applied.iter().any(|a| a.request == *i))
        .map(|(i, _)| i)
        .collect()
}
