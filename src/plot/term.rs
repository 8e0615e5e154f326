//! The term's charts (SPEC §4.2): demand against entitlement per milestone for the
//! schedule lines that cost the most (`plots/term.svg`), and what `compare` adds to a
//! term scenario's bar (the vendor's reading of the term beside it).

use std::collections::BTreeMap;

use plotters::coord::ranged1d::SegmentValue;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    fmt_units, ink, legend, legend_item_width, palette, short_to, slots, svg, text_width,
    DrawResult,
};
use crate::money::{human, Cents};
use crate::plan::{ScheduleRow, TermPlan};

/// Schedule lines (buyer, licence) the term chart shows at most, largest term cost first.
pub(crate) const TERM_TOP: usize = 6;

/// Colours of the term chart's bars.
mod colour {
    use plotters::style::RGBColor;
    /// Demand for the year ahead.
    pub const DEMAND: RGBColor = RGBColor(52, 73, 94);
    /// Existing lots in force at the milestone.
    pub const ENTITLED: RGBColor = super::palette::BEFORE;
    /// Units committed at the start of the term.
    pub const COMMITTED: RGBColor = super::palette::AFTER;
    /// The commitment's growth allowance.
    pub const ALLOWANCE: RGBColor = RGBColor(133, 193, 233);
    /// Add-ons bought so far (co-termed).
    pub const ADDED: RGBColor = RGBColor(230, 126, 34);
}

/// One schedule line (a buyer's licence) over the term's milestones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TermLine<'a> {
    /// The buyer (pool label or `SA/VA`) and the licence.
    pub(crate) account: &'a str,
    /// Licence.
    pub(crate) license: &'a str,
    /// The line's rows, one per milestone in order.
    pub(crate) rows: Vec<&'a ScheduleRow>,
    /// Σ of the rows' costs (each rounded on its own).
    pub(crate) cost: Cents,
}

impl TermLine<'_> {
    /// Units committed at the start.
    fn commit(&self) -> u64 {
        self.rows.iter().map(|r| r.commit).sum()
    }
    /// Units added over the term.
    fn added(&self) -> u64 {
        self.rows.iter().map(|r| r.add).sum()
    }
    /// The highest bar of the line: demand or what is in force, at any milestone.
    fn peak(&self, allowance_bp: u32) -> u64 {
        let commit = self.commit();
        self.rows
            .iter()
            .map(|r| stacked(r, commit, allowance_bp).max(r.demand))
            .max()
            .unwrap_or(0)
    }
}

/// The lines of the schedule, the ones with purchases first by term cost (then units
/// bought, then names); lines with no purchase follow by their largest demand.
pub(crate) fn term_lines(t: &TermPlan) -> Vec<TermLine<'_>> {
    let mut by: BTreeMap<(&str, &str), Vec<&ScheduleRow>> = BTreeMap::new();
    for r in &t.schedule {
        by.entry((r.smart_account.as_str(), r.license.as_str()))
            .or_default()
            .push(r);
    }
    let mut lines: Vec<TermLine<'_>> = by
        .into_iter()
        .map(|((account, license), mut rows)| {
            rows.sort_by_key(|r| r.milestone);
            let cost = rows.iter().map(|r| r.cost).sum();
            TermLine {
                account,
                license,
                rows,
                cost,
            }
        })
        .collect();
    let key = |l: &TermLine<'_>| {
        let bought = l.commit() + l.added();
        let peak = l.rows.iter().map(|r| r.demand).max().unwrap_or(0);
        (
            std::cmp::Reverse(bought > 0),
            std::cmp::Reverse(l.cost),
            std::cmp::Reverse(bought),
            std::cmp::Reverse(peak),
        )
    };
    lines.sort_by(|a, b| {
        key(a)
            .cmp(&key(b))
            .then_with(|| (a.account, a.license).cmp(&(b.account, b.license)))
    });
    lines
}

/// One bar segment of a milestone's entitlement: (units, colour).
type Segment = (u64, RGBColor);

/// What is in force at a milestone of `line`: existing lots, the commitment, its
/// allowance (`allowance_bp` hundredths of a percent of the commitment, rounded down, as
/// the model supplies it) and the add-ons bought so far.
fn in_force(row: &ScheduleRow, commit: u64, allowance_bp: u32) -> [Segment; 4] {
    let allowance =
        u64::try_from(u128::from(commit) * u128::from(allowance_bp) / 10_000).unwrap_or(u64::MAX);
    [
        (row.entitled, colour::ENTITLED),
        (commit, colour::COMMITTED),
        (allowance, colour::ALLOWANCE),
        (row.purchased_to_date.saturating_sub(commit), colour::ADDED),
    ]
}

/// The height of the stacked bar of what is in force at a milestone.
fn stacked(row: &ScheduleRow, commit: u64, allowance_bp: u32) -> u64 {
    in_force(row, commit, allowance_bp)
        .iter()
        .fold(0u64, |a, s| a.saturating_add(s.0))
}

/// The label over a milestone: what is bought there (`commit N` at the start, `+N` later).
fn bought_label(row: &ScheduleRow) -> Option<String> {
    if row.milestone == 0 && row.commit > 0 {
        Some(format!("commit {}", row.commit))
    } else if row.add > 0 {
        Some(format!("+{}", row.add))
    } else {
        None
    }
}

/// The height of one panel (one schedule line), in pixels.
const PANEL: u32 = 240;
/// The height of the title, subtitle and legend above the panels.
const HEADER: u32 = 96;

/// Demand against entitlement per milestone for the [`TERM_TOP`] schedule lines that
/// cost the most: per milestone, the year-ahead demand beside what is in force (existing
/// lots, the commitment and its growth allowance, the add-ons so far), each purchase
/// written over its milestone.
pub fn term_svg(t: &TermPlan, currency: &str, allowance_bp: u32) -> String {
    svg(|buf| draw_term(buf, t, currency, allowance_bp))
}

/// The geometry of the term chart: the value-axis width and the canvas width (wide
/// enough for every milestone's slot to hold its labels).
struct Layout {
    axis: u32,
    width: u32,
}

impl Layout {
    fn of(t: &TermPlan, lines: &[TermLine<'_>], top: u64, currency: &str) -> Layout {
        let widest = lines
            .iter()
            .flat_map(|l| l.rows.iter().filter_map(|r| bought_label(r)))
            .map(|s| text_width(&s, 12))
            .chain([text_width("2029-03-31", 12)])
            .max()
            .unwrap_or(0);
        let slot = (widest + 24).max(120);
        let axis = (text_width(&top.to_string(), 12) + 40).max(90);
        let n = t.dates.len().max(1) as u32;
        // Wide enough for the captions' full names, up to a point (then they are cut).
        let captions = lines
            .iter()
            .map(|l| {
                let names = format!("{} · {}", l.account, l.license);
                text_width(&names, 14) + text_width(&caption_tail(l, currency), 14) + 48
            })
            .max()
            .unwrap_or(0)
            .min(1400);
        let width = (2 * 16 + axis + n * slot).max(900).max(captions);
        Layout { axis, width }
    }
}

fn draw_term(buf: &mut String, t: &TermPlan, currency: &str, allowance_bp: u32) -> DrawResult<()> {
    let all = term_lines(t);
    let lines = &all[..all.len().min(TERM_TOP)];
    let top = lines
        .iter()
        .map(|l| l.peak(allowance_bp))
        .max()
        .unwrap_or(0);
    let layout = Layout::of(t, lines, top, currency);
    let height = HEADER + PANEL * lines.len().max(1) as u32 + 8;
    let root = SVGBackend::with_string(buf, (layout.width, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let (head, body) = root.split_vertically(HEADER);
    header(
        &head,
        layout.width,
        (lines.len(), all.len()),
        (t.months, allowance_bp > 0),
    )?;
    let panels = body.split_evenly((lines.len().max(1), 1));
    for (line, area) in lines.iter().zip(&panels) {
        panel(area, line, &layout, currency, allowance_bp)?;
    }
    root.present()?;
    Ok(())
}

/// The title, a line saying which schedule lines are shown, and the legend.
fn header(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    width: u32,
    (shown, all): (usize, usize),
    (months, allowance): (u32, bool),
) -> DrawResult<()> {
    let mid = width as i32 / 2;
    area.draw(&Text::new(
        format!("{months}-month term: demand against entitlement per milestone (units)"),
        (mid, 12),
        ink(20).pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    let which = if shown < all {
        format!(
            "the {shown} of {all} schedule lines that cost the most; every line is in schedule.csv"
        )
    } else {
        format!("all {all} schedule lines, largest term cost first (schedule.csv)")
    };
    area.draw(&Text::new(
        which,
        (mid, 40),
        ink(13).pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    let items: Vec<(RGBColor, &str)> = [
        (colour::DEMAND, "demand (year ahead)"),
        (colour::ENTITLED, "existing lots in force"),
        (colour::COMMITTED, "committed at the start"),
        (colour::ALLOWANCE, "growth allowance"),
        (colour::ADDED, "added so far (co-termed)"),
    ]
    .into_iter()
    .filter(|(_, label)| allowance || *label != "growth allowance")
    .collect();
    let total: i32 = items.iter().map(|(_, l)| legend_item_width(l, 20)).sum();
    let x = (mid - total / 2).max(16);
    legend(area, &items, x, (66, 12), 20)
}

/// What a panel's caption says after the names: what the line commits and adds, and its
/// cost over the term.
fn caption_tail(line: &TermLine<'_>, currency: &str) -> String {
    format!(
        ": commit {}, add {} units; {} over the term",
        line.commit(),
        line.added(),
        human(currency, line.cost)
    )
}

/// One schedule line: its caption (buyer · licence, what it commits and adds, its cost),
/// then per milestone the demand bar and the stacked entitlement bar.
fn panel(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    line: &TermLine<'_>,
    layout: &Layout,
    currency: &str,
    allowance_bp: u32,
) -> DrawResult<()> {
    let commit = line.commit();
    let tail = caption_tail(line, currency);
    let room = (layout.width.saturating_sub(40) as f64 / (14.0 * super::EM_PER_CHAR)) as usize;
    let names = room.saturating_sub(tail.chars().count() + 3).max(12);
    // The shorter name whole when it fits in half the room, the longer one in the rest.
    let (a, l) = (line.account.chars().count(), line.license.chars().count());
    let (ka, kl) = if a + l <= names {
        (a, l)
    } else if a <= l {
        let ka = a.min(names / 2);
        (ka, names - ka)
    } else {
        let kl = l.min(names / 2);
        (names - kl, kl)
    };
    let caption = format!(
        "{} · {}{tail}",
        short_to(line.account, ka),
        short_to(line.license, kl)
    );
    let n = line.rows.len().max(1);
    let top = line.peak(allowance_bp).max(1) as f64 * 1.25;
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ink(14))
        .margin(16)
        .margin_top(10)
        .x_label_area_size(24)
        .y_label_area_size(layout.axis)
        .build_cartesian_2d(slots(n).into_segmented(), 0f64..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        // Never 0 labels: plotters loops forever computing zero key points.
        .x_labels(1)
        .x_label_formatter(&|_| String::new())
        .y_labels(4)
        .y_desc("units")
        .y_label_formatter(&|v| fmt_units(*v))
        .label_style(ink(12))
        .draw()?;
    let px = |i: usize, v: f64| chart.backend_coord(&(SegmentValue::Exact(i), v));
    for (i, row) in line.rows.iter().enumerate() {
        let (x0, base) = px(i, 0.0);
        let (x1, _) = px(i + 1, 0.0);
        let w = x1 - x0;
        let gap = (w / 8).max(4);
        let mid = x0 + w / 2;
        let y = |v: u64| px(i, v as f64).1;
        let (lx, ly) = (area.get_base_pixel().0, area.get_base_pixel().1);
        let local = |(x, y): (i32, i32)| (x - lx, y - ly);
        if row.demand > 0 {
            area.draw(&Rectangle::new(
                [local((x0 + gap, y(row.demand))), local((mid - 2, base))],
                colour::DEMAND.filled(),
            ))?;
        }
        let mut level = 0u64;
        for (units, c) in in_force(row, commit, allowance_bp) {
            if units == 0 {
                continue;
            }
            let next = level.saturating_add(units);
            area.draw(&Rectangle::new(
                [local((mid + 2, y(next))), local((x1 - gap, y(level)))],
                c.filled(),
            ))?;
            level = next;
        }
        if let Some(label) = bought_label(row) {
            let peak = level.max(row.demand);
            area.draw(&Text::new(
                label,
                local((mid, y(peak) - 4)),
                ink(12).pos(Pos::new(HPos::Center, VPos::Bottom)),
            ))?;
        }
        area.draw(&Text::new(
            row.date.to_string(),
            local((mid, base + 6)),
            ink(12).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
    Ok(())
}

/// A term scenario's figures in the comparison chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermBar {
    /// The term in months.
    pub months: u32,
    /// The vendor's reading of the term, in cents.
    pub vendor_cost: Cents,
    /// vendor_cost − the scenario's term cost, in cents.
    pub savings: Cents,
}

/// The lines a term scenario's bar adds: the term, and the vendor's reading with the
/// saving against it.
pub(crate) fn term_value_lines(t: &TermBar, currency: &str) -> Vec<String> {
    vec![
        format!("{}-month term · vendor (outline):", t.months),
        format!(
            "{} · saves {}",
            human(currency, t.vendor_cost),
            crate::money::grouped(t.savings)
        ),
    ]
}
