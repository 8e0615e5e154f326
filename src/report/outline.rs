//! The report's document outline, written once for `report.html` and `report.md`: its
//! sections in order, their titles, and what each shows (text, notes, tables, charts).
//! Each format supplies only its syntax (`html.rs`, `markdown.rs`), as hyperfine's
//! exporters render one table each in their own row syntax.
//!
//! The two reports have never shown quite the same content: what one format shows and the
//! other does not is marked here with [`Block::Only`] (or [`Block::Html`]), so every
//! difference between them is in this one place.

use std::borrow::Cow;

use crate::plan::Plan;
use crate::plot::Chart;
use crate::report::table::{Cell, Table};
use crate::report::views::{self, MAX_FINDINGS, MAX_ROWS};
use crate::report::{ea, term};

/// One of the two report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// `report.html`.
    Html,
    /// `report.md`.
    Markdown,
}

/// What a section shows, in order.
#[derive(Debug, Clone)]
pub(crate) enum Block {
    /// The headline figures, as (value, what it means).
    Cards(Vec<(String, String)>),
    /// A paragraph (escaped by the format).
    Para(String),
    /// A remark in small print (escaped by the format).
    Note(String),
    /// Why a section has nothing to show: small print in HTML, a plain line in Markdown.
    Absent(String),
    /// A sub-heading.
    Sub(&'static str),
    /// A table; its total row when it is not the sums of its rows.
    Table(Table, Option<Vec<Cell>>),
    /// Charts, side by side: `report.html` inlines their SVG, `report.md` links their
    /// files in `plots/`.
    Charts(Vec<Chart>),
    /// Markup that only the HTML page holds, written as it is.
    Html(&'static str),
    /// A block only one format shows.
    Only(Format, Box<Block>),
}

impl Block {
    /// The block as `format` shows it, if it shows it.
    pub(crate) fn shown_in(&self, format: Format) -> Option<&Self> {
        match self {
            Block::Only(f, b) if *f == format => b.shown_in(format),
            Block::Only(..) => None,
            Block::Html(_) if format != Format::Html => None,
            b => Some(b),
        }
    }
}

/// A section of the report: an anchor (HTML's `id`), its title and what it shows.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    /// The HTML anchor.
    pub(crate) id: &'static str,
    /// The heading.
    pub(crate) title: &'static str,
    /// What it shows.
    pub(crate) blocks: Vec<Block>,
}

/// A table as both reports show it: at most [`MAX_ROWS`] of its rows, then its total row,
/// then, when rows are left out, a note naming the file that holds them all.
pub(crate) struct Excerpt<'t> {
    /// The rows shown.
    pub(crate) rows: &'t [Vec<Cell>],
    /// The total row: the one given, else the sums of every row when the table has totals.
    pub(crate) total: Option<Cow<'t, [Cell]>>,
    /// The note when rows are left out.
    pub(crate) more: Option<String>,
}

impl<'t> Excerpt<'t> {
    /// What a report shows of `table`, with `total` as its total row when given.
    pub(crate) fn of(table: &'t Table, total: Option<&'t [Cell]>) -> Self {
        let total = match total {
            Some(t) => Some(Cow::Borrowed(t)),
            None => table.totals.then(|| Cow::Owned(table.total_row())),
        };
        let n = table.len();
        let more = (n > MAX_ROWS).then(|| {
            format!(
                "Showing {MAX_ROWS} of {n} rows; all of them are in {}.",
                table.source
            )
        });
        Excerpt {
            rows: &table.rows[..table.rows.len().min(MAX_ROWS)],
            total,
            more,
        }
    }
}

fn only(format: Format, block: Block) -> Block {
    Block::Only(format, Box::new(block))
}

fn table(t: Table) -> Block {
    Block::Table(t, None)
}

fn section(id: &'static str, title: &'static str, blocks: Vec<Block>) -> Section {
    Section { id, title, blocks }
}

/// The sections of the report on `plan`, in order.
pub(crate) fn outline(plan: &Plan) -> Vec<Section> {
    let mut sections = vec![section(
        "headline",
        "Headline",
        vec![Block::Cards(views::headline(plan))],
    )];
    sections.extend(term_section(plan));
    sections.push(waterfall_section(plan));
    sections.push(section("moves", "Moves", vec![
        Block::Html("<p>Transfers of existing licences between VAs of one pool (CSSM self-service; request bodies in transfers.json).</p>"),
        table(views::moves(plan)),
    ]));
    sections.push(section(
        "purchases",
        "Purchases",
        vec![table(views::purchases(plan))],
    ));
    sections.push(renewal_section(plan));
    let mut findings = vec![
        table(views::finding_counts(plan)),
        table(views::finding_rows(plan)),
    ];
    let n = plan.tables.findings.len();
    if n > MAX_FINDINGS {
        findings.push(only(
            Format::Html,
            Block::Note(format!(
                "The first {MAX_FINDINGS} of {n} findings; all of them are in findings.csv."
            )),
        ));
    }
    sections.push(section("findings", "Findings", findings));
    sections.extend(ea_section(plan));
    sections.push(section(
        "positions",
        "Positions",
        vec![Block::Charts(vec![Chart::Positions, Chart::Heatmap])],
    ));
    sections.push(section("assumptions", "Assumptions", vec![
        table(views::assumptions(plan)),
        Block::Html("<p class=\"note\">Figures are optimal for the model in models/README.md; re-check any plan with <code>reallot verify</code>.</p>"),
    ]));
    sections
}

/// The Term section of a term plan (SPEC §4.2): the term in a sentence, the figures per
/// milestone with the term's totals, the chart and the schedule. Nothing for a
/// single-date plan.
fn term_section(plan: &Plan) -> Option<Section> {
    let t = plan.term.as_ref()?;
    let cur = &plan.currency;
    let (milestones, total) = term::milestones_view(t, cur);
    let mut blocks = vec![
        Block::Para(term::sentence(t, cur)),
        Block::Table(milestones, Some(total)),
    ];
    blocks.extend(term::rounding_note(t).map(Block::Note));
    blocks.push(Block::Charts(vec![Chart::Term]));
    blocks.push(Block::Sub("Schedule"));
    blocks.push(Block::Html("<p>Per buyer (a pool, or a VA buying on its own) and licence, at each milestone: demand for the year ahead, existing lots in force, the units committed or added there, the units purchased so far and the line's cost.</p>"));
    blocks.push(table(term::schedule_view(t, cur)));
    Some(section("term", "Term", blocks))
}

/// The savings waterfall: its charts, which `report.md` follows with the figures as a
/// table; for a term plan or a plan that is not optimal, why there is none (`report.md`
/// has only ever said it for a term plan).
fn waterfall_section(plan: &Plan) -> Section {
    let charts = Block::Charts(vec![Chart::WaterfallMoney, Chart::WaterfallUnits]);
    let blocks = if plan.waterfall.is_empty() && plan.term.is_some() {
        vec![Block::Absent(
            "No single-date waterfall for a term plan: the Term section above has its figures."
                .into(),
        )]
    } else {
        let figures = only(Format::Markdown, table(views::waterfall(plan)));
        if plan.waterfall.is_empty() {
            let none = Block::Absent("No waterfall: the plan is not optimal.".into());
            vec![
                only(Format::Html, none),
                only(Format::Markdown, charts),
                figures,
            ]
        } else {
            vec![charts, figures]
        }
    };
    section("waterfall", "Savings waterfall", blocks)
}

/// The renewal at the renewal date, when one applies. The two formats word it
/// differently, and `report.md` names its money columns without the currency.
fn renewal_section(plan: &Plan) -> Section {
    let blocks = match &plan.tables.renewal {
        None => vec![Block::Absent(
            "No renewal date applies to this scenario.".into(),
        )],
        Some(r) => vec![
            only(
                Format::Html,
                Block::Para(format!(
                    "Renewal on {}: renew what the plan buys, drop the rest.",
                    r.date
                )),
            ),
            only(
                Format::Markdown,
                Block::Para(format!("Renewal on {}.", r.date)),
            ),
            only(Format::Html, table(views::renewal(plan))),
            only(Format::Markdown, table(markdown_renewal(plan))),
        ],
    };
    section("renewal", "Renewal", blocks)
}

/// The renewal view with the Markdown report's own money headers. Quirk kept for byte
/// identity: unlike the HTML page, `report.md` has always named them without the currency.
fn markdown_renewal(plan: &Plan) -> Table {
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

/// The "Enterprise Agreement" section (SPEC §4.3), only when the case has `ea.csv`.
fn ea_section(plan: &Plan) -> Option<Section> {
    if plan.ea.is_empty() {
        return None;
    }
    Some(section(
        "ea",
        "Enterprise Agreement",
        vec![
            Block::Para(ea::intro(plan)),
            Block::Sub("Entitled, not generated"),
            table(ea::not_generated(plan)),
            Block::Sub("True-forward exposure"),
            table(ea::exposure(plan)),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::table::{row, Column, Kind};

    /// A table of `n` rows of one unit each, with a total.
    fn units(n: usize) -> Table {
        let columns = vec![
            Column::new("licence", Kind::Text),
            Column::new("units", Kind::Count),
        ];
        let rows = (0..n).map(|i| row([format!("L{i}").as_str()], [Cell::count(1)]));
        Table::new(columns, "units.csv")
            .with_rows(rows.collect())
            .with_totals()
    }

    #[test]
    fn an_excerpt_shows_at_most_max_rows_and_totals_them_all() {
        let t = units(MAX_ROWS + 3);
        let e = Excerpt::of(&t, None);
        assert_eq!(e.rows.len(), MAX_ROWS);
        assert_eq!(e.rows[0], t.rows[0]);
        let total = e.total.expect("a table with totals has a total row");
        assert_eq!(total[1], Cell::count(MAX_ROWS as i128 + 3));
        assert_eq!(
            e.more.as_deref(),
            Some(
                format!(
                    "Showing {MAX_ROWS} of {} rows; all of them are in units.csv.",
                    MAX_ROWS + 3
                )
                .as_str()
            )
        );
    }

    #[test]
    fn an_excerpt_of_a_short_table_shows_it_whole_with_the_total_given() {
        let t = units(2);
        let given = row(["Term"], [Cell::count(7)]);
        let e = Excerpt::of(&t, Some(&given));
        assert_eq!(e.rows, t.rows.as_slice());
        assert_eq!(e.total.as_deref(), Some(given.as_slice()));
        assert_eq!(e.more, None);
        let mut plain = units(2);
        plain.totals = false;
        assert_eq!(Excerpt::of(&plain, None).total, None);
    }

    #[test]
    fn a_block_marked_for_one_format_is_hidden_from_the_other() {
        let para = Block::Para("p".into());
        let html_only = only(Format::Html, Block::Note("n".into()));
        let md_only = only(Format::Markdown, Block::Sub("s"));
        let markup = Block::Html("<hr>");
        let shown = |f| {
            [&para, &html_only, &md_only, &markup]
                .into_iter()
                .filter_map(|b| b.shown_in(f))
                .map(|b| format!("{b:?}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            shown(Format::Html),
            [r#"Para("p")"#, r#"Note("n")"#, r#"Html("<hr>")"#]
        );
        assert_eq!(shown(Format::Markdown), [r#"Para("p")"#, r#"Sub("s")"#]);
    }
}
