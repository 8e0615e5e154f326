//! `report.html`: one self-contained page (inline CSS and SVG, no scripts, no network)
//! with the headline figures, the waterfall, moves, purchases, renewal, findings, charts
//! and assumptions.

use std::fmt::Write as _;

use crate::plan::Plan;
use crate::plot::Charts;
use crate::report::outline::{outline, Block, Excerpt, Format, Section};
use crate::report::table::{Cell, Table};
use crate::report::views;

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

/// Writes `table` as an HTML table, as much of it as [`Excerpt`] shows, the note in small
/// print; `total` is its total row when given.
fn table(out: &mut String, table: &Table, total: Option<&[Cell]>) {
    let shown = Excerpt::of(table, total);
    out.push_str("<table><thead><tr>");
    for h in table.headers() {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for r in shown.rows {
        row(out, table, "<tr>", r);
    }
    if let Some(total) = &shown.total {
        row(out, table, "<tr class=\"total\">", total);
    }
    out.push_str("</tbody></table>");
    if let Some(more) = &shown.more {
        let _ = write!(out, "<p class=\"note\">{more}</p>");
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
    page(plan, &Charts::of(plan), &outline(plan))
}

/// Renders the report's `sections` around charts already rendered for `plots/`.
pub(crate) fn page(plan: &Plan, charts: &Charts, sections: &[Section]) -> String {
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
    for s in sections {
        let _ = write!(o, "<section id=\"{}\"><h2>{}</h2>", s.id, s.title);
        for b in s.blocks.iter().filter_map(|b| b.shown_in(Format::Html)) {
            block(&mut o, b, charts);
        }
        o.push_str("</section>");
    }
    o.push_str("</body></html>\n");
    o
}

/// One block of a section; charts inlined from `charts`.
fn block(o: &mut String, b: &Block, charts: &Charts) {
    match b {
        Block::Cards(cards) => {
            o.push_str("<div class=\"cards\">");
            for (v, k) in cards {
                card(o, v, k);
            }
            o.push_str("</div>");
        }
        Block::Para(text) => {
            let _ = write!(o, "<p>{}</p>", esc(text));
        }
        Block::Note(text) | Block::Absent(text) => {
            let _ = write!(o, "<p class=\"note\">{}</p>", esc(text));
        }
        Block::Sub(title) => {
            let _ = write!(o, "<h3>{}</h3>", esc(title));
        }
        Block::Table(t, total) => table(o, t, total.as_deref()),
        Block::Charts(shown) => {
            // The SVG goes in as rendered (the files in `plots/` pass through
            // [`crate::plot::xml_safe`]; the page never did, and keeps its bytes).
            for svg in shown.iter().filter_map(|&c| charts.get(c)) {
                let _ = write!(o, "<div class=\"chart\">{svg}</div>");
            }
        }
        Block::Html(markup) => o.push_str(markup),
        Block::Only(..) => {}
    }
}
