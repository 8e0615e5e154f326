//! `--jobs N`: the same bytes out for any number of threads, on the conformance cases and
//! on a synthetic case large enough that the instance table is read in several parallel
//! chunks (2 MB or more a thread) and hundreds of families are solved side by side.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// Every file under `dir`, relative path → bytes.
fn files(dir: &Path, prefix: &str, into: &mut BTreeMap<String, Vec<u8>>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = format!("{prefix}/{}", e.file_name().to_string_lossy());
        if e.file_type().unwrap().is_dir() {
            files(&e.path(), &name, into);
        } else {
            into.insert(name, std::fs::read(e.path()).unwrap());
        }
    }
}

/// The files `reallot plan CASE --model SCENARIO --jobs JOBS` writes.
fn plan_with(case: &Path, scenario: &Path, jobs: &str, out: &Path) -> BTreeMap<String, Vec<u8>> {
    Command::cargo_bin("reallot")
        .unwrap()
        .args(["--jobs", jobs, "plan"])
        .arg(case)
        .arg("--model")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    let mut got = BTreeMap::new();
    files(out, "", &mut got);
    got
}

/// Asserts that one and two threads (and, when given, three) write the same files.
fn same_bytes_for_any_jobs(case: &Path, scenario: &Path, tmp: &Path) {
    let one = plan_with(case, scenario, "1", &tmp.join("one"));
    assert!(one.len() > 10, "a whole plan folder: {:?}", one.keys());
    for jobs in ["2", "3"] {
        let other = plan_with(case, scenario, jobs, &tmp.join(jobs));
        assert_eq!(
            one.keys().collect::<Vec<_>>(),
            other.keys().collect::<Vec<_>>(),
            "{}: the same files with --jobs {jobs}",
            case.display()
        );
        for (name, bytes) in &one {
            assert!(
                other[name] == *bytes,
                "{}: {name} differs between --jobs 1 and --jobs {jobs}",
                case.display()
            );
        }
    }
}

#[test]
fn conformance_cases_same_bytes_for_any_jobs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/conformance");
    for name in ["instances-110", "story-cucm-substitution", "term-113"] {
        let tmp = tempfile::tempdir().unwrap();
        let case = root.join(name);
        same_bytes_for_any_jobs(&case, &case.join("scenario.toml"), tmp.path());
    }
}

/// A seeded synthetic case: `vas` VAs in two Smart Accounts, `lics` licences in tiers of
/// three, one instance file of about `instances` rows with a CMDB, stale and reserved
/// instances, pools, locks and pack sizes.
fn synthetic_case(dir: &Path, vas: u64, lics: u64, instances: u64) -> PathBuf {
    let mut seed = 0x5eed_u64;
    let mut next = move || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        seed >> 33
    };
    let (mut acc, mut ent, mut inst, mut cmdb) = (
        String::from("smart_account,virtual_account,pool,locked\n"),
        String::from(
            "smart_account,virtual_account,license,quantity,license_type,end_date,source\n",
        ),
        String::from(
            "instance,smart_account,virtual_account,license,quantity,last_contact,reservation\n",
        ),
        String::from("instance,status\n"),
    );
    for v in 0..vas {
        let pool = ["", "", "north", "south"][(next() % 4) as usize];
        let locked = next().is_multiple_of(25);
        writeln!(acc, "SA-{},VA-{v:03},{pool},{locked}", v % 2).unwrap();
    }
    let cells: Vec<(u64, u64)> = (0..vas)
        .flat_map(|v| (0..lics).map(move |l| (v, l)))
        .filter(|_| next().is_multiple_of(4))
        .collect();
    for &(v, l) in &cells {
        let q = [0, 1, 5, 10, 25][(next() % 5) as usize];
        let (kind, end) = ["PERPETUAL,", "TERM,2027-03-31", "SUBSCRIPTION,2026-12-01"]
            [(next() % 3) as usize]
            .split_once(',')
            .unwrap();
        let src = ["SMART", "SMART", "SMART", "PAK", "EA"][(next() % 5) as usize];
        writeln!(
            ent,
            "SA-{},VA-{v:03},LIC-{l:03},{q},{kind},{end},{src}",
            v % 2
        )
        .unwrap();
    }
    for i in 0..instances {
        let (v, l) = cells[(next() % cells.len() as u64) as usize];
        let day = [1, 3, 10, 30, 95, 200][(next() % 6) as usize];
        let res = ["NONE", "NONE", "NONE", "NONE", "SLR", "PLR"][(next() % 6) as usize];
        writeln!(
            inst,
            "DEV-{i},SA-{},VA-{v:03},LIC-{l:03},{},2026-{:02}-{:02},{res}",
            v % 2,
            1 + next() % 3,
            1 + (day / 28).min(9),
            1 + day % 28
        )
        .unwrap();
        if next().is_multiple_of(3) {
            let status = ["in service", "decommissioned"][(next() % 2) as usize];
            writeln!(cmdb, "DEV-{i},{status}").unwrap();
        }
    }
    let prices: String = std::iter::once("license,unit_price,pack_size\n".to_string())
        .chain((0..lics).map(|l| {
            let pack = ["", "", "5", "10"][(next() % 4) as usize];
            format!("LIC-{l:03},{}.50,{pack}\n", 10 + next() % 900)
        }))
        .collect();
    let subs: String = std::iter::once("license,covers\n".to_string())
        .chain((0..lics / 3).flat_map(|f| {
            [
                format!("LIC-{:03},LIC-{:03}\n", 3 * f, 3 * f + 1),
                format!("LIC-{:03},LIC-{:03}\n", 3 * f + 1, 3 * f + 2),
            ]
        }))
        .collect();
    let case = dir.join("case");
    std::fs::create_dir_all(&case).unwrap();
    for (name, text) in [
        ("accounts.csv", acc),
        ("entitlements.csv", ent),
        ("instances.csv", inst),
        ("cmdb.csv", cmdb),
        ("prices.csv", prices),
        ("substitutions.csv", subs),
        (
            "case.toml",
            "name = \"jobs\"\nas_of = \"2026-11-01\"\nrenewal_date = \"2027-06-30\"\n".into(),
        ),
        (
            "scenario.toml",
            "name = \"jobs\"\nreallocate = true\nsubstitution = true\nhygiene = true\nbuffer_pct = 10\n"
                .into(),
        ),
    ] {
        std::fs::write(case.join(name), text).unwrap();
    }
    case
}

#[test]
fn synthetic_case_same_bytes_for_any_jobs() {
    let tmp = tempfile::tempdir().unwrap();
    let case = synthetic_case(tmp.path(), 60, 90, 120_000);
    let size = std::fs::metadata(case.join("instances.csv")).unwrap().len();
    assert!(size > 5 << 20, "instances.csv is {size} bytes");
    same_bytes_for_any_jobs(&case, &case.join("scenario.toml"), tmp.path());
}
