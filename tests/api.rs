//! `reallot fetch` and `reallot execute` against a mock of the Smart Licensing API on
//! 127.0.0.1 (a small tiny_http server started by each test): token exchange,
//! pagination, retries, refusals, malformed bodies, the VA filter, the EA response, and
//! the loop fetch → plan → execute → fetch → nothing left to move. Only loopback traffic;
//! every request loop and every command is bounded in time.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::common::cssm_fixture;
use assert_cmd::Command;
use serde_json::{json, Value};

const ID: &str = "client-id-1";
const SECRET: &str = "s3cr3t-Zq8vX";
const TOKEN: &str = "tok-Ab12Cd34";
const DOMAIN: &str = "acme.example.com";

/// One request the mock received.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    url: String,
    auth: Option<String>,
    body: String,
}

/// An answer: status, extra headers, body.
type Answer = (u16, Vec<(&'static str, String)>, String);

/// The mock's estate: VA → licence → (entitled, in use).
type Estate = BTreeMap<String, BTreeMap<String, (u64, u64)>>;

/// A mock API: every request is logged and answered by `handler`.
struct Mock {
    base: String,
    log: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Mock {
    fn start(mut handler: impl FnMut(&Seen) -> Answer + Send + 'static) -> Mock {
        let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let port = server.server_addr().to_ip().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (log2, stop2) = (log.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            // Bounded: at most 500 requests, and the loop ends when the test drops the mock.
            let mut served = 0;
            while !stop2.load(Ordering::SeqCst) && served < 500 {
                let Ok(Some(mut rq)) = server.recv_timeout(Duration::from_millis(50)) else {
                    continue;
                };
                served += 1;
                let mut body = String::new();
                let _ = rq.as_reader().read_to_string(&mut body);
                let auth = rq
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("Authorization"))
                    .map(|h| h.value.to_string());
                let seen = Seen {
                    method: rq.method().to_string(),
                    url: rq.url().to_string(),
                    auth,
                    body,
                };
                let (status, headers, text) = handler(&seen);
                log2.lock().unwrap().push(seen);
                let mut resp = tiny_http::Response::from_string(text).with_status_code(status);
                resp.add_header(
                    tiny_http::Header::from_bytes(&b"Content-Type"[..], &b"application/json"[..])
                        .unwrap(),
                );
                for (k, v) in headers {
                    resp.add_header(
                        tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap(),
                    );
                }
                let _ = rq.respond(resp);
            }
        });
        Mock {
            base: format!("http://127.0.0.1:{port}"),
            log,
            stop,
            thread: Some(thread),
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }

    fn count(&self, method: &str, path_part: &str) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.method == method && s.url.contains(path_part))
            .count()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn ok(v: Value) -> Answer {
    (200, vec![], v.to_string())
}

/// The token endpoint: the right form gives the token, anything else a 401.
fn token(s: &Seen) -> Answer {
    let form: BTreeMap<String, String> = s
        .body
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.replace("%2D", "-")))
        .collect();
    let good = form.get("grant_type").map(String::as_str) == Some("client_credentials")
        && form.get("client_id").map(String::as_str) == Some(ID)
        && form.get("client_secret").map(String::as_str) == Some(SECRET);
    if good {
        ok(json!({"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600}))
    } else {
        (401, vec![], json!({"error": "invalid_client"}).to_string())
    }
}

/// The licence rows of `vas` in `estate`, as the v1 licence usage response lists them.
fn rows(estate: &Estate, vas: &[String]) -> Vec<Value> {
    let mut out = Vec::new();
    for (va, lics) in estate {
        if !vas.contains(va) {
            continue;
        }
        for (lic, &(q, used)) in lics {
            out.push(json!({
                "license": lic, "virtualAccount": va, "quantity": q, "inUse": used,
                "available": q as i64 - used as i64, "reserved": 0, "pendingQuantity": 0,
                "status": if used > q { "Out Of Compliance" } else { "In Compliance" },
                "licenseDetails": [{"licenseType": "PERPETUAL", "quantity": q,
                                    "startDate": "2024-01-01T00:00:00Z", "status": "ACTIVE"}],
                "licenseSubstitutions": []
            }));
        }
    }
    out
}

/// Applies a transfer request body from `va`; an error text when it cannot.
fn transfer(estate: &mut Estate, va: &str, body: &Value) -> Result<(), String> {
    for e in body["licenses"].as_array().ok_or("no licenses")? {
        let lic = e["license"].as_str().ok_or("no license")?;
        let q = e["quantity"].as_u64().ok_or("no quantity")?;
        let to = e["targetVirtualAccount"].as_str().ok_or("no target")?;
        let from = estate
            .get_mut(va)
            .and_then(|l| l.get_mut(lic))
            .ok_or("no such licence")?;
        if from.0 < q {
            return Err(format!("only {} of {lic} in {va}", from.0));
        }
        from.0 -= q;
        estate
            .get_mut(to)
            .ok_or("no such VA")?
            .entry(lic.to_string())
            .or_default()
            .0 += q;
    }
    Ok(())
}

/// A stateful mock of the whole API over `estate` (transfers change it).
fn api(estate: Estate) -> impl FnMut(&Seen) -> Answer + Send + 'static {
    let prefix = format!("/api/accounts/{DOMAIN}");
    let mut estate = estate;
    move |s: &Seen| {
        if s.url == "/token" {
            return token(s);
        }
        if s.auth.as_deref() != Some(&format!("Bearer {TOKEN}")) {
            return (401, vec![], "{}".into());
        }
        let path = s.url.as_str();
        if s.method == "GET" && path == format!("{prefix}/customer/virtual-accounts") {
            let vas: Vec<Value> = estate
                .keys()
                .map(|v| json!({"name": v, "isDefault": v == "DEFAULT"}))
                .collect();
            return ok(json!({ "virtualAccounts": vas }));
        }
        if s.method == "POST" && path == format!("{prefix}/licenses") {
            let q: Value = serde_json::from_str(&s.body).unwrap();
            let vas: Vec<String> = serde_json::from_value(q["virtualAccounts"].clone()).unwrap();
            let all = rows(&estate, &vas);
            let (limit, offset) = (
                q["limit"].as_u64().unwrap() as usize,
                q["offset"].as_u64().unwrap() as usize,
            );
            let page: Vec<Value> = all.iter().skip(offset).take(limit).cloned().collect();
            return ok(
                json!({"totalRecords": all.len(), "licenses": page, "status": "SUCCESS", "statusMessage": ""}),
            );
        }
        if s.method == "GET" && path == format!("/ea/subscription/account/{DOMAIN}/consumption") {
            let text = std::fs::read_to_string(cssm_fixture("ea-consumption.json")).unwrap();
            return (200, vec![], text.replace("Globex", "Acme"));
        }
        let transfer_prefix = format!("{prefix}/virtual-accounts/");
        if let Some(rest) = path.strip_prefix(&transfer_prefix) {
            if let (Some(va), "POST") = (rest.strip_suffix("/licenses/transfer"), s.method.as_str())
            {
                let va = va.replace("%20", " ");
                let body: Value = serde_json::from_str(&s.body).unwrap();
                return match transfer(&mut estate, &va, &body) {
                    Ok(()) => ok(json!({"status": "SUCCESS", "statusMessage": "Transfer done"})),
                    Err(e) => (
                        400,
                        vec![],
                        json!({"status": "ERROR", "statusMessage": e}).to_string(),
                    ),
                };
            }
        }
        (404, vec![], "{}".into())
    }
}

/// Campus and Branch are short of DNA Advantage (20 and 10), Lab holds 45 spare.
fn estate() -> Estate {
    let mut e = Estate::new();
    let mut put = |va: &str, lic: &str, q: u64, used: u64| {
        e.entry(va.to_string())
            .or_default()
            .insert(lic.to_string(), (q, used));
    };
    put("Branch", "DNA Advantage", 0, 10);
    put("Branch", "ISE Base", 5, 0);
    put("Campus", "DNA Advantage", 10, 30);
    put("Lab", "DNA Advantage", 50, 5);
    put("Lab", "ISE Base", 2, 1);
    put("DEFAULT", "ISE Base", 1, 1);
    e
}

/// `reallot ARGS…` with the credentials set, no proxy, and a time bound.
fn reallot(args: &[&str]) -> Command {
    let mut c = Command::cargo_bin("reallot").unwrap();
    c.args(args)
        .env("REALLOT_CLIENT_ID", ID)
        .env("REALLOT_CLIENT_SECRET", SECRET)
        .env("RUST_LOG", "trace")
        .timeout(Duration::from_secs(120));
    for v in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        c.env_remove(v);
    }
    c
}

/// The URL flags pointing at `mock`.
fn urls(mock: &Mock) -> Vec<String> {
    vec![
        "--api-base".into(),
        format!("{}/api", mock.base),
        "--token-url".into(),
        format!("{}/token", mock.base),
    ]
}

/// Runs `reallot fetch --domain DOMAIN --out OUT EXTRA… URLS…`; (code, stdout, stderr).
fn fetch(mock: &Mock, out: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "fetch",
        "--domain",
        DOMAIN,
        "--as-of",
        "2026-11-01",
        "--out",
    ];
    let out_s = out.to_str().unwrap();
    args.push(out_s);
    args.extend_from_slice(extra);
    let u = urls(mock);
    args.extend(u.iter().map(String::as_str));
    run(reallot(&args))
}

fn run(mut c: Command) -> (i32, String, String) {
    let o = c.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

/// Every file under `dir`, as text (lossy).
fn all_text(dir: &Path) -> String {
    let mut out = String::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.push_str(&all_text(&p));
        } else {
            out.push_str(&String::from_utf8_lossy(&std::fs::read(&p).unwrap()));
        }
    }
    out
}

fn summary(plan: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(plan.join("summary.json")).unwrap()).unwrap()
}

/// Token exchange, several pages, raw responses kept, a case `check` and `plan` accept;
/// the secret and the token appear nowhere in the case folder or the output.
#[test]
fn fetch_pages_through_the_licences_into_a_case() {
    let mock = Mock::start(api(estate()));
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case");
    let (code, stdout, stderr) = fetch(&mock, &case, &["--page-size", "2"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let seen = mock.seen();
    assert_eq!(seen[0].url, "/token");
    assert!(
        seen[0].auth.is_none(),
        "the token request carries no bearer"
    );
    let offsets: Vec<u64> = seen
        .iter()
        .filter(|s| s.url.ends_with("/licenses"))
        .map(|s| {
            serde_json::from_str::<Value>(&s.body).unwrap()["offset"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(offsets, [0, 2, 4], "6 rows in pages of 2");
    for f in [
        "virtual-accounts.json",
        "licenses-0001.json",
        "licenses-0002.json",
        "licenses-0003.json",
    ] {
        assert!(case.join("raw").join(f).is_file(), "raw/{f}");
    }
    let usage = std::fs::read_to_string(case.join("usage.csv")).unwrap();
    assert!(
        usage.contains(&format!("{DOMAIN},Campus,DNA Advantage,30,0")),
        "{usage}"
    );
    assert_eq!(usage.lines().count(), 7, "{usage}");
    let everything = format!("{}{stdout}{stderr}", all_text(&case));
    assert!(!everything.contains(SECRET), "the secret leaked");
    assert!(!everything.contains(TOKEN), "the token leaked");
    let (code, out, err) = run(reallot(&["check", case.to_str().unwrap()]));
    assert_eq!(code, 0, "{out}{err}");
    let plan = tmp.path().join("plan");
    let (code, out, err) = run(reallot(&[
        "plan",
        case.to_str().unwrap(),
        "--out",
        plan.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(summary(&plan)["licences_moved"], 30);
}

/// A 429 with Retry-After, then success: the request is sent again and the fetch succeeds.
#[test]
fn a_429_is_retried_after_the_wait_it_asks_for() {
    let mut inner = api(estate());
    let mut throttled = false;
    let mock = Mock::start(move |s| {
        if s.url.ends_with("/licenses") && !throttled {
            throttled = true;
            return (429, vec![("Retry-After", "1".into())], "{}".into());
        }
        inner(s)
    });
    let tmp = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = fetch(&mock, &tmp.path().join("case"), &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(mock.count("POST", "/licenses"), 2);
}

/// Ever-failing 503s end after the bounded number of tries, with nothing written.
#[test]
fn server_errors_are_retried_a_bounded_number_of_times() {
    let mut inner = api(estate());
    let mock = Mock::start(move |s| {
        if s.url.ends_with("/virtual-accounts") {
            return (503, vec![("Retry-After", "0".into())], "busy".into());
        }
        inner(s)
    });
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case");
    let (code, _, stderr) = fetch(&mock, &case, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("HTTP 503") && stderr.contains("after 5 tries"),
        "{stderr}"
    );
    assert_eq!(mock.count("GET", "/virtual-accounts"), 5);
    assert!(!case.exists());
}

/// Refused credentials: exit 2, naming the variables, never the secret; nothing written.
#[test]
fn a_401_names_the_credentials_and_not_the_secret() {
    let mock = Mock::start(api(estate()));
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case");
    let mut c = reallot(&["fetch", "--domain", DOMAIN, "--out", case.to_str().unwrap()]);
    c.args(urls(&mock))
        .env("REALLOT_CLIENT_SECRET", "wrong-secret-9");
    let (code, stdout, stderr) = run(c);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("HTTP 401") && stderr.contains("REALLOT_CLIENT_SECRET"),
        "{stderr}"
    );
    assert!(!format!("{stdout}{stderr}").contains("wrong-secret-9"));
    assert!(!case.exists());
    // A 403 on the API names the permission.
    let mock = Mock::start(|s: &Seen| {
        if s.url == "/token" {
            token(s)
        } else {
            (403, vec![], "{}".into())
        }
    });
    let (code, _, stderr) = fetch(&mock, &case, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("HTTP 403") && stderr.contains("Smart Account administrator"),
        "{stderr}"
    );
    // Missing credentials are a usage error before any request.
    let mut c = reallot(&["fetch", "--domain", DOMAIN, "--out", case.to_str().unwrap()]);
    c.env_remove("REALLOT_CLIENT_ID");
    let (code, _, stderr) = run(c);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("REALLOT_CLIENT_ID is not set"), "{stderr}");
}

/// A body that is not the documented response: exit 65 naming the endpoint and the JSON
/// path; nothing written.
#[test]
fn a_malformed_body_names_the_endpoint_and_path() {
    let mut inner = api(estate());
    let mock = Mock::start(move |s| {
        if s.url.ends_with("/licenses") {
            return ok(json!({"totalRecords": "many", "licenses": []}));
        }
        inner(s)
    });
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case");
    let (code, _, stderr) = fetch(&mock, &case, &[]);
    assert_eq!(code, 65, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "POST {}/api/accounts/{DOMAIN}/licenses (offset 0), column totalRecords",
            mock.base
        )),
        "{stderr}"
    );
    assert!(!case.exists());
    // A row with a negative count is located inside the page.
    let mut inner = api(estate());
    let mock = Mock::start(move |s| {
        if s.url.ends_with("/licenses") {
            return ok(
                json!({"totalRecords": 1, "licenses": [{"license": "L", "virtualAccount": "Lab", "inUse": -3}]}),
            );
        }
        inner(s)
    });
    let (code, _, stderr) = fetch(&mock, &case, &[]);
    assert_eq!(code, 65, "{stderr}");
    assert!(
        stderr.contains("column licenses[0].inUse: \"-3\" is negative"),
        "{stderr}"
    );
    // Not JSON at all.
    let mut inner = api(estate());
    let mock = Mock::start(move |s| {
        if s.url.ends_with("/virtual-accounts") {
            return (200, vec![], "<html>maintenance</html>".into());
        }
        inner(s)
    });
    let (code, _, stderr) = fetch(&mock, &case, &[]);
    assert_eq!(code, 65, "{stderr}");
    assert!(
        stderr.contains("virtual-accounts, column (top level): is not JSON"),
        "{stderr}"
    );
    assert!(!case.exists());
}

/// `--virtual-account` asks for that VA only; one the account does not have is refused.
#[test]
fn the_va_filter_is_sent_and_checked() {
    let mock = Mock::start(api(estate()));
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case");
    let (code, stdout, stderr) = fetch(&mock, &case, &["--virtual-account", "Campus"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let body = mock
        .seen()
        .into_iter()
        .find(|s| s.url.ends_with("/licenses"))
        .unwrap()
        .body;
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["virtualAccounts"], json!(["Campus"]));
    let usage = std::fs::read_to_string(case.join("usage.csv")).unwrap();
    assert_eq!(usage.lines().count(), 2, "{usage}");
    let (code, _, stderr) = fetch(
        &mock,
        &tmp.path().join("other"),
        &["--virtual-account", "Nowhere"],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("\"Nowhere\": not a Virtual Account"),
        "{stderr}"
    );
}

/// `--ea`: the consumption response becomes ea.csv, and names the Smart Account.
#[test]
fn the_ea_consumption_becomes_ea_csv() {
    let mock = Mock::start(api(estate()));
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case");
    let mut args = vec![
        "fetch".to_string(),
        "--domain".into(),
        DOMAIN.into(),
        "--ea".into(),
        "--as-of".into(),
        "2026-11-01".into(),
        "--out".into(),
        case.to_str().unwrap().into(),
        "--ea-base".into(),
        format!("{}/ea", mock.base),
    ];
    args.extend(urls(&mock));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, stdout, stderr) = run(reallot(&args));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let ea = std::fs::read_to_string(case.join("ea.csv")).unwrap();
    assert!(
        ea.contains(
            "Acme,Collab,DNA Advantage Suite,E3-DNA-ADV,60,12,72,50,80,2027-02-01,2028-01-31,,"
        ),
        "{ea}"
    );
    assert!(case.join("raw/ea-consumption.json").is_file());
    // The licence rows take the Smart Account name the EA response gives.
    let usage = std::fs::read_to_string(case.join("usage.csv")).unwrap();
    assert!(usage.contains("Acme,Campus,DNA Advantage,30,0"), "{usage}");
    let (code, out, err) = run(reallot(&["check", case.to_str().unwrap()]));
    assert_eq!(code, 0, "{out}{err}");
}

/// fetch → plan → execute (dry run, then --yes) → the mock applies the transfers →
/// fetch → plan: nothing left to move, nothing to buy.
#[test]
fn fetch_plan_execute_fetch_leaves_nothing_to_move() {
    let mock = Mock::start(api(estate()));
    let tmp = tempfile::tempdir().unwrap();
    let (case, plan) = (tmp.path().join("case"), tmp.path().join("plan"));
    let (code, out, err) = fetch(&mock, &case, &[]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = run(reallot(&[
        "plan",
        case.to_str().unwrap(),
        "--out",
        plan.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(summary(&plan)["licences_moved"], 30);
    assert_eq!(summary(&plan)["purchase_units"], 0);
    let exec = |yes: bool| {
        let mut args = vec![
            "execute",
            plan.to_str().unwrap(),
            "--domain",
            DOMAIN,
            "--case",
            case.to_str().unwrap(),
        ];
        if yes {
            args.push("--yes");
        }
        let mut c = reallot(&args);
        c.args(urls(&mock));
        run(c)
    };
    // Dry run: prints the request, sends nothing.
    let (code, out, err) = exec(false);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!(
            "POST {}/api/accounts/{DOMAIN}/virtual-accounts/Lab/licenses/transfer",
            mock.base
        )),
        "{out}"
    );
    assert!(out.contains("dry run: 1 request(s), 30 unit(s)"), "{out}");
    assert_eq!(mock.count("POST", "/transfer"), 0);
    assert!(!plan.join("executed.json").exists());
    // For real.
    let (code, out, err) = exec(true);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(mock.count("POST", "/transfer"), 1);
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(plan.join("executed.json")).unwrap())
            .unwrap();
    assert_eq!(record["applied"].as_array().unwrap().len(), 1);
    assert_eq!(record["domain"], DOMAIN);
    assert!(record["failed"].is_null());
    // The record does not trouble verify.
    let (code, out, err) = run(reallot(&[
        "verify",
        case.to_str().unwrap(),
        plan.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{out}{err}");
    // Again: nothing is sent twice.
    let (code, out, _) = exec(true);
    assert_eq!(code, 0);
    assert!(out.contains("applied already"), "{out}");
    assert_eq!(mock.count("POST", "/transfer"), 1);
    // Fetch the changed estate and plan again.
    let (case2, plan2) = (tmp.path().join("case2"), tmp.path().join("plan2"));
    let (code, out, err) = fetch(&mock, &case2, &[]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = run(reallot(&[
        "plan",
        case2.to_str().unwrap(),
        "--out",
        plan2.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{out}{err}");
    let s = summary(&plan2);
    assert_eq!(
        (s["licences_moved"].clone(), s["purchase_units"].clone()),
        (json!(0), json!(0)),
        "{s}"
    );
    assert_eq!(s["vendor_view"]["shortfall_units"], 0, "{s}");
    let everything = format!("{}{}", all_text(tmp.path()), out);
    assert!(!everything.contains(SECRET) && !everything.contains(TOKEN));
}

/// A plan verify rejects is refused before anything is sent; a failed transfer stops the
/// run and is recorded.
#[test]
fn execute_refuses_a_tampered_plan_and_records_a_failure() {
    let mut inner = api(estate());
    let fail = Arc::new(AtomicBool::new(false));
    let fail2 = fail.clone();
    let mock = Mock::start(move |s| {
        if s.url.ends_with("/transfer") && fail2.load(Ordering::SeqCst) {
            return (
                500,
                vec![],
                json!({"status": "ERROR", "statusMessage": "backend down"}).to_string(),
            );
        }
        inner(s)
    });
    let tmp = tempfile::tempdir().unwrap();
    let (case, plan) = (tmp.path().join("case"), tmp.path().join("plan"));
    assert_eq!(fetch(&mock, &case, &[]).0, 0);
    let (code, out, err) = run(reallot(&[
        "plan",
        case.to_str().unwrap(),
        "--out",
        plan.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{out}{err}");
    let exec = || {
        let mut c = reallot(&[
            "execute",
            plan.to_str().unwrap(),
            "--domain",
            DOMAIN,
            "--case",
            case.to_str().unwrap(),
            "--yes",
        ]);
        c.args(urls(&mock));
        run(c)
    };
    let transfers = plan.join("transfers.json");
    let original = std::fs::read_to_string(&transfers).unwrap();
    std::fs::write(
        &transfers,
        original.replace("\"quantity\": 20", "\"quantity\": 25"),
    )
    .unwrap();
    assert_ne!(
        std::fs::read_to_string(&transfers).unwrap(),
        original,
        "the tamper took"
    );
    let (code, out, _) = exec();
    assert_eq!(code, 4, "{out}");
    assert!(
        out.contains("VIOLATION") && out.contains("nothing was sent"),
        "{out}"
    );
    assert_eq!(mock.count("POST", "/transfer"), 0);
    std::fs::write(&transfers, &original).unwrap();
    // The server fails the (non-repeatable) transfer: one try, recorded, exit non-zero.
    fail.store(true, Ordering::SeqCst);
    let (code, out, err) = exec();
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        mock.count("POST", "/transfer"),
        1,
        "a transfer that may have been applied is not sent again"
    );
    assert!(out.contains("stopped at the first failed request"), "{out}");
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(plan.join("executed.json")).unwrap())
            .unwrap();
    assert!(
        record["failed"]["error"]
            .as_str()
            .unwrap()
            .contains("HTTP 500"),
        "{record}"
    );
    assert_eq!(record["applied"].as_array().unwrap().len(), 0);
}
