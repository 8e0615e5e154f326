//! The report's document outline, written once for `report.html` and `report.md`: its
//! sections in order, their titles, and what each shows (text, notes, tables, charts).
//! Each format supplies only its syntax (`html.rs`, `markdown.rs`), as hyperfine's
//! exporters render one table each in their own row syntax.
//!
//! The two reports have never shown quite the same content: what one format shows and the
//! other does not is marked here with [`Block::Only`] (or [`Block::Html`]), so every
//! difference between them is in this one place.

use crate::plan::Plan;
use crate::plot::Charts;
use crate::report::table::{Cell, Table};
use crate::report::views::{self, MAX_FINDINGS};
use crate::report::{ea, term};

/// One of the two report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// `report.html`.
    Html,
    /// `report.md`.
    Markdown,
}

/// A chart of the report: `report.html` inlines its SVG, `report.md` links its file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Chart<'a> {
    /// The rendered SVG; `None` when it was not rendered (the Markdown report links the
    /// files of `plots/` and renders nothing).
    pub(crate) svg: Option<&'a str>,
    /// The file in `plots/`.
    pub(crate) file: &'static str,
    /// What it shows, in words (Markdown's image text).
    pub(crate) alt: &'static str,
}

/// What a section shows, in order.
#[derive(Debug, Clone)]
pub(crate) enum Block<'a> {
    /// The headline figures, as (value, what it means).
    Cards(Vec<(String, String)>),
    /// A paragraph (escaped by the format).
    Para(String),
    /// A remark in small print (escaped by the format).
    Note(String),
    /// Why a section has nothing to show: small print in HTML, a plain line in Markdown.
    Absent(&'static str),
    /// A sub-heading.
    Sub(&'static str),
    /// A table; its total row when it is not the sums of its rows.
    Table(Table, Option<Vec<Cell>>),
    /// Charts, side by side.
    Charts(Vec<Chart<'a>>),
    /// Markup that only the HTML page holds, written as it is.
    Html(&'static str),
    /// A block only one format shows.
    Only(Format, Box<Block<'a>>),
}

impl Block<'_> {
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
pub(crate) struct Section<'a> {
    /// The HTML anchor.
    pub(crate) id: &'static str,
    /// The heading.
    pub(crate) title: &'static str,
    /// What it shows.
    pub(crate) blocks: Vec<Block<'a>>,
}

fn only(format: Format, block: Block<'_>) -> Block<'_> {
    Block::Only(format, Box::new(block))
}

fn table<'a>(t: Table) -> Block<'a> {
    Block::Table(t, None)
}

fn section<'a>(id: &'static str, title: &'static str, blocks: Vec<Block<'a>>) -> Section<'a> {
    Section { id, title, blocks }
}

/// The sections of the report on `plan`, in order. `charts` are the rendered charts the
/// HTML page inlines (`None` for the Markdown report, which links the files).
pub(crate) fn outline<'a>(plan: &Plan, charts: Option<&'a Charts>) -> Vec<Section<'a>> {
    let chart = |svg: Option<&'a String>, file, alt| Chart {
        svg: svg.map(String::as_str),
        file,
        alt,
    };
    let mut sections = vec![section(
        "headline",
        "Headline",
        vec![Block::Cards(views::headline(plan))],
    )];
    sections.extend(term_section(plan, charts));
    let waterfall = Block::Charts(vec![
        chart(
            charts.map(|c| &c.waterfall_money),
            "plots/waterfall-money.svg",
            "Savings waterfall",
        ),
        chart(
            charts.map(|c| &c.waterfall_units),
            "plots/waterfall-units.svg",
            "Savings waterfall, units",
        ),
    ]);
    sections.push(waterfall_section(plan, waterfall));
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
        vec![Block::Charts(vec![
            chart(
                charts.map(|c| &c.positions),
                "plots/positions.svg",
                "Positions before and after",
            ),
            chart(
                charts.map(|c| &c.heatmap),
                "plots/heatmap.svg",
                "Balance heat map",
            ),
        ])],
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
fn term_section<'a>(plan: &Plan, charts: Option<&'a Charts>) -> Option<Section<'a>> {
    let t = plan.term.as_ref()?;
    let cur = &plan.currency;
    let (milestones, total) = term::milestones_view(t, cur);
    let mut blocks = vec![
        Block::Para(term::sentence(t, cur)),
        Block::Table(milestones, Some(total)),
    ];
    blocks.extend(term::rounding_note(t).map(Block::Note));
    blocks.push(Block::Charts(vec![Chart {
        svg: charts.and_then(|c| c.term.as_deref()),
        file: "plots/term.svg",
        alt: "Term: demand against entitlement per milestone",
    }]));
    blocks.push(Block::Sub("Schedule"));
    blocks.push(Block::Html("<p>Per buyer (a pool, or a VA buying on its own) and licence, at each milestone: demand for the year ahead, existing lots in force, the units committed or added there, the units purchased so far and the line's cost.</p>"));
    blocks.push(table(term::schedule_view(t, cur)));
    Some(section("term", "Term", blocks))
}

/// The savings waterfall: its `charts`, which `report.md` follows with the figures as a
/// table; for a term plan or a plan that is not optimal, why there is none (`report.md`
/// has only ever said it for a term plan).
fn waterfall_section<'a>(plan: &Plan, charts: Block<'a>) -> Section<'a> {
    let blocks = if plan.waterfall.is_empty() && plan.term.is_some() {
        vec![Block::Absent(
            "No single-date waterfall for a term plan: the Term section above has its figures.",
        )]
    } else {
        let figures = only(Format::Markdown, table(views::waterfall(plan)));
        if plan.waterfall.is_empty() {
            let none = Block::Absent("No waterfall: the plan is not optimal.");
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
fn renewal_section<'a>(plan: &Plan) -> Section<'a> {
    let blocks = match &plan.tables.renewal {
        None => vec![Block::Absent("No renewal date applies to this scenario.")],
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
fn ea_section<'a>(plan: &Plan) -> Option<Section<'a>> {
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
