//! What a person sees of a term plan (SPEC §4.2): the term chart (only for term plans),
//! the report's Term section and the workbook's Term sheet against `summary.json` and
//! `schedule.csv`, and `compare` over 36- and 60-month terms and a commitment discount.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{Data, Reader};
use chrono::NaiveDate;
use reallot::money::money;
use reallot::report::{read_summary, Summary, TermJson};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample() -> PathBuf {
    root().join("data/acme-networks")
}

/// `reallot plan` of the sample case under `model` into `out`.
fn plan(model: &Path, out: &Path) {
    Command::cargo_bin("reallot")
        .unwrap()
        .arg("plan")
        .arg(sample())
        .arg("--model")
        .arg(model)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

/// A CSV file as maps from column name to cell.
fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            h.iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

fn term_of(dir: &Path) -> (Summary, TermJson) {
    let s = read_summary(&dir.join("summary.json")).unwrap();
    let t = s.term.clone().expect("a term block");
    (s, t)
}

/// Money in cents from a schedule.csv cell (`1234.50`).
fn cents(s: &str) -> i128 {
    reallot::money::parse_money(s).unwrap_or_else(|| panic!("{s:?} is not money"))
}

/// Per milestone date, from schedule.csv alone: (committed, added, purchased to date,
/// cost in cents).
fn per_milestone(dir: &Path) -> BTreeMap<String, (u64, u64, u64, i128)> {
    let mut by: BTreeMap<String, (u64, u64, u64, i128)> = BTreeMap::new();
    for r in csv_rows(&dir.join("schedule.csv")) {
        let e = by.entry(r["date"].clone()).or_default();
        e.0 += r["commit"].parse::<u64>().unwrap();
        e.1 += r["add"].parse::<u64>().unwrap();
        e.2 += r["purchased_to_date"].parse::<u64>().unwrap();
        e.3 += cents(&r["cost"]);
    }
    by
}

/// The term chart is written (SVG and PNG) for a term plan, never for a single-date plan,
/// and the report embeds (HTML) or links (Markdown) it only then.
#[test]
fn term_chart_only_for_term_plans() {
    let out = tempfile::tempdir().unwrap();
    let (term, single) = (out.path().join("term"), out.path().join("single"));
    plan(&root().join("models/term.toml"), &term);
    plan(&root().join("models/renewal.toml"), &single);
    let svg = std::fs::read_to_string(term.join("plots/term.svg")).unwrap();
    let png = std::fs::read(term.join("plots/term.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "term.png is a PNG");
    assert!(svg.contains("36-month term: demand against entitlement per milestone"));
    // The line that costs the most over the term (from schedule.csv) is the first panel.
    let mut lines: BTreeMap<(String, String), i128> = BTreeMap::new();
    for r in csv_rows(&term.join("schedule.csv")) {
        *lines
            .entry((r["smart_account"].clone(), r["license"].clone()))
            .or_default() += cents(&r["cost"]);
    }
    let ((sa, lic), cost) = lines
        .iter()
        .max_by_key(|(k, c)| (**c, std::cmp::Reverse((*k).clone())))
        .unwrap();
    let caption = format!("{sa} · {lic}: ");
    assert!(svg.contains(&caption), "{caption} in term.svg");
    assert!(svg.contains(&format!(
        "USD {} over the term",
        reallot::money::grouped(*cost)
    )));
    assert!(svg.contains("committed at the start") && svg.contains("added so far"));
    let html = std::fs::read_to_string(term.join("report.html")).unwrap();
    assert!(html.contains("<section id=\"term\">") && html.contains(&caption));
    let md = std::fs::read_to_string(term.join("report.md")).unwrap();
    assert!(md.contains("## Term\n") && md.contains("](plots/term.svg)"));
    for f in ["plots/term.svg", "plots/term.png"] {
        assert!(!single.join(f).exists(), "{f} in a single-date plan");
    }
    let html = std::fs::read_to_string(single.join("report.html")).unwrap();
    let md = std::fs::read_to_string(single.join("report.md")).unwrap();
    assert!(!html.contains("id=\"term\"") && !md.contains("## Term"));
    assert!(!single.join("schedule.csv").exists());
}

/// The report's Term table: each milestone's row is what schedule.csv holds for it, the
/// savings are the vendor's cost less the plan's, and the last row is summary.json's
/// term block, in both report.md and report.html.
#[test]
fn report_term_section_shows_the_summary_figures() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("term");
    plan(&root().join("models/term.toml"), &dir);
    let (s, t) = term_of(&dir);
    let g = reallot::money::grouped;
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let section = &md[md.find("## Term").unwrap()..md.find("### Schedule").unwrap()];
    let row = |first: &str| -> Vec<String> {
        let line = section
            .lines()
            .find(|l| {
                l.starts_with(&format!("| {first} |")) || l.starts_with(&format!("| **{first}** |"))
            })
            .unwrap_or_else(|| panic!("no row {first} in\n{section}"));
        line.trim_matches('|')
            .split(" | ")
            .map(|c| c.trim().trim_matches('*').to_string())
            .collect()
    };
    let milestones = per_milestone(&dir);
    assert_eq!(milestones.len() as u32, t.months / 12);
    let mut vendor_sum = 0;
    for (date, (commit, add, to_date, cost)) in &milestones {
        let r = row(date);
        assert_eq!(
            r[1..5],
            [
                commit.to_string(),
                add.to_string(),
                to_date.to_string(),
                g(*cost)
            ],
            "{date}"
        );
        let vendor = cents(&r[5].replace(',', ""));
        assert_eq!(cents(&r[6].replace(',', "")), vendor - cost, "{date}");
        vendor_sum += vendor;
    }
    // Each vendor line is rounded on its own, the vendor's total once.
    assert!(
        (vendor_sum - t.vendor_term_cost.0).abs() <= 100,
        "{vendor_sum}"
    );
    let total = row(&format!("{}-month term", t.months));
    assert_eq!(
        total[1..],
        [
            t.commit_units.to_string(),
            t.add_units.to_string(),
            (t.commit_units + t.add_units).to_string(),
            g(t.total_cost.0),
            g(t.vendor_term_cost.0),
            g(t.savings.0),
        ]
    );
    assert_eq!(t.total_cost, s.purchase_cost);
    assert_eq!(t.commit_units + t.add_units, s.purchase_units);
    // The HTML page carries the same figures, its total row marked as one.
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let term = &html[html.find("<section id=\"term\">").unwrap()..];
    let term = &term[..term.find("</section>").unwrap()];
    let total_row = format!(
        "<tr class=\"total\"><td>{}-month term</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
        t.months, t.commit_units, t.add_units
    );
    assert!(term.contains(&total_row), "{term}");
    for v in [t.total_cost, t.vendor_term_cost, t.savings] {
        assert!(
            term.contains(&format!("<td class=\"n\">{}</td>", g(v.0))),
            "{v:?}"
        );
    }
    // The schedule table lists every schedule.csv row.
    let rows = csv_rows(&dir.join("schedule.csv"));
    let sched = &md[md.find("### Schedule").unwrap()..];
    for r in &rows {
        let line = format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r["smart_account"],
            r["license"],
            r["date"],
            r["demand"],
            r["entitled"],
            r["commit"],
            r["add"],
            r["purchased_to_date"],
            g(cents(&r["cost"]))
        );
        assert!(sched.contains(&line), "{line}");
    }
}

/// The workbook's Term sheet, read back with calamine: dates are dates, figures numbers,
/// each milestone's row what schedule.csv holds, the total row summary.json's term block,
/// then the schedule row by row. A single-date plan has no Term sheet.
#[test]
fn workbook_term_sheet_holds_the_figures() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("term");
    plan(&root().join("models/term.toml"), &dir);
    let (_, t) = term_of(&dir);
    let mut wb = calamine::open_workbook::<calamine::Xlsx<_>, _>(dir.join("plan.xlsx")).unwrap();
    assert_eq!(wb.sheet_names()[..2], ["Summary", "Term"]);
    let range = wb.worksheet_range("Term").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    let date = |d: &Data| match d {
        Data::DateTime(x) => x.as_datetime().unwrap().date(),
        other => panic!("{other:?} is not a date"),
    };
    let num = |d: &Data| match d {
        Data::Float(x) => *x,
        Data::Int(x) => *x as f64,
        other => panic!("{other:?} is not a number"),
    };
    let money = |c: i128| c as f64 / 100.0;
    assert_eq!(rows[0][0], Data::String("milestone".into()));
    let milestones = per_milestone(&dir);
    for (i, (d, (commit, add, to_date, cost))) in milestones.iter().enumerate() {
        let r = rows[i + 1];
        assert_eq!(date(&r[0]), d.parse::<NaiveDate>().unwrap());
        assert_eq!(
            [num(&r[1]), num(&r[2]), num(&r[3]), num(&r[4])],
            [*commit as f64, *add as f64, *to_date as f64, money(*cost)]
        );
        assert!((num(&r[6]) - (num(&r[5]) - num(&r[4]))).abs() < 0.005);
    }
    let total = rows[milestones.len() + 1];
    assert_eq!(total[0], Data::String(format!("{}-month term", t.months)));
    assert_eq!(
        [
            num(&total[1]),
            num(&total[2]),
            num(&total[4]),
            num(&total[5]),
            num(&total[6])
        ],
        [
            t.commit_units as f64,
            t.add_units as f64,
            money(t.total_cost.0),
            money(t.vendor_term_cost.0),
            money(t.savings.0)
        ]
    );
    let start = rows
        .iter()
        .position(|r| r[0] == Data::String("buyer".into()))
        .expect("the schedule's header");
    let schedule = csv_rows(&dir.join("schedule.csv"));
    assert_eq!(rows.len() - start - 1, schedule.len());
    for (r, want) in rows[start + 1..].iter().zip(&schedule) {
        assert_eq!(r[0], Data::String(want["smart_account"].clone()));
        assert_eq!(r[1], Data::String(want["license"].clone()));
        assert_eq!(date(&r[2]), want["date"].parse::<NaiveDate>().unwrap());
        for (c, col) in ["demand", "entitled", "commit", "add", "purchased_to_date"]
            .iter()
            .enumerate()
        {
            assert_eq!(num(&r[3 + c]), want[*col].parse::<f64>().unwrap(), "{col}");
        }
        assert_eq!(num(&r[8]), money(cents(&want["cost"])));
    }
    let single = out.path().join("single");
    plan(&root().join("models/renewal.toml"), &single);
    let wb = calamine::open_workbook::<calamine::Xlsx<_>, _>(single.join("plan.xlsx")).unwrap();
    assert!(!wb.sheet_names().iter().any(|n| n == "Term"));
}

/// The shipped term scenario as 36- and 60-month terms and a 36-month term with a 20%
/// commitment discount, in a folder of their own.
fn term_variants() -> tempfile::TempDir {
    let models = tempfile::tempdir().unwrap();
    let term = std::fs::read_to_string(root().join("models/term.toml")).unwrap();
    let variants = [
        (
            "term-36",
            term.replace("name = \"term\"", "name = \"term-36\""),
        ),
        (
            "term-60",
            term.replace("name = \"term\"", "name = \"term-60\"")
                .replace("term_months = 36", "term_months = 60"),
        ),
        (
            "term-36-discount",
            term.replace("name = \"term\"", "name = \"term-36-discount\"")
                + "commit_discount_pct = 20\n",
        ),
    ];
    for (name, text) in &variants {
        std::fs::write(models.path().join(format!("{name}.toml")), text).unwrap();
    }
    models
}

/// `reallot compare` of the sample case over `reallocate` and the scenarios of `models`
/// into `out`; what it printed.
fn compare(models: &Path, out: &Path) -> String {
    let printed = Command::cargo_bin("reallot")
        .unwrap()
        .arg("compare")
        .arg(sample())
        .arg("--model")
        .arg(root().join("models/reallocate.toml"))
        .arg("--models")
        .arg(models)
        .arg("--out")
        .arg(out)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(printed).unwrap()
}

/// `compare` over a single-date scenario, 36- and 60-month terms and a 36-month term with
/// a 20% commitment discount: scenarios.csv's term columns are each plan's own
/// summary.json term block (empty for the single-date scenario), and the chart names
/// each term and the vendor's reading of it.
#[test]
fn compare_carries_each_terms_figures() {
    let models = term_variants();
    let out = tempfile::tempdir().unwrap();
    let cmp = out.path().join("cmp");
    let printed = compare(models.path(), &cmp);
    let rows = csv_rows(&cmp.join("scenarios.csv"));
    assert_eq!(rows.len(), 4);
    let cols = [
        "term_months",
        "term_commit_units",
        "term_commit_cost",
        "term_add_units",
        "term_add_cost",
        "term_cost",
        "vendor_term_cost",
        "term_savings",
    ];
    let mut terms = BTreeMap::new();
    for r in &rows {
        let name = &r["scenario"];
        let s = read_summary(&cmp.join(name).join("summary.json")).unwrap();
        match &s.term {
            None => {
                assert_eq!(name, "reallocate");
                assert!(cols.iter().all(|c| r[*c].is_empty()), "{r:?}");
            }
            Some(t) => {
                let want = [
                    t.months.to_string(),
                    t.commit_units.to_string(),
                    money(t.commit_cost.0),
                    t.add_units.to_string(),
                    money(t.add_cost.0),
                    money(t.total_cost.0),
                    money(t.vendor_term_cost.0),
                    money(t.savings.0),
                ];
                let got: Vec<&str> = cols.iter().map(|c| r[*c].as_str()).collect();
                assert_eq!(got, want, "{name}");
                assert_eq!(r["purchase_cost"], money(s.purchase_cost.0));
                assert!(printed.contains(&format!(
                    "{name}: {}-month term, commit {} units",
                    t.months, t.commit_units
                )));
                terms.insert(name.clone(), t.clone());
            }
        }
    }
    let (t36, t60, disc) = (
        &terms["term-36"],
        &terms["term-60"],
        &terms["term-36-discount"],
    );
    assert_eq!((t36.months, t60.months, disc.months), (36, 60, 36));
    // The same first year is committed; a discount makes that commitment cheaper and
    // never makes the term dearer.
    assert!(disc.commit_cost.0 < t36.commit_cost.0);
    assert!(disc.total_cost.0 <= t36.total_cost.0);
    assert!(t60.add_units > t36.add_units);
    let svg = std::fs::read_to_string(cmp.join("scenarios.svg")).unwrap();
    assert!(svg.contains("a term scenario: its whole term"));
    for t in [t36, t60, disc] {
        assert!(svg.contains(&format!("{}-month term · vendor (outline):", t.months)));
        assert!(svg.contains(&format!(
            "USD {} · saves {}",
            reallot::money::grouped(t.vendor_term_cost.0),
            reallot::money::grouped(t.savings.0)
        )));
    }
}
