//! Charts (SVG with plotters; PNG by rasterising the SVG with resvg and an embedded font):
//! the savings waterfall, per-VA positions before and after the plan, a VA × licence
//! heat map of the balance, scenarios side by side, and for a term plan demand against
//! entitlement per milestone ([`term`]). Deterministic: same plan, same bytes.

use plotters::coord::ranged1d::{SegmentValue, SegmentedCoord};
use plotters::coord::types::{RangedCoordf64, RangedCoordusize};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::money::{grouped, human};
use crate::names::VaNames;
use crate::plan::Plan;

pub mod term;

/// One bar of the waterfall.
use crate::plan::WaterfallStep;

/// Which quantity a waterfall shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Purchase cost, in the case's currency.
    Money,
    /// Purchased units.
    Units,
}

/// Licences the positions chart shows (largest vendor shortfall first).
pub(crate) const POSITIONS_TOP: usize = 6;
/// Licences the heat map shows (largest imbalance first).
pub(crate) const HEATMAP_TOP: usize = 12;

/// A chart of a plan's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Chart {
    /// The savings waterfall in money.
    WaterfallMoney,
    /// The savings waterfall in units.
    WaterfallUnits,
    /// Positions before and after, for the [`POSITIONS_TOP`] licences.
    Positions,
    /// The balance heat map, for the [`HEATMAP_TOP`] licences.
    Heatmap,
    /// Demand against entitlement per milestone, for a term plan only.
    Term,
}

impl Chart {
    /// The name of its files in `plots/` (`<name>.svg`, `<name>.png`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Chart::WaterfallMoney => "waterfall-money",
            Chart::WaterfallUnits => "waterfall-units",
            Chart::Positions => "positions",
            Chart::Heatmap => "heatmap",
            Chart::Term => "term",
        }
    }

    /// What it shows, in words (the text of its image in `report.md`).
    pub(crate) fn title(self) -> &'static str {
        match self {
            Chart::WaterfallMoney => "Savings waterfall",
            Chart::WaterfallUnits => "Savings waterfall, units",
            Chart::Positions => "Positions before and after",
            Chart::Heatmap => "Balance heat map",
            Chart::Term => "Term: demand against entitlement per milestone",
        }
    }
}

/// The charts of a plan's report, rendered once: written to `plots/` and inlined in
/// `report.html`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Charts {
    /// Each chart's SVG, in the order `plots/` is written; [`Chart::Term`] only for a
    /// term plan.
    rendered: Vec<(Chart, String)>,
}

impl Charts {
    /// Renders the charts of `plan`.
    pub(crate) fn of(plan: &Plan) -> Charts {
        let cur = &plan.currency;
        let mut rendered = vec![
            (
                Chart::WaterfallMoney,
                waterfall_svg(&plan.waterfall, Measure::Money, cur),
            ),
            (
                Chart::WaterfallUnits,
                waterfall_svg(&plan.waterfall, Measure::Units, cur),
            ),
            (Chart::Positions, positions_svg(plan, POSITIONS_TOP)),
            (Chart::Heatmap, heatmap_svg(plan, HEATMAP_TOP)),
        ];
        if let Some(t) = &plan.term {
            let allowance = plan.settings.as_ref().map_or(0, |s| s.growth_allowance_bp);
            rendered.push((Chart::Term, term::term_svg(t, cur, allowance)));
        }
        Charts { rendered }
    }

    /// The SVG of `chart`, if it was rendered.
    pub(crate) fn get(&self, chart: Chart) -> Option<&str> {
        self.rendered
            .iter()
            .find(|(c, _)| *c == chart)
            .map(|(_, svg)| svg.as_str())
    }

    /// Each chart with the name of its files in `plots/` (`<name>.svg`, `<name>.png`).
    pub(crate) fn named(&self) -> Vec<(&'static str, &str)> {
        self.rendered
            .iter()
            .map(|(c, svg)| (c.name(), svg.as_str()))
            .collect()
    }
}

/// The palette every chart uses.
pub(crate) mod palette {
    use plotters::style::RGBColor;
    /// Totals (first and last bars).
    pub const TOTAL: RGBColor = RGBColor(31, 78, 121);
    /// A saving (a drop).
    pub const SAVING: RGBColor = RGBColor(46, 139, 87);
    /// An increase.
    pub const INCREASE: RGBColor = RGBColor(192, 57, 43);
    /// Before the plan.
    pub const BEFORE: RGBColor = RGBColor(149, 165, 166);
    /// After the plan.
    pub const AFTER: RGBColor = RGBColor(41, 128, 185);
    /// Text.
    pub const INK: RGBColor = RGBColor(33, 33, 33);
}

/// Shortens a label to `max` characters with an ellipsis.
pub(crate) fn short_to(label: &str, max: usize) -> String {
    crate::names::shorten(label, max)
}

/// Ems per character the layout reserves: DejaVu Sans (the PNG font, and the widest
/// common sans-serif) averages under 0.6 em over names, digits and capitals.
const EM_PER_CHAR: f64 = 0.64;

/// The width in pixels `text` takes at font size `size` (an upper estimate).
pub(crate) fn text_width(text: &str, size: u32) -> u32 {
    (text.chars().count() as f64 * f64::from(size) * EM_PER_CHAR).ceil() as u32
}

/// How many characters fit in `px` pixels at font size `size` (at least 4).
fn chars_in(px: u32, size: u32) -> usize {
    ((f64::from(px) / (f64::from(size) * EM_PER_CHAR)).floor() as usize).max(4)
}

/// Word-wraps `label` into at most `lines` lines of at most `width` characters; a word
/// longer than a line is cut, and text beyond the last line is replaced by an ellipsis.
pub(crate) fn wrap(label: &str, width: usize, lines: usize) -> Vec<String> {
    let width = width.max(2);
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in label.split_whitespace() {
        let chars: Vec<char> = word.chars().collect();
        for piece in chars.chunks(width) {
            let piece: String = piece.iter().collect();
            let n = line.chars().count();
            if n == 0 {
                line = piece;
            } else if n + 1 + piece.chars().count() <= width {
                line.push(' ');
                line.push_str(&piece);
            } else {
                out.push(std::mem::replace(&mut line, piece));
            }
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    if out.len() > lines.max(1) {
        out.truncate(lines.max(1));
        let last = out.last_mut().expect("at least one line");
        let mut kept: String = last.chars().take(width - 1).collect();
        kept.push('…');
        *last = kept;
    }
    out
}

/// `n` category slots: plotters' integer ranges include their end, so `0..n` would add
/// an empty slot.
/// (A single category keeps two slots: plotters cannot place key points on `0..0`.)
fn slots(n: usize) -> std::ops::Range<usize> {
    if n <= 1 {
        0..1
    } else {
        0..n - 1
    }
}

fn fmt_value(v: f64, measure: Measure) -> String {
    match measure {
        Measure::Money => grouped((v * 100.0).round() as i128),
        Measure::Units => format!("{}", v.round() as i64),
    }
}

/// An axis value in units: whole numbers without decimals (`-150`), others with one.
fn fmt_units(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

type DrawResult<T> = Result<T, Box<dyn std::error::Error>>;

/// The SVG document `draw` writes. Drawing into a `String` cannot fail for want of
/// room; an error of plotters' own leaves the document as far as it was drawn.
fn svg(draw: impl FnOnce(&mut String) -> DrawResult<()>) -> String {
    let mut buf = String::new();
    let _ = draw(&mut buf);
    buf
}

/// The smallest size of a column chart (the waterfall, the scenarios), in pixels.
const COLUMN_CHART: (u32, u32) = (900, 440);
/// Pixels a column chart spends beside its columns and value axis (the margins).
const COLUMN_SIDE: u32 = 2 * 16;
/// Font size of the labels under the columns.
const COLUMN_LABEL: u32 = 12;
/// Lines a label under a column wraps to at most.
const COLUMN_LABEL_LINES: usize = 3;

/// The charts' text style: sans-serif at `size` pixels, in ink.
fn ink(size: u32) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&palette::INK)
}

/// The chart a column chart draws its bars on: one slot per column, values from 0 up.
type ColumnChart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<SegmentedCoord<RangedCoordusize>, RangedCoordf64>>;

/// The frame of a column chart: title, one labelled slot per column, a value axis from
/// 0 to `top` described by `unit`. Each column is `slot` pixels wide (see
/// [`ColumnFrame::size`]) and its label wraps onto lines that fit it.
struct ColumnFrame<'l> {
    title: &'l str,
    labels: &'l [String],
    top: f64,
    unit: &'l str,
    slot: u32,
    /// Pixels for the value axis: its labels and its description.
    axis: u32,
}

impl ColumnFrame<'_> {
    /// The width of a slot for `n` columns that must hold `widest` pixels of text: at
    /// least what the smallest chart gives each column.
    fn slot_for(n: usize, widest: u32) -> u32 {
        let n = n.max(1) as u32;
        ((COLUMN_CHART.0 - COLUMN_SIDE - 100) / n)
            .max(widest + 16)
            .max(110)
    }

    /// The width of a value axis whose longest label is `top` (13 px labels, beside the
    /// axis description).
    fn axis_for(top: &str) -> u32 {
        (text_width(top, 13) + 36).max(100)
    }

    /// The canvas: wide enough for the axis and every slot.
    fn size(&self) -> (u32, u32) {
        let n = self.labels.len().max(1) as u32;
        let width = COLUMN_SIDE + self.axis + n * self.slot;
        (width.max(COLUMN_CHART.0), COLUMN_CHART.1)
    }

    /// Each column's label as the lines drawn under it.
    fn label_lines(&self) -> Vec<Vec<String>> {
        let width = chars_in(self.slot - 12, COLUMN_LABEL);
        self.labels
            .iter()
            .map(|l| wrap(l, width, COLUMN_LABEL_LINES))
            .collect()
    }

    /// Fills `root` white and draws the caption, axes and labels; the values on the axis
    /// are written by `value`.
    fn draw<'a, 'b>(
        &self,
        root: &'a DrawingArea<SVGBackend<'b>, Shift>,
        value: &dyn Fn(&f64) -> String,
    ) -> DrawResult<ColumnChart<'a, 'b>> {
        let n = self.labels.len().max(1);
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(root)
            .caption(self.title, ink(22))
            .margin(16)
            .x_label_area_size(12 + 15 * COLUMN_LABEL_LINES as u32)
            .y_label_area_size(self.axis)
            .build_cartesian_2d(slots(n).into_segmented(), 0f64..self.top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            // Never 0 labels: plotters loops forever computing zero key points. The labels
            // themselves are drawn below, wrapped to their slot.
            .x_labels(1)
            .x_label_formatter(&|_| String::new())
            .y_desc(self.unit)
            .y_label_formatter(value)
            .label_style(ink(13))
            .draw()?;
        for (i, lines) in self.label_lines().iter().enumerate() {
            let (x, y) = chart.backend_coord(&(SegmentValue::CenterOf(i), 0.0));
            for (k, line) in lines.iter().enumerate() {
                root.draw(&Text::new(
                    line.clone(),
                    (x, y + 6 + 15 * k as i32),
                    ink(COLUMN_LABEL).pos(Pos::new(HPos::Center, VPos::Top)),
                ))?;
            }
        }
        Ok(chart)
    }
}

/// The savings waterfall: first and last bars full, each step in between drawn as the
/// drop (green) or rise (red) from the bar before it.
pub fn waterfall_svg(steps: &[WaterfallStep], measure: Measure, currency: &str) -> String {
    svg(|buf| draw_waterfall(buf, steps, measure, currency))
}

fn draw_waterfall(
    buf: &mut String,
    steps: &[WaterfallStep],
    measure: Measure,
    currency: &str,
) -> DrawResult<()> {
    let values: Vec<f64> = steps
        .iter()
        .map(|s| match measure {
            Measure::Money => s.cost as f64 / 100.0,
            Measure::Units => s.units as f64,
        })
        .collect();
    let top = values.iter().copied().fold(0.0, f64::max).max(1.0) * 1.15;
    let (title, unit) = match measure {
        Measure::Money => (
            format!("Savings waterfall ({currency})"),
            currency.to_string(),
        ),
        Measure::Units => ("Savings waterfall (units)".to_string(), "units".to_string()),
    };
    let labels: Vec<String> = steps.iter().map(|s| s.label.clone()).collect();
    let widest = values
        .iter()
        .map(|v| text_width(&format!("+{}", fmt_value(*v, measure)), 13))
        .max()
        .unwrap_or(0);
    let frame = ColumnFrame {
        title: &title,
        labels: &labels,
        top,
        unit: &unit,
        slot: ColumnFrame::slot_for(labels.len(), widest),
        axis: ColumnFrame::axis_for(&fmt_value(top, measure)),
    };
    let root = SVGBackend::with_string(buf, frame.size()).into_drawing_area();
    let mut chart = frame.draw(&root, &|v| fmt_value(*v, measure))?;
    let last = values.len().saturating_sub(1);
    let mut bars = Vec::new();
    let mut texts = Vec::new();
    for (i, &v) in values.iter().enumerate() {
        let (lo, hi, color, text) = if i == 0 || i == last {
            (0.0, v, palette::TOTAL, fmt_value(v, measure))
        } else {
            let prev = values[i - 1];
            let delta = v - prev;
            let color = if delta <= 0.0 {
                palette::SAVING
            } else {
                palette::INCREASE
            };
            let sign = if delta < 0.0 {
                "−"
            } else if delta > 0.0 {
                "+"
            } else {
                ""
            };
            (
                prev.min(v),
                prev.max(v),
                color,
                format!("{sign}{}", fmt_value(delta.abs(), measure)),
            )
        };
        let mut r = Rectangle::new(
            [
                (SegmentValue::Exact(i), lo),
                (SegmentValue::Exact(i + 1), hi.max(lo + top * 0.002)),
            ],
            color.filled(),
        );
        r.set_margin(0, 0, 18, 18);
        bars.push(r);
        texts.push(Text::new(
            text,
            (SegmentValue::CenterOf(i), hi + top * 0.03),
            ink(13).pos(Pos::new(HPos::Center, VPos::Bottom)),
        ));
    }
    chart.draw_series(bars)?;
    chart.draw_series(texts)?;
    root.present()?;
    Ok(())
}

/// Per-VA position of the top licences (largest vendor shortfall first): the balance
/// before the plan (entitled − demand) and after it (what stays unused), per VA.
pub fn positions_svg(plan: &Plan, top: usize) -> String {
    svg(|buf| draw_positions(buf, plan, top))
}

/// The licences with the largest vendor shortfall (ties by name), at most `top`.
fn top_licences(plan: &Plan, top: usize) -> Vec<String> {
    let mut by: std::collections::BTreeMap<&str, (u64, i64)> = std::collections::BTreeMap::new();
    for p in &plan.tables.positions {
        let e = by.entry(&p.license).or_default();
        e.0 += p.vendor_shortfall;
        e.1 += (p.entitled as i64 - p.demand as i64).abs();
    }
    let mut v: Vec<(&str, (u64, i64))> = by.into_iter().collect();
    v.sort_by(|a, b| (b.1 .0, b.1 .1).cmp(&(a.1 .0, a.1 .1)).then(a.0.cmp(b.0)));
    v.into_iter()
        .take(top)
        .map(|(l, _)| l.to_string())
        .collect()
}

/// Longest VA and licence names in a row label of the positions chart (`VA · licence`)
/// before an ellipsis.
const POSITION_LABEL: (usize, usize) = (44, 36);

/// The positions chart's rows: (label, before, after), grouped by licence, at most 24.
fn position_rows(plan: &Plan, top: usize) -> Vec<(String, i64, i64)> {
    let names = VaNames::of(plan);
    let mut rows = Vec::new();
    for l in &top_licences(plan, top) {
        for p in plan.tables.positions.iter().filter(|p| &p.license == l) {
            if p.entitled == 0 && p.demand == 0 && p.moved_in == 0 {
                continue;
            }
            let va = names.va_within(&p.smart_account, &p.virtual_account, POSITION_LABEL.0);
            rows.push((
                format!("{va} · {}", short_to(l, POSITION_LABEL.1)),
                p.entitled as i64 - p.demand as i64,
                p.surplus_after as i64,
            ));
        }
    }
    rows.truncate(24);
    rows
}

/// A row of legend items from `x` on: each a swatch 14 pixels wide and `rows.1` high
/// from `rows.0` down, its label (12 px) beside it, then `gap` pixels to the next item.
pub(crate) fn legend(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    items: &[(RGBColor, &str)],
    x: i32,
    (top, height): (i32, i32),
    gap: i32,
) -> DrawResult<()> {
    let mut x = x;
    for &(color, label) in items {
        area.draw(&Rectangle::new(
            [(x, top), (x + 14, top + height)],
            color.filled(),
        ))?;
        area.draw(&Text::new(
            label,
            (x + 20, top + height / 2),
            ink(12).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        x += legend_item_width(label, gap);
    }
    Ok(())
}

/// The pixels one [`legend`] item takes, the gap after it included.
pub(crate) fn legend_item_width(label: &str, gap: i32) -> i32 {
    20 + text_width(label, 12) as i32 + gap
}

/// The legend of the positions chart, drawn above the bars (never over them).
fn positions_legend(area: &DrawingArea<SVGBackend<'_>, Shift>, x: i32) -> DrawResult<()> {
    let items = [
        (palette::BEFORE, "before (entitled − demand)"),
        (palette::AFTER, "after the plan (unused)"),
    ];
    legend(area, &items, x, (4, 10), 24)
}

fn draw_positions(buf: &mut String, plan: &Plan, top: usize) -> DrawResult<()> {
    let rows = position_rows(plan, top);
    let n = rows.len().max(1);
    let lo = rows.iter().map(|r| r.1.min(r.2)).min().unwrap_or(0).min(0) as f64 * 1.15 - 1.0;
    let hi = rows.iter().map(|r| r.1.max(r.2)).max().unwrap_or(0).max(0) as f64 * 1.15 + 1.0;
    let label_area = rows
        .iter()
        .map(|r| text_width(&r.0, 12) + 16)
        .max()
        .unwrap_or(0)
        .max(120);
    let height = 150 + 26 * n as u32;
    let root = SVGBackend::with_string(buf, (540 + label_area, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let (legend, body) = root.split_vertically(64);
    legend.draw(&Text::new(
        "Position per VA before and after the plan (units)",
        ((540 + label_area) as i32 / 2, 16),
        ink(20).pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    positions_legend(&legend.margin(42, 0, label_area as i32 + 16, 0), 0)?;
    let mut chart = ChartBuilder::on(&body)
        .margin(16)
        .margin_top(4)
        .x_label_area_size(40)
        .y_label_area_size(label_area)
        .build_cartesian_2d(lo..hi, slots(n).into_segmented())?;
    let labels: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&|y| match y {
            SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .x_label_formatter(&|v| fmt_units(*v))
        .x_desc("units: deficit (−) or surplus (+)")
        .label_style(ink(12))
        .draw()?;
    let bar = |i: usize, v: i64, upper: bool, color: RGBColor| {
        let (a, b) = (0f64.min(v as f64), 0f64.max(v as f64));
        let mut r = Rectangle::new(
            [(a, SegmentValue::Exact(i)), (b, SegmentValue::Exact(i + 1))],
            color.filled(),
        );
        if upper {
            r.set_margin(3, 13, 0, 0);
        } else {
            r.set_margin(13, 3, 0, 0);
        }
        r
    };
    chart.draw_series(
        rows.iter()
            .enumerate()
            .map(|(i, r)| bar(i, r.1, true, palette::BEFORE)),
    )?;
    chart.draw_series(
        rows.iter()
            .enumerate()
            .map(|(i, r)| bar(i, r.2, false, palette::AFTER)),
    )?;
    root.present()?;
    Ok(())
}

/// A VA × licence heat map of the balance before the plan (entitled − demand), for the
/// `top` licences with the largest imbalance: red deficit, blue surplus, white zero.
pub fn heatmap_svg(plan: &Plan, top: usize) -> String {
    svg(|buf| draw_heatmap(buf, plan, top))
}

/// The balance matrix behind [`heatmap_svg`]: (VA labels, licences, balance). VAs are
/// ordered by (Smart Account, VA) and named by [`VaNames`] (`SA / VA` when the case has
/// several Smart Accounts), in at most [`HEATMAP_VA`] characters.
pub fn balance_matrix(plan: &Plan, top: usize) -> (Vec<String>, Vec<String>, ndarray::Array2<i64>) {
    let lics = top_licences(plan, top);
    let mut keys: Vec<(&str, &str)> = plan
        .tables
        .positions
        .iter()
        .filter(|p| lics.contains(&p.license))
        .map(|p| (p.smart_account.as_str(), p.virtual_account.as_str()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let mut m = ndarray::Array2::<i64>::zeros((keys.len(), lics.len()));
    for p in &plan.tables.positions {
        let (Some(c), Ok(r)) = (
            lics.iter().position(|l| l == &p.license),
            keys.binary_search(&(p.smart_account.as_str(), p.virtual_account.as_str())),
        ) else {
            continue;
        };
        m[[r, c]] += p.entitled as i64 - p.demand as i64;
    }
    let names = VaNames::of(plan);
    let vas = keys
        .iter()
        .map(|(sa, va)| names.va_within(sa, va, HEATMAP_VA))
        .collect();
    (vas, lics, m)
}

/// Longest VA label of the heat map before an ellipsis.
const HEATMAP_VA: usize = 48;
/// Longest licence name the heat map writes under its column; with a longer one, the
/// columns are numbered and a key below the map names them.
const HEATMAP_COLUMN: usize = 24;
/// Longest licence name in the heat map's key before an ellipsis.
const HEATMAP_KEY: usize = 80;

/// How the heat map names its columns.
enum ColumnNames {
    /// The licence names, written top to bottom under each column.
    Rotated(Vec<String>),
    /// Numbers under the columns, and a key (`1  licence`) below the map.
    Key(Vec<String>),
}

impl ColumnNames {
    fn of(lics: &[String]) -> ColumnNames {
        if lics.iter().all(|l| l.chars().count() <= HEATMAP_COLUMN) {
            ColumnNames::Rotated(lics.to_vec())
        } else {
            ColumnNames::Key(
                lics.iter()
                    .enumerate()
                    .map(|(i, l)| format!("{}  {}", i + 1, short_to(l, HEATMAP_KEY)))
                    .collect(),
            )
        }
    }

    /// Pixels under the map for the column names (and the key).
    fn height(&self) -> u32 {
        match self {
            ColumnNames::Rotated(_) => text_width(&"x".repeat(HEATMAP_COLUMN), 12) + 16,
            ColumnNames::Key(key) => 30 + 18 * key.len() as u32,
        }
    }

    /// The widest line the names need, in pixels.
    fn width(&self) -> u32 {
        match self {
            ColumnNames::Rotated(_) => 0,
            ColumnNames::Key(key) => key.iter().map(|k| text_width(k, 12)).max().unwrap_or(0),
        }
    }
}

fn draw_heatmap(buf: &mut String, plan: &Plan, top: usize) -> DrawResult<()> {
    let (vas, lics, m) = balance_matrix(plan, top);
    let (nr, nc) = (vas.len().max(1), lics.len().max(1));
    let scale = m.iter().map(|v| v.abs()).max().unwrap_or(1).max(1) as f64;
    let vl = vas;
    let label_area = vl
        .iter()
        .map(|v| text_width(v, 12) + 16)
        .max()
        .unwrap_or(0)
        .max(120);
    let cell = m
        .iter()
        .map(|v| text_width(&format!("{v:+}"), 11) + 10)
        .max()
        .unwrap_or(0)
        .max(80);
    let names = ColumnNames::of(&lics);
    let title = "Balance before the plan: entitled − demand (units; red deficit, blue surplus)";
    let width = (label_area + 40 + cell * nc as u32)
        .max(names.width() + label_area + 40)
        .max(text_width(title, 18) + 40);
    let height = 90 + 24 * nr as u32 + names.height();
    let root = SVGBackend::with_string(buf, (width, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ink(18))
        .margin(16)
        .x_label_area_size(names.height())
        .y_label_area_size(label_area)
        .build_cartesian_2d(slots(nc).into_segmented(), slots(nr).into_segmented())?;
    chart
        .configure_mesh()
        .disable_mesh()
        // Never 0 labels: plotters loops forever computing zero key points.
        .x_labels(1)
        .x_label_formatter(&|_| String::new())
        .y_labels(nr)
        .y_label_formatter(&|y| match y {
            SegmentValue::CenterOf(i) => vl.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .y_label_style(ink(12))
        .draw()?;
    heatmap_columns(&root, &chart, &names, nc)?;
    let color = |v: i64| {
        let t = (v.abs() as f64 / scale).min(1.0);
        let fade = |c: u8| (255.0 - (255.0 - c as f64) * t).round() as u8;
        if v < 0 {
            RGBColor(fade(192), fade(57), fade(43))
        } else {
            RGBColor(fade(41), fade(128), fade(185))
        }
    };
    let mut cells = Vec::new();
    let mut texts = Vec::new();
    for ((r, c), &v) in m.indexed_iter() {
        cells.push(Rectangle::new(
            [
                (SegmentValue::Exact(c), SegmentValue::Exact(r)),
                (SegmentValue::Exact(c + 1), SegmentValue::Exact(r + 1)),
            ],
            color(v).filled(),
        ));
        if v != 0 {
            texts.push(Text::new(
                format!("{v:+}"),
                (SegmentValue::CenterOf(c), SegmentValue::CenterOf(r)),
                ink(11).pos(Pos::new(HPos::Center, VPos::Center)),
            ));
        }
    }
    chart.draw_series(cells)?;
    chart.draw_series(texts)?;
    root.present()?;
    Ok(())
}

/// The chart a heat map draws its cells on.
type HeatChart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<SegmentedCoord<RangedCoordusize>, SegmentedCoord<RangedCoordusize>>,
>;

/// The heat map's column names under the map: the licences top to bottom (plotters' own
/// rotated axis labels are anchored at their middle and get clipped), or numbers and a
/// key.
fn heatmap_columns(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    chart: &HeatChart<'_, '_>,
    names: &ColumnNames,
    nc: usize,
) -> DrawResult<()> {
    let ink = ink(12);
    let (_, bottom) = chart.backend_coord(&(SegmentValue::Exact(0), SegmentValue::Exact(0)));
    match names {
        ColumnNames::Rotated(lics) => {
            for (c, label) in lics.iter().enumerate() {
                let (x, _) =
                    chart.backend_coord(&(SegmentValue::CenterOf(c), SegmentValue::Exact(0)));
                root.draw(&Text::new(
                    label.clone(),
                    (x - 6, bottom + 8),
                    ink.clone().transform(FontTransform::Rotate90),
                ))?;
            }
        }
        ColumnNames::Key(key) => {
            for c in 0..nc.min(key.len()) {
                let (x, _) =
                    chart.backend_coord(&(SegmentValue::CenterOf(c), SegmentValue::Exact(0)));
                root.draw(&Text::new(
                    (c + 1).to_string(),
                    (x, bottom + 6),
                    ink.clone().pos(Pos::new(HPos::Center, VPos::Top)),
                ))?;
            }
            let (left, _) = chart.backend_coord(&(SegmentValue::Exact(0), SegmentValue::Exact(0)));
            for (k, line) in key.iter().enumerate() {
                root.draw(&Text::new(
                    line.clone(),
                    (left, bottom + 28 + 18 * k as i32),
                    ink.clone().pos(Pos::new(HPos::Left, VPos::Top)),
                ))?;
            }
        }
    }
    Ok(())
}

/// One scenario in a comparison chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioBar {
    /// Scenario name.
    pub name: String,
    /// Purchase cost in cents.
    pub cost: crate::money::Cents,
    /// Purchased units.
    pub units: u64,
    /// Licences moved.
    pub moved: u64,
    /// Whether this is the baseline the others are compared with.
    pub baseline: bool,
    /// A term scenario's figures (its cost is then the whole term's); `None` for a
    /// single-date scenario.
    pub term: Option<term::TermBar>,
}

/// The lines written over a scenario's bar: its cost, units and moves, and its change
/// against the baseline (or that it is the baseline).
fn scenario_value_lines(
    bar: &ScenarioBar,
    base: Option<&ScenarioBar>,
    currency: &str,
) -> Vec<String> {
    let mut v = vec![
        human(currency, bar.cost),
        format!("{} units · {} moved", bar.units, bar.moved),
    ];
    if let Some(t) = &bar.term {
        v.extend(term::term_value_lines(t, currency));
    }
    if bar.baseline {
        v.push("baseline".into());
    } else if let Some(b) = base {
        let d = bar.cost - b.cost;
        let sign = if d > 0 { "+" } else { "" };
        v.push(format!("{sign}{} vs baseline", grouped(d)));
    }
    v
}

/// Scenarios side by side: purchase cost per scenario, units, moves and the change
/// against the baseline over each bar; the baseline's bar is dark and marked.
pub fn scenarios_svg(rows: &[ScenarioBar], currency: &str) -> String {
    svg(|buf| draw_scenarios(buf, rows, currency))
}

fn draw_scenarios(buf: &mut String, rows: &[ScenarioBar], currency: &str) -> DrawResult<()> {
    // A term scenario's bar reaches up to the vendor's reading of its term (an outline).
    let reach = |r: &ScenarioBar| {
        r.term
            .as_ref()
            .map_or(r.cost, |t| r.cost.max(t.vendor_cost))
    };
    let lines = rows
        .iter()
        .map(|r| 2 + 2 * usize::from(r.term.is_some()))
        .max()
        .unwrap_or(2);
    let headroom = if lines > 2 { 1.6 } else { 1.35 };
    let top = rows.iter().map(reach).max().unwrap_or(0).max(100) as f64 / 100.0 * headroom;
    let base = rows.iter().find(|r| r.baseline);
    let values: Vec<Vec<String>> = rows
        .iter()
        .map(|r| scenario_value_lines(r, base, currency))
        .collect();
    let widest = values
        .iter()
        .flatten()
        .map(|l| text_width(l, 12))
        .max()
        .unwrap_or(0);
    let labels: Vec<String> = rows
        .iter()
        .map(|r| {
            if r.baseline {
                format!("{} (baseline)", r.name)
            } else {
                r.name.clone()
            }
        })
        .collect();
    let title = if rows.iter().any(|r| r.term.is_some()) {
        format!("Purchase cost by scenario ({currency}; a term scenario: its whole term)")
    } else {
        format!("Purchase cost by scenario ({currency})")
    };
    let frame = ColumnFrame {
        title: &title,
        labels: &labels,
        top,
        unit: currency,
        slot: ColumnFrame::slot_for(rows.len(), widest),
        axis: ColumnFrame::axis_for(&fmt_value(top, Measure::Money)),
    };
    let root = SVGBackend::with_string(buf, frame.size()).into_drawing_area();
    let mut chart = frame.draw(&root, &|v| fmt_value(*v, Measure::Money))?;
    chart.draw_series(rows.iter().enumerate().map(|(i, r)| {
        let color = if r.baseline {
            palette::TOTAL
        } else {
            palette::AFTER
        };
        let mut b = Rectangle::new(
            [
                (SegmentValue::Exact(i), 0.0),
                (SegmentValue::Exact(i + 1), r.cost as f64 / 100.0),
            ],
            color.filled(),
        );
        b.set_margin(0, 0, 20, 20);
        b
    }))?;
    chart.draw_series(rows.iter().enumerate().filter_map(|(i, r)| {
        let t = r.term.as_ref()?;
        let mut b = Rectangle::new(
            [
                (SegmentValue::Exact(i), 0.0),
                (SegmentValue::Exact(i + 1), t.vendor_cost as f64 / 100.0),
            ],
            palette::INCREASE.stroke_width(2),
        );
        b.set_margin(0, 0, 14, 14);
        Some(b)
    }))?;
    for (i, (r, lines)) in rows.iter().zip(&values).enumerate() {
        let (x, y) = chart.backend_coord(&(SegmentValue::CenterOf(i), reach(r) as f64 / 100.0));
        let n = lines.len() as i32;
        for (k, line) in lines.iter().enumerate() {
            root.draw(&Text::new(
                line.clone(),
                (x, y - 7 - 15 * (n - 1 - k as i32)),
                ink(12).pos(Pos::new(HPos::Center, VPos::Bottom)),
            ))?;
        }
    }
    root.present()?;
    Ok(())
}

/// Replaces the characters XML 1.0 forbids (control characters other than tab, line
/// feed and carriage return) with U+FFFD, so no name can make a chart unreadable. Names
/// with control characters are refused at read time; this is the second line of defence.
pub(crate) fn xml_safe(svg: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if svg.chars().any(bad) {
        std::borrow::Cow::Owned(
            svg.chars()
                .map(|c| if bad(c) { '\u{fffd}' } else { c })
                .collect(),
        )
    } else {
        std::borrow::Cow::Borrowed(svg)
    }
}

/// The font charts use in PNG form (DejaVu Sans, embedded; its licence is in assets/fonts).
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Rasterises an SVG chart to PNG (white background, embedded font).
pub fn to_png(svg: &str) -> Result<Vec<u8>, String> {
    let svg = &xml_safe(svg);
    let mut opt = resvg::usvg::Options::default();
    let db = opt.fontdb_mut();
    db.load_font_data(FONT.to_vec());
    db.set_sans_serif_family("DejaVu Sans");
    db.set_serif_family("DejaVu Sans");
    let tree = resvg::usvg::Tree::from_str(svg, &opt).map_err(|e| e.to_string())?;
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| "empty chart".to_string())?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_fits_lines_and_marks_what_it_cuts() {
        assert_eq!(wrap("Vendor view", 20, 3), ["Vendor view"]);
        assert_eq!(
            wrap("Per VA at 2027-03-31", 12, 3),
            ["Per VA at", "2027-03-31"]
        );
        assert_eq!(wrap("abcdefghij", 4, 3), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("one two three four", 5, 2), ["one", "two…"]);
        assert_eq!(wrap("", 5, 2), [""]);
        for line in wrap(&"word ".repeat(40), 9, 3) {
            assert!(line.chars().count() <= 9, "{line}");
        }
    }

    #[test]
    fn axis_values_are_whole_when_they_can_be() {
        assert_eq!(fmt_units(-150.0), "-150");
        assert_eq!(fmt_units(2.5), "2.5");
        assert_eq!(fmt_value(126_173.0, Measure::Money), "126,173.00");
    }
}
