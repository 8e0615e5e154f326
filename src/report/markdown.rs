//! `report.md`: the report's content as Markdown, for e-mail.

use std::fmt::Write as _;

use crate::plan::Plan;
use crate::report::table::{Cell, Table};
use crate::report::views::{self, MAX_ROWS};

/// Text as Markdown shows it literally: HTML and Markdown syntax characters escaped, so a
/// name like `<script>` or `*x*` is shown as written and never interpreted (README, "Safety").
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

/// Writes `table` as a Markdown table: at most [`MAX_ROWS`] rows, then its total row in
/// bold, then a note naming the file with every row when some are not shown. Headers are
/// written as they are (they are ours, never customer data).
fn table(out: &mut String, table: &Table) {
    table_ending(out, table, None);
}

/// [`table`], with `total` as its total row instead of the sums of its rows.
fn table_ending(out: &mut String, table: &Table, total: Option<&[Cell]>) {
    let headers: Vec<&str> = table.headers().collect();
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let _ = writeln!(out, "|{}|", vec!["---"; headers.len()].join("|"));
    for r in table.rows.iter().take(MAX_ROWS) {
        row(out, table, r, text);
    }
    let sums;
    let total = match total {
        Some(t) => Some(t),
        None if table.totals => {
            sums = table.total_row();
            Some(sums.as_slice())
        }
        None => None,
    };
    if let Some(total) = total {
        row(out, table, total, |c| {
            if c.is_empty() {
                String::new()
            } else {
                format!("**{}**", text(c))
            }
        });
    }
    let n = table.len();
    if n > MAX_ROWS {
        let _ = writeln!(
            out,
            "\n_Showing {MAX_ROWS} of {n} rows; all of them are in {}._",
            table.source
        );
    }
    out.push('\n');
}

/// One row, each cell shown through `style`.
fn row(out: &mut String, table: &Table, cells: &[Cell], style: impl Fn(&str) -> String) {
    let shown: Vec<String> = table
        .columns
        .iter()
        .zip(cells)
        .map(|(col, c)| style(&c.shown(col.kind)))
        .collect();
    let _ = writeln!(out, "| {} |", shown.join(" | "));
}

/// Renders the report as Markdown (charts referenced from the plots/ folder).
pub fn markdown(plan: &Plan) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", text(&plan.case));
    let name = format!("**{}**", text(&plan.scenario));
    let _ = writeln!(o, "{}\n", views::subtitle(plan, &name));
    o.push_str("## Headline\n\n");
    for (v, k) in views::headline(plan) {
        let _ = writeln!(o, "- **{}**: {}", text(&v), text(&k));
    }
    term_section(&mut o, plan);
    if plan.term.is_some() && plan.waterfall.is_empty() {
        o.push_str("\n## Savings waterfall\n\nNo single-date waterfall for a term plan: the Term section above has its figures.\n\n");
    } else {
        o.push_str("\n## Savings waterfall\n\n![Savings waterfall](plots/waterfall-money.svg)\n![Savings waterfall, units](plots/waterfall-units.svg)\n\n");
        table(&mut o, &views::waterfall(plan));
    }
    o.push_str("## Moves\n\n");
    table(&mut o, &views::moves(plan));
    o.push_str("## Purchases\n\n");
    table(&mut o, &views::purchases(plan));
    o.push_str("## Renewal\n\n");
    match &plan.tables.renewal {
        None => o.push_str("No renewal date applies to this scenario.\n\n"),
        Some(r) => {
            let _ = writeln!(o, "Renewal on {}.\n", r.date);
            table(&mut o, &renewal(plan));
        }
    }
    o.push_str("## Findings\n\n");
    table(&mut o, &views::finding_counts(plan));
    table(&mut o, &views::finding_rows(plan));
    ea_section(&mut o, plan);
    o.push_str("## Positions\n\n![Positions before and after](plots/positions.svg)\n![Balance heat map](plots/heatmap.svg)\n\n## Assumptions\n\n");
    table(&mut o, &views::assumptions(plan));
    o
}

/// The "Enterprise Agreement" section (SPEC §4.3), only when the case has `ea.csv`.
fn ea_section(o: &mut String, plan: &Plan) {
    if plan.ea.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "## Enterprise Agreement\n\n{}\n",
        text(&super::ea::intro(plan))
    );
    o.push_str("### Entitled, not generated\n\n");
    table(o, &super::ea::not_generated(plan));
    o.push_str("### True-forward exposure\n\n");
    table(o, &super::ea::exposure(plan));
}

/// The Term section of a term plan (SPEC §4.2): the term in a sentence, the figures per
/// milestone with the term's totals, the chart and the schedule. Nothing for a
/// single-date plan.
fn term_section(o: &mut String, plan: &Plan) {
    use crate::report::term;
    let Some(t) = &plan.term else { return };
    let cur = &plan.currency;
    let _ = writeln!(o, "\n## Term\n\n{}\n", text(&term::sentence(t, cur)));
    let (milestones, total) = term::milestones_view(t, cur);
    table_ending(o, &milestones, Some(&total));
    if let Some(note) = term::rounding_note(t) {
        let _ = writeln!(o, "_{}_\n", text(&note));
    }
    o.push_str(
        "![Term: demand against entitlement per milestone](plots/term.svg)\n\n### Schedule\n\n",
    );
    table(o, &term::schedule_view(t, cur));
}

/// The renewal view with the Markdown report's own money headers. Quirk kept for byte
/// identity: unlike the HTML page, `report.md` has always named them without the currency.
fn renewal(plan: &Plan) -> Table {
    let mut t = views::renewal(plan);
    for (col, header) in t.columns[6..].iter_mut().zip([
        "unit price",
        "like for like cost",
        "vendor quote cost",
        "recommended cost",
    ]) {
        col.header = header.to_string();
    }
    t
}
