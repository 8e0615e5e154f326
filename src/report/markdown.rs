//! `report.md`: the report's content as Markdown, for e-mail.

use std::fmt::Write as _;

use crate::plan::Plan;
use crate::report::outline::{outline, Block, Excerpt, Format, Section};
use crate::report::table::{Cell, Table};
use crate::report::views;

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

/// Writes `table` as a Markdown table, as much of it as [`Excerpt`] shows: the total row
/// in bold (`total` when given), the note in italics. Headers are written as they are
/// (they are ours, never customer data).
fn table(out: &mut String, table: &Table, total: Option<&[Cell]>) {
    let shown = Excerpt::of(table, total);
    let headers: Vec<&str> = table.headers().collect();
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let _ = writeln!(out, "|{}|", vec!["---"; headers.len()].join("|"));
    for r in shown.rows {
        row(out, table, r, text);
    }
    if let Some(total) = &shown.total {
        row(out, table, total, |c| {
            if c.is_empty() {
                String::new()
            } else {
                format!("**{}**", text(c))
            }
        });
    }
    if let Some(more) = &shown.more {
        let _ = writeln!(out, "\n_{more}_");
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
    document(plan, &outline(plan))
}

/// Renders the report's `sections` as Markdown.
pub(crate) fn document(plan: &Plan, sections: &[Section]) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", text(&plan.case));
    let name = format!("**{}**", text(&plan.scenario));
    let _ = writeln!(o, "{}\n", views::subtitle(plan, &name));
    for s in sections {
        // Quirk kept for byte identity: these two headings have always had an empty line
        // before them (after the headline's list, or twice after the Term section).
        if matches!(s.id, "term" | "waterfall") {
            o.push('\n');
        }
        let _ = writeln!(o, "## {}\n", s.title);
        for b in s.blocks.iter().filter_map(|b| b.shown_in(Format::Markdown)) {
            block(&mut o, b);
        }
    }
    o
}

/// One block of a section.
fn block(o: &mut String, b: &Block) {
    match b {
        Block::Cards(cards) => {
            for (v, k) in cards {
                let _ = writeln!(o, "- **{}**: {}", text(v), text(k));
            }
        }
        Block::Para(s) | Block::Absent(s) => {
            let _ = writeln!(o, "{}\n", text(s));
        }
        Block::Note(s) => {
            let _ = writeln!(o, "_{}_\n", text(s));
        }
        Block::Sub(title) => {
            let _ = writeln!(o, "### {title}\n");
        }
        Block::Table(t, total) => table(o, t, total.as_deref()),
        Block::Charts(charts) => {
            for c in charts {
                let _ = writeln!(o, "![{}](plots/{}.svg)", c.title(), c.name());
            }
            o.push('\n');
        }
        Block::Html(_) | Block::Only(..) => {}
    }
}
