//! `report.html`: one self-contained page (inline CSS and SVG, no scripts, no network)
//! with the headline figures, the waterfall, moves, purchases, renewal, findings, charts
//! and assumptions.

use std::fmt::Write as _;

use crate::plan::Plan;
use crate::plot::Charts;
use crate::report::table::{Cell, Table};
use crate::report::views;

use crate::report::views::{MAX_FINDINGS, MAX_ROWS};

/// Escapes text for HTML.
pub(crate) fn esc(s: &str) -> String {
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

/// Writes `table` as an HTML table: at most [`MAX_ROWS`] rows, then its total row, then a
/// note naming the file with every row when some are not shown.
fn table(out: &mut String, table: &Table) {
    table_ending(out, table, None);
}

/// [`table`], with `total` as its total row instead of the sums of its rows.
fn table_ending(out: &mut String, table: &Table, total: Option<&[Cell]>) {
    out.push_str("<table><thead><tr>");
    for h in table.headers() {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for r in table.rows.iter().take(MAX_ROWS) {
        row(out, table, "<tr>", r);
    }
    if let Some(total) = total {
        row(out, table, "<tr class=\"total\">", total);
    } else if table.totals {
        row(out, table, "<tr class=\"total\">", &table.total_row());
    }
    out.push_str("</tbody></table>");
    let n = table.len();
    if n > MAX_ROWS {
        let _ = write!(
            out,
            "<p class=\"note\">Showing {MAX_ROWS} of {n} rows; all of them are in {}.</p>",
            table.source
        );
    }
}

/// One row: figures right-aligned (class `n`), every cell escaped.
fn row(out: &mut String, table: &Table, open: &str, cells: &[Cell]) {
    out.push_str(open);
    for (col, c) in table.columns.iter().zip(cells) {
        let class = if col.kind.is_figure() {
            " class=\"n\""
        } else {
            ""
        };
        let _ = write!(out, "<td{class}>{}</td>", esc(&c.shown(col.kind)));
    }
    out.push_str("</tr>");
}

fn card(out: &mut String, value: &str, label: &str) {
    let _ = write!(
        out,
        "<div class=\"card\"><div class=\"v\">{}</div><div class=\"k\">{}</div></div>",
        esc(value),
        esc(label)
    );
}

/// Renders the report, charts included (rendered here; [`page`] takes them ready-made).
pub fn html(plan: &Plan) -> String {
    page(plan, &Charts::of(plan))
}

/// Renders the report around charts already rendered for `plots/`.
pub(crate) fn page(plan: &Plan, charts: &Charts) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{CSS}</style></head><body>",
        esc(&format!("reallot plan: {} ({})", plan.case, plan.scenario))
    );
    let name = format!("<b>{}</b>", esc(&plan.scenario));
    let _ = write!(
        o,
        "<h1>{}</h1><p class=\"sub\">{}</p>",
        esc(&plan.case),
        views::subtitle(plan, &name)
    );
    o.push_str("<section id=\"headline\"><h2>Headline</h2><div class=\"cards\">");
    for (v, k) in views::headline(plan) {
        card(&mut o, &v, &k);
    }
    o.push_str("</div></section>");
    term_section(&mut o, plan, charts);
    o.push_str("<section id=\"waterfall\"><h2>Savings waterfall</h2>");
    if plan.waterfall.is_empty() && plan.term.is_some() {
        o.push_str("<p class=\"note\">No single-date waterfall for a term plan: the Term section above has its figures.</p>");
    } else if plan.waterfall.is_empty() {
        o.push_str("<p class=\"note\">No waterfall: the plan is not optimal.</p>");
    } else {
        charts_pair(&mut o, &charts.waterfall_money, &charts.waterfall_units);
    }
    o.push_str("</section>");
    o.push_str("<section id=\"moves\"><h2>Moves</h2><p>Transfers of existing licences between VAs of one pool (CSSM self-service; request bodies in transfers.json).</p>");
    table(&mut o, &views::moves(plan));
    o.push_str("</section><section id=\"purchases\"><h2>Purchases</h2>");
    table(&mut o, &views::purchases(plan));
    o.push_str("</section><section id=\"renewal\"><h2>Renewal</h2>");
    match &plan.tables.renewal {
        None => o.push_str("<p class=\"note\">No renewal date applies to this scenario.</p>"),
        Some(r) => {
            let _ = write!(
                o,
                "<p>Renewal on {}: renew what the plan buys, drop the rest.</p>",
                r.date
            );
            table(&mut o, &views::renewal(plan));
        }
    }
    o.push_str("</section><section id=\"findings\"><h2>Findings</h2>");
    table(&mut o, &views::finding_counts(plan));
    table(&mut o, &views::finding_rows(plan));
    if plan.tables.findings.len() > MAX_FINDINGS {
        let _ = write!(o, "<p class=\"note\">The first {MAX_FINDINGS} of {} findings; all of them are in findings.csv.</p>", plan.tables.findings.len());
    }
    o.push_str("</section>");
    ea_section(&mut o, plan);
    o.push_str("<section id=\"positions\"><h2>Positions</h2>");
    charts_pair(&mut o, &charts.positions, &charts.heatmap);
    o.push_str("</section><section id=\"assumptions\"><h2>Assumptions</h2>");
    table(&mut o, &views::assumptions(plan));
    o.push_str("<p class=\"note\">Figures are optimal for the model in models/README.md; re-check any plan with <code>reallot verify</code>.</p></section></body></html>\n");
    o
}

/// The "Enterprise Agreement" section (SPEC §4.3), only when the case has `ea.csv`.
fn ea_section(o: &mut String, plan: &Plan) {
    if plan.ea.is_empty() {
        return;
    }
    let _ = write!(
        o,
        "<section id=\"ea\"><h2>Enterprise Agreement</h2><p>{}</p><h3>Entitled, not generated</h3>",
        esc(&super::ea::intro(plan))
    );
    table(o, &super::ea::not_generated(plan));
    o.push_str("<h3>True-forward exposure</h3>");
    table(o, &super::ea::exposure(plan));
    o.push_str("</section>");
}

/// The Term section of a term plan (SPEC §4.2): the term in a sentence, the figures per
/// milestone with the term's totals, the chart and the schedule. Nothing for a
/// single-date plan.
fn term_section(out: &mut String, plan: &Plan, charts: &Charts) {
    use crate::report::term;
    let Some(t) = &plan.term else { return };
    let cur = &plan.currency;
    let _ = write!(
        out,
        "<section id=\"term\"><h2>Term</h2><p>{}</p>",
        esc(&term::sentence(t, cur))
    );
    let (milestones, total) = term::milestones_view(t, cur);
    table_ending(out, &milestones, Some(&total));
    if let Some(note) = term::rounding_note(t) {
        let _ = write!(out, "<p class=\"note\">{}</p>", esc(&note));
    }
    if let Some(svg) = &charts.term {
        let _ = write!(out, "<div class=\"chart\">{svg}</div>");
    }
    out.push_str("<h3>Schedule</h3><p>Per buyer (a pool, or a VA buying on its own) and licence, at each milestone: demand for the year ahead, existing lots in force, the units committed or added there, the units purchased so far and the line's cost.</p>");
    table(out, &term::schedule_view(t, cur));
    out.push_str("</section>");
}

/// Two charts, inline. The SVG goes in as rendered (the files in `plots/` pass through
/// [`crate::plot::xml_safe`]; the page never did, and keeps its bytes).
fn charts_pair(out: &mut String, first: &str, second: &str) {
    let _ = write!(
        out,
        "<div class=\"chart\">{first}</div><div class=\"chart\">{second}</div>"
    );
}
