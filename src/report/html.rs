//! `report.html`: one self-contained page (inline CSS and SVG, no scripts, no network)
//! with the headline figures, the waterfall, moves, purchases, renewal, findings, charts
//! and assumptions.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::plan::Plan;
use crate::plot::{self, Measure};
use crate::report::money;

/// Rows a table of the report shows at most (the CSV files hold all of them).
pub const MAX_ROWS: usize = 200;
/// Findings rows the report lists (after the counts per kind).
pub const MAX_FINDINGS: usize = 50;

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;color:#212121;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.4}\
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:2px solid #1f4e79;padding-bottom:.2em;margin-top:2em}\
.sub{color:#555}.cards{display:flex;flex-wrap:wrap;gap:1em;margin:1em 0}\
.card{flex:1 1 200px;border:1px solid #d0d7de;border-radius:8px;padding:.8em 1em;background:#f7f9fb}\
.card .v{font-size:1.5em;font-weight:bold;color:#1f4e79}.card .k{color:#555;font-size:.9em}\
table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.92em}th,td{border:1px solid #d0d7de;padding:.3em .5em;text-align:left}\
th{background:#dce6f1}td.n{text-align:right;font-variant-numeric:tabular-nums}tr.total td{font-weight:bold;border-top:2px solid #555}\
.chart svg{max-width:100%;height:auto}.note{color:#555;font-size:.9em}\
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}.chart,table{page-break-inside:avoid}}";

fn table(
    out: &mut String,
    header: &[&str],
    numeric: &[bool],
    rows: &[Vec<String>],
    total: Option<Vec<String>>,
    csv: &str,
) {
    out.push_str("<table><thead><tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows.iter().take(MAX_ROWS) {
        out.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = if numeric.get(i).copied().unwrap_or(false) {
                " class=\"n\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{}</td>", esc(c));
        }
        out.push_str("</tr>");
    }
    if let Some(t) = total {
        out.push_str("<tr class=\"total\">");
        for (i, c) in t.iter().enumerate() {
            let class = if numeric.get(i).copied().unwrap_or(false) {
                " class=\"n\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{}</td>", esc(c));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    if rows.len() > MAX_ROWS {
        let _ = write!(
            out,
            "<p class=\"note\">Showing {MAX_ROWS} of {} rows; all of them are in {csv}.</p>",
            rows.len()
        );
    }
}

fn card(out: &mut String, value: &str, label: &str) {
    let _ = write!(
        out,
        "<div class=\"card\"><div class=\"v\">{}</div><div class=\"k\">{}</div></div>",
        esc(value),
        esc(label)
    );
}

/// The same rows the Markdown report uses: (moves, purchases, renewal, findings counts).
pub(crate) fn move_rows(plan: &Plan) -> Vec<Vec<String>> {
    plan.moves
        .iter()
        .map(|m| {
            vec![
                m.from.clone(),
                m.to.clone(),
                m.license.clone(),
                m.quantity.to_string(),
            ]
        })
        .collect()
}

pub(crate) fn purchase_rows(plan: &Plan) -> Vec<Vec<String>> {
    plan.purchases
        .iter()
        .map(|p| {
            vec![
                p.virtual_account.clone(),
                p.license.clone(),
                p.quantity.to_string(),
                money(p.unit_price),
                money(p.cost),
            ]
        })
        .collect()
}

pub(crate) fn renewal_rows(plan: &Plan) -> Vec<Vec<String>> {
    plan.renewal_rows
        .iter()
        .map(|r| {
            vec![
                r.license.clone(),
                r.expiring.to_string(),
                r.recommended.to_string(),
                format!("{:+}", r.change()),
                money(r.unit_price),
                money(i128::from(r.expiring) * r.unit_price),
                money(i128::from(r.recommended) * r.unit_price),
            ]
        })
        .collect()
}

pub(crate) fn finding_counts(plan: &Plan) -> Vec<Vec<String>> {
    let mut by: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    for f in &plan.findings {
        let e = by.entry(f.kind).or_default();
        e.0 += 1;
        e.1 += f.quantity;
    }
    let meaning: BTreeMap<&str, &str> = crate::plan::findings::KINDS.iter().copied().collect();
    by.into_iter()
        .map(|(k, (n, q))| {
            vec![
                k.to_string(),
                meaning.get(k).unwrap_or(&"").to_string(),
                n.to_string(),
                q.to_string(),
            ]
        })
        .collect()
}

/// The first findings, as the report lists them.
pub(crate) fn finding_rows(plan: &Plan) -> Vec<Vec<String>> {
    plan.findings
        .iter()
        .take(MAX_FINDINGS)
        .map(|f| {
            vec![
                f.kind.to_string(),
                format!("{}/{}", f.smart_account, f.virtual_account),
                f.license.clone(),
                f.instance.clone(),
                f.quantity.to_string(),
                f.detail.clone(),
            ]
        })
        .collect()
}

pub(crate) fn headline(plan: &Plan) -> Vec<(String, String)> {
    let cur = &plan.currency;
    let mut v = vec![
        (
            format!("{cur} {}", money(plan.vendor.shortfall_cost)),
            format!(
                "vendor view: {} units short (per VA, {})",
                plan.vendor.shortfall_units, plan.as_of
            ),
        ),
        (
            format!("{cur} {}", money(plan.purchase_cost())),
            format!(
                "must really be bought: {} units (at {})",
                plan.purchase_units(),
                plan.evaluated_at
            ),
        ),
        (
            plan.licences_moved().to_string(),
            format!("licences moved in {} transfers", plan.moves.len()),
        ),
        (
            plan.substituted_units().to_string(),
            "units covered by a higher tier".into(),
        ),
    ];
    if let Some(r) = &plan.renewal {
        v.push((
            format!("{cur} {}", money(r.like_for_like_cost - r.recommended_cost)),
            format!(
                "saved against renewing like for like ({} units expiring, {} recommended)",
                r.expiring_units, r.recommended_units
            ),
        ));
    }
    v
}

/// Renders the report.
pub fn html(plan: &Plan) -> String {
    let cur = &plan.currency;
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{CSS}</style></head><body>",
        esc(&format!("reallot plan: {} ({})", plan.case, plan.scenario))
    );
    let _ = write!(
        o,
        "<h1>{}</h1><p class=\"sub\">Scenario <b>{}</b> · data as of {} · evaluated at {} · status {}</p>",
        esc(&plan.case),
        esc(&plan.scenario),
        plan.as_of,
        plan.evaluated_at,
        plan.status.as_str()
    );
    o.push_str("<section id=\"headline\"><h2>Headline</h2><div class=\"cards\">");
    for (v, k) in headline(plan) {
        card(&mut o, &v, &k);
    }
    o.push_str("</div></section>");
    o.push_str("<section id=\"waterfall\"><h2>Savings waterfall</h2>");
    if plan.waterfall.is_empty() {
        o.push_str("<p class=\"note\">No waterfall: the plan is not optimal.</p>");
    } else {
        let _ = write!(
            o,
            "<div class=\"chart\">{}</div><div class=\"chart\">{}</div>",
            plot::waterfall_svg(&plan.waterfall, Measure::Money, cur),
            plot::waterfall_svg(&plan.waterfall, Measure::Units, cur)
        );
    }
    o.push_str("</section>");
    o.push_str("<section id=\"moves\"><h2>Moves</h2><p>Transfers of existing licences between VAs of one pool (CSSM self-service; request bodies in transfers.json).</p>");
    table(
        &mut o,
        &["from VA", "to VA", "licence", "quantity"],
        &[false, false, false, true],
        &move_rows(plan),
        Some(vec![
            "Total".into(),
            String::new(),
            String::new(),
            plan.licences_moved().to_string(),
        ]),
        "moves.csv",
    );
    o.push_str("</section><section id=\"purchases\"><h2>Purchases</h2>");
    table(
        &mut o,
        &[
            "VA",
            "licence",
            "quantity",
            &format!("unit price ({cur})"),
            &format!("cost ({cur})"),
        ],
        &[false, false, true, true, true],
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
    o.push_str("</section><section id=\"renewal\"><h2>Renewal</h2>");
    match &plan.renewal {
        None => o.push_str("<p class=\"note\">No renewal date applies to this scenario.</p>"),
        Some(r) => {
            let _ = write!(
                o,
                "<p>Renewal on {}: renew what the plan buys, drop the rest.</p>",
                r.date
            );
            table(
                &mut o,
                &[
                    "licence",
                    "expiring",
                    "recommended",
                    "change",
                    &format!("unit price ({cur})"),
                    &format!("like for like ({cur})"),
                    &format!("recommended ({cur})"),
                ],
                &[false, true, true, true, true, true, true],
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
    o.push_str("</section><section id=\"findings\"><h2>Findings</h2>");
    table(
        &mut o,
        &["kind", "meaning", "rows", "units"],
        &[false, false, true, true],
        &finding_counts(plan),
        None,
        "findings.csv",
    );
    let rows = finding_rows(plan);
    table(
        &mut o,
        &["kind", "VA", "licence", "instance", "units", "detail"],
        &[false, false, false, false, true, false],
        &rows,
        None,
        "findings.csv",
    );
    if plan.findings.len() > MAX_FINDINGS {
        let _ = write!(o, "<p class=\"note\">The first {MAX_FINDINGS} of {} findings; all of them are in findings.csv.</p>", plan.findings.len());
    }
    o.push_str("</section><section id=\"positions\"><h2>Positions</h2>");
    let _ = write!(
        o,
        "<div class=\"chart\">{}</div><div class=\"chart\">{}</div>",
        plot::positions_svg(plan, 6),
        plot::heatmap_svg(plan, 12)
    );
    o.push_str("</section><section id=\"assumptions\"><h2>Assumptions</h2>");
    let rows: Vec<Vec<String>> = plan
        .assumptions
        .iter()
        .map(|(k, v)| vec![k.clone(), v.clone()])
        .collect();
    table(
        &mut o,
        &["item", "value"],
        &[false, false],
        &rows,
        None,
        "summary.json",
    );
    o.push_str("<p class=\"note\">Figures are optimal for the model in models/README.md; re-check any plan with <code>reallot verify</code>.</p></section></body></html>\n");
    o
}
