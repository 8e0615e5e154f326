//! Charts (SVG with plotters; PNG by rasterising the SVG with resvg and an embedded font):
//! the savings waterfall, per-VA positions before and after the plan, a VA × licence
//! heat map of the balance, and scenarios side by side. Deterministic: same plan, same
//! bytes.

use plotters::coord::ranged1d::{SegmentValue, SegmentedCoord};
use plotters::coord::types::{RangedCoordf64, RangedCoordusize};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::money::money;
use crate::plan::Plan;

/// One bar of the waterfall.
pub use crate::plan::WaterfallStep as Step;

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

/// The four charts of a plan's report, rendered once: written to `plots/` and inlined in
/// `report.html`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Charts {
    /// The savings waterfall in money.
    pub(crate) waterfall_money: String,
    /// The savings waterfall in units.
    pub(crate) waterfall_units: String,
    /// Positions before and after, for the [`POSITIONS_TOP`] licences.
    pub(crate) positions: String,
    /// The balance heat map, for the [`HEATMAP_TOP`] licences.
    pub(crate) heatmap: String,
}

impl Charts {
    /// Renders the charts of `plan`.
    pub(crate) fn of(plan: &Plan) -> Charts {
        let cur = &plan.currency;
        Charts {
            waterfall_money: waterfall_svg(&plan.waterfall, Measure::Money, cur),
            waterfall_units: waterfall_svg(&plan.waterfall, Measure::Units, cur),
            positions: positions_svg(plan, POSITIONS_TOP),
            heatmap: heatmap_svg(plan, HEATMAP_TOP),
        }
    }

    /// Each chart with the name of its files in `plots/` (`<name>.svg`, `<name>.png`).
    pub(crate) fn named(&self) -> [(&'static str, &str); 4] {
        [
            ("waterfall-money", &self.waterfall_money),
            ("waterfall-units", &self.waterfall_units),
            ("positions", &self.positions),
            ("heatmap", &self.heatmap),
        ]
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

/// Longest label drawn before an ellipsis.
const MAX_LABEL: usize = 22;

/// Shortens a label to [`MAX_LABEL`] characters with an ellipsis.
pub(crate) fn short(label: &str) -> String {
    short_to(label, MAX_LABEL)
}

/// Shortens a label to `max` characters with an ellipsis.
pub(crate) fn short_to(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(max - 1).collect();
        s.push('…');
        s
    }
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
        Measure::Money => money((v * 100.0).round() as i128),
        Measure::Units => format!("{}", v.round() as i64),
    }
}

type DrawResult<T> = Result<T, Box<dyn std::error::Error>>;

/// The size of a column chart (the waterfall, the scenarios), in pixels.
const COLUMN_CHART: (u32, u32) = (900, 440);

/// The chart a column chart draws its bars on: one slot per column, values from 0 up.
type ColumnChart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<SegmentedCoord<RangedCoordusize>, RangedCoordf64>>;

/// The frame of a column chart: title, one labelled slot per column, a value axis from
/// 0 to `top` described by `unit`.
struct ColumnFrame<'l> {
    title: &'l str,
    labels: &'l [String],
    top: f64,
    unit: &'l str,
}

impl ColumnFrame<'_> {
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
            .caption(
                self.title,
                ("sans-serif", 22).into_font().color(&palette::INK),
            )
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(100)
            .build_cartesian_2d(slots(n).into_segmented(), 0f64..self.top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) => self.labels.get(*i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .y_desc(self.unit)
            .y_label_formatter(value)
            .label_style(("sans-serif", 13).into_font().color(&palette::INK))
            .draw()?;
        Ok(chart)
    }
}

/// The savings waterfall: first and last bars full, each step in between drawn as the
/// drop (green) or rise (red) from the bar before it.
pub fn waterfall_svg(steps: &[Step], measure: Measure, currency: &str) -> String {
    let mut buf = String::new();
    let _ = draw_waterfall(&mut buf, steps, measure, currency);
    buf
}

fn draw_waterfall(
    buf: &mut String,
    steps: &[Step],
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
    let root = SVGBackend::with_string(buf, COLUMN_CHART).into_drawing_area();
    let labels: Vec<String> = steps.iter().map(|s| short(&s.label)).collect();
    let frame = ColumnFrame {
        title: &title,
        labels: &labels,
        top,
        unit: &unit,
    };
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
            ("sans-serif", 13)
                .into_font()
                .color(&palette::INK)
                .pos(Pos::new(HPos::Center, VPos::Bottom)),
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
    let mut buf = String::new();
    let _ = draw_positions(&mut buf, plan, top);
    buf
}

/// The licences with the largest vendor shortfall (ties by name), at most `top`.
fn top_licences(plan: &Plan, top: usize) -> Vec<String> {
    let mut by: std::collections::BTreeMap<&str, (u64, i64)> = std::collections::BTreeMap::new();
    for p in &plan.positions {
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

fn draw_positions(buf: &mut String, plan: &Plan, top: usize) -> DrawResult<()> {
    let lics = top_licences(plan, top);
    // Rows: (label, before, after), grouped by licence.
    let mut rows: Vec<(String, i64, i64)> = Vec::new();
    for l in &lics {
        for p in plan.positions.iter().filter(|p| &p.license == l) {
            if p.entitled == 0 && p.demand == 0 && p.moved_in == 0 {
                continue;
            }
            rows.push((
                format!("{} · {}", short(&p.virtual_account), short_to(l, 30)),
                p.entitled as i64 - p.demand as i64,
                p.surplus_after as i64,
            ));
        }
    }
    rows.truncate(24);
    let n = rows.len().max(1);
    let lo = rows.iter().map(|r| r.1.min(r.2)).min().unwrap_or(0).min(0) as f64 * 1.15 - 1.0;
    let hi = rows.iter().map(|r| r.1.max(r.2)).max().unwrap_or(0).max(0) as f64 * 1.15 + 1.0;
    let height = 120 + 26 * n as u32;
    let root = SVGBackend::with_string(buf, (900, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Position per VA before and after the plan (units)",
            ("sans-serif", 20).into_font().color(&palette::INK),
        )
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(360)
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
        .x_desc("units: deficit (−) or surplus (+)")
        .label_style(("sans-serif", 12).into_font().color(&palette::INK))
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
    chart
        .draw_series(
            rows.iter()
                .enumerate()
                .map(|(i, r)| bar(i, r.1, true, palette::BEFORE)),
        )?
        .label("before (entitled − demand)")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], palette::BEFORE.filled()));
    chart
        .draw_series(
            rows.iter()
                .enumerate()
                .map(|(i, r)| bar(i, r.2, false, palette::AFTER)),
        )?
        .label("after the plan (unused)")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], palette::AFTER.filled()));
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.9))
        .border_style(palette::INK)
        .label_font(("sans-serif", 12))
        .position(SeriesLabelPosition::LowerRight)
        .draw()?;
    root.present()?;
    Ok(())
}

/// A VA × licence heat map of the balance before the plan (entitled − demand), for the
/// `top` licences with the largest imbalance: red deficit, blue surplus, white zero.
pub fn heatmap_svg(plan: &Plan, top: usize) -> String {
    let mut buf = String::new();
    let _ = draw_heatmap(&mut buf, plan, top);
    buf
}

/// The balance matrix behind [`heatmap_svg`]: (VA labels, licences, balance).
pub fn balance_matrix(plan: &Plan, top: usize) -> (Vec<String>, Vec<String>, ndarray::Array2<i64>) {
    let lics = top_licences(plan, top);
    let mut vas: Vec<String> = plan
        .positions
        .iter()
        .filter(|p| lics.contains(&p.license))
        .map(|p| format!("{}/{}", p.smart_account, p.virtual_account))
        .collect();
    vas.sort();
    vas.dedup();
    let mut m = ndarray::Array2::<i64>::zeros((vas.len(), lics.len()));
    for p in &plan.positions {
        let (Some(c), Ok(r)) = (
            lics.iter().position(|l| l == &p.license),
            vas.binary_search(&format!("{}/{}", p.smart_account, p.virtual_account)),
        ) else {
            continue;
        };
        m[[r, c]] += p.entitled as i64 - p.demand as i64;
    }
    (vas, lics, m)
}

fn draw_heatmap(buf: &mut String, plan: &Plan, top: usize) -> DrawResult<()> {
    let (vas, lics, m) = balance_matrix(plan, top);
    let (nr, nc) = (vas.len().max(1), lics.len().max(1));
    let scale = m.iter().map(|v| v.abs()).max().unwrap_or(1).max(1) as f64;
    let width = 320 + 80 * nc as u32;
    let height = 200 + 24 * nr as u32;
    let root = SVGBackend::with_string(buf, (width, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Balance before the plan: entitled − demand (units; red deficit, blue surplus)",
            ("sans-serif", 18).into_font().color(&palette::INK),
        )
        .margin(16)
        .x_label_area_size(170)
        .y_label_area_size(250)
        .build_cartesian_2d(slots(nc).into_segmented(), slots(nr).into_segmented())?;
    let vl: Vec<String> = vas.iter().map(|v| short_to(v, 34)).collect();
    let ll: Vec<String> = lics.iter().map(|l| short(l)).collect();
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
        .y_label_style(("sans-serif", 12).into_font().color(&palette::INK))
        .draw()?;
    // Column labels, drawn top to bottom under each column (plotters' own rotated axis
    // labels are anchored at their middle and get clipped).
    for (c, label) in ll.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(SegmentValue::CenterOf(c), SegmentValue::Exact(0)));
        root.draw(&Text::new(
            label.clone(),
            (x - 6, y + 8),
            ("sans-serif", 12)
                .into_font()
                .color(&palette::INK)
                .transform(FontTransform::Rotate90),
        ))?;
    }
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
                ("sans-serif", 11)
                    .into_font()
                    .color(&palette::INK)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            ));
        }
    }
    chart.draw_series(cells)?;
    chart.draw_series(texts)?;
    root.present()?;
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
}

/// Scenarios side by side: purchase cost per scenario, units and moves in the labels.
pub fn scenarios_svg(rows: &[ScenarioBar], currency: &str) -> String {
    let mut buf = String::new();
    let _ = draw_scenarios(&mut buf, rows, currency);
    buf
}

fn draw_scenarios(buf: &mut String, rows: &[ScenarioBar], currency: &str) -> DrawResult<()> {
    let top = rows.iter().map(|r| r.cost).max().unwrap_or(0).max(100) as f64 / 100.0 * 1.2;
    let root = SVGBackend::with_string(buf, COLUMN_CHART).into_drawing_area();
    let labels: Vec<String> = rows.iter().map(|r| short(&r.name)).collect();
    let frame = ColumnFrame {
        title: &format!("Purchase cost by scenario ({currency})"),
        labels: &labels,
        top,
        unit: currency,
    };
    let mut chart = frame.draw(&root, &|v| fmt_value(*v, Measure::Money))?;
    chart.draw_series(rows.iter().enumerate().map(|(i, r)| {
        let mut b = Rectangle::new(
            [
                (SegmentValue::Exact(i), 0.0),
                (SegmentValue::Exact(i + 1), r.cost as f64 / 100.0),
            ],
            palette::AFTER.filled(),
        );
        b.set_margin(0, 0, 20, 20);
        b
    }))?;
    chart.draw_series(rows.iter().enumerate().map(|(i, r)| {
        Text::new(
            format!("{} · {} units · {} moved", money(r.cost), r.units, r.moved),
            (
                SegmentValue::CenterOf(i),
                r.cost as f64 / 100.0 + top * 0.02,
            ),
            ("sans-serif", 12)
                .into_font()
                .color(&palette::INK)
                .pos(Pos::new(HPos::Center, VPos::Bottom)),
        )
    }))?;
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
