//! `report.md`: the report's content as Markdown, for e-mail.

use std::fmt::Write as _;

use crate::plan::Plan;
use crate::report::html::{
    finding_counts, finding_rows, headline, move_rows, purchase_rows, renewal_rows, MAX_ROWS,
};
use crate::report::money;

/// Text as Markdown shows it literally: HTML and Markdown syntax characters escaped, so a
/// name like `<script>` or `*x*` is shown as written and never interpreted (SPEC §5.1).
pub(crate) fn text(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut o = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        let word = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_some_and(|c| c.is_alphanumeric())
        };
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            // Inside a word (`idle_surplus`) an underscore is literal in CommonMark.
            '_' if word(i.checked_sub(1)) && word(Some(i + 1)) => o.push('_'),
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '#' | '!' | '~' => {
                o.push('\\');
                o.push(c);
            }
            c if c.is_control() => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

fn cell(s: &str) -> String {
    text(s)
}

fn table(
    out: &mut String,
    header: &[&str],
    rows: &[Vec<String>],
    total: Option<Vec<String>>,
    csv: &str,
) {
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(
        out,
        "|{}|",
        header.iter().map(|_| "---").collect::<Vec<_>>().join("|")
    );
    for r in rows.iter().take(MAX_ROWS) {
        let _ = writeln!(
            out,
            "| {} |",
            r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
        );
    }
    if let Some(t) = total {
        let _ = writeln!(
            out,
            "| {} |",
            t.iter()
                .map(|c| if c.is_empty() {
                    String::new()
                } else {
                    format!("**{}**", cell(c))
                })
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
    if rows.len() > MAX_ROWS {
        let _ = writeln!(
            out,
            "\n_Showing {MAX_ROWS} of {} rows; all of them are in {csv}._",
            rows.len()
        );
    }
    out.push('\n');
}

/// Renders the report as Markdown (charts referenced from the plots/ folder).
pub fn markdown(plan: &Plan) -> String {
    let cur = &plan.currency;
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", text(&plan.case));
    let _ = writeln!(
        o,
        "Scenario **{}** · data as of {} · evaluated at {} · status {}\n",
        text(&plan.scenario),
        plan.as_of,
        plan.evaluated_at,
        plan.status.as_str()
    );
    o.push_str("## Headline\n\n");
    for (v, k) in headline(plan) {
        let _ = writeln!(o, "- **{}**: {}", text(&v), text(&k));
    }
    o.push_str("\n## Savings waterfall\n\n![Savings waterfall](plots/waterfall-money.svg)\n![Savings waterfall, units](plots/waterfall-units.svg)\n\n");
    let rows: Vec<Vec<String>> = plan
        .waterfall
        .iter()
        .map(|s| vec![s.label.clone(), money(s.cost), s.units.to_string()])
        .collect();
    table(
        &mut o,
        &["step", &format!("purchase ({cur})"), "units"],
        &rows,
        None,
        "summary.json",
    );
    o.push_str("## Moves\n\n");
    table(
        &mut o,
        &["from VA", "to VA", "licence", "quantity"],
        &move_rows(plan),
        Some(vec![
            "Total".into(),
            String::new(),
            String::new(),
            plan.licences_moved().to_string(),
        ]),
        "moves.csv",
    );
    o.push_str("## Purchases\n\n");
    table(
        &mut o,
        &[
            "VA",
            "licence",
            "quantity",
            &format!("unit price ({cur})"),
            &format!("cost ({cur})"),
        ],
        &purchase_rows(plan),
        Some(vec![
            "Total".into(),
            String::new(),
            plan.purchase_units().to_string(),
            String::new(),
            money(plan.purchase_cost()),
        ]),
        "purchases.csv",
    );
    o.push_str("## Renewal\n\n");
    match &plan.renewal {
        None => o.push_str("No renewal date applies to this scenario.\n\n"),
        Some(r) => {
            let _ = writeln!(o, "Renewal on {}.\n", r.date);
            table(
                &mut o,
                &[
                    "licence",
                    "expiring",
                    "recommended",
                    "change",
                    "unit price",
                    "like for like",
                    "recommended cost",
                ],
                &renewal_rows(plan),
                Some(vec![
                    "Total".into(),
                    r.expiring_units.to_string(),
                    r.recommended_units.to_string(),
                    format!(
                        "{:+}",
                        i128::from(r.recommended_units) - i128::from(r.expiring_units)
                    ),
                    String::new(),
                    money(r.like_for_like_cost),
                    money(r.recommended_cost),
                ]),
                "renewal.csv",
            );
        }
    }
    o.push_str("## Findings\n\n");
    table(
        &mut o,
        &["kind", "meaning", "rows", "units"],
        &finding_counts(plan),
        None,
        "findings.csv",
    );
    let rows = finding_rows(plan);
    table(
        &mut o,
        &["kind", "VA", "licence", "instance", "units", "detail"],
        &rows,
        None,
        "findings.csv",
    );
    o.push_str("## Positions\n\n![Positions before and after](plots/positions.svg)\n![Balance heat map](plots/heatmap.svg)\n\n## Assumptions\n\n");
    let rows: Vec<Vec<String>> = plan
        .assumptions
        .iter()
        .map(|(k, v)| vec![k.clone(), v.clone()])
        .collect();
    table(&mut o, &["item", "value"], &rows, None, "summary.json");
    o
}
