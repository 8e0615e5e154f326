//! The tables and headline figures the reports show (`report.html` and `report.md`),
//! built once here; each report supplies only its syntax. They are views for a reader:
//! fewer columns than the CSV files, headers in words, the currency named.

use std::collections::BTreeMap;

use crate::money::human;
use crate::names::VaNames;
use crate::plan::Plan;
use crate::report::table::{row, Cell, Column, Kind, Table};

use Kind::{Change, Count, Money, Price, Text};

/// Rows a table of the report shows at most (the CSV files hold all of them).
pub const MAX_ROWS: usize = 200;
/// Findings rows the report lists (after the counts per kind).
pub const MAX_FINDINGS: usize = 50;

/// The line under a report's title: the scenario (`name`, as the report shows it), the
/// data and evaluation dates, and the solve status.
pub(crate) fn subtitle(plan: &Plan, name: &str) -> String {
    format!(
        "Scenario {name} · data as of {} · evaluated at {} · status {}",
        plan.as_of,
        plan.evaluated_at,
        plan.status.as_str()
    )
}

/// A view of the rows of `file`: the columns `spec`, (header, kind) pairs where a price
/// or money header names the currency (`cost (EUR)`), then `rows`.
fn view(
    plan: &Plan,
    file: &'static str,
    spec: &[(&str, Kind)],
    rows: impl Iterator<Item = Vec<Cell>>,
) -> Table {
    let columns = spec
        .iter()
        .map(|&(header, kind)| match kind {
            Price | Money => Column::new(format!("{header} ({})", plan.currency), kind),
            Text | Count | Change => Column::new(header, kind),
        })
        .collect();
    Table::new(columns, file).with_rows(rows.collect())
}

/// Moves: from, to, licence, quantity; with a total. VAs are named by [`VaNames`].
pub fn moves(plan: &Plan) -> Table {
    let spec = [
        ("from VA", Text),
        ("to VA", Text),
        ("licence", Text),
        ("quantity", Count),
    ];
    let names = VaNames::of(plan);
    let rows = plan.tables.moves.iter().map(|m| {
        vec![
            names.va(&m.smart_account, &m.from).into(),
            names.va(&m.smart_account, &m.to).into(),
            m.license.as_str().into(),
            Cell::count(m.quantity),
        ]
    });
    view(plan, "moves.csv", &spec, rows).with_totals()
}

/// Purchases: VA, licence, quantity, unit price and cost; with a total.
pub fn purchases(plan: &Plan) -> Table {
    let spec = [
        ("VA", Text),
        ("licence", Text),
        ("quantity", Count),
        ("unit price", Price),
        ("cost", Money),
    ];
    let names = VaNames::of(plan);
    let rows = plan.tables.purchases.iter().map(|p| {
        vec![
            names.va(&p.smart_account, &p.virtual_account).into(),
            p.license.as_str().into(),
            Cell::count(p.quantity),
            Cell::Money(p.unit_price),
            Cell::Money(p.cost),
        ]
    });
    view(plan, "purchases.csv", &spec, rows).with_totals()
}

/// Renewal per licence: expiring, recommended, the change, the price and both costs;
/// with a total.
pub fn renewal(plan: &Plan) -> Table {
    let spec = [
        ("licence", Text),
        ("expiring", Count),
        ("like for like", Count),
        ("vendor quote", Count),
        ("recommended", Count),
        ("change vs quote", Change),
        ("unit price", Price),
        ("like for like", Money),
        ("vendor quote", Money),
        ("recommended", Money),
    ];
    let rows = plan.tables.renewal_rows.iter();
    let rows = rows.map(super::tables::renewal_row);
    view(plan, "renewal.csv", &spec, rows).with_totals()
}

/// Findings counted per kind: kind, meaning, rows, units.
pub fn finding_counts(plan: &Plan) -> Table {
    let mut by: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    for f in &plan.tables.findings {
        let e = by.entry(f.kind.as_str()).or_default();
        e.0 += 1;
        e.1 += f.quantity;
    }
    let meaning: BTreeMap<&str, &str> = crate::plan::findings::KINDS.iter().copied().collect();
    let spec = [
        ("kind", Text),
        ("meaning", Text),
        ("rows", Count),
        ("units", Count),
    ];
    let rows = by.into_iter().map(|(k, (n, q))| {
        let m = meaning.get(k).copied().unwrap_or("");
        row([k, m], [Cell::count(n as u64), Cell::count(q)])
    });
    view(plan, "findings.csv", &spec, rows)
}

/// The first [`MAX_FINDINGS`] findings: kind, VA (named by [`VaNames`]), licence,
/// instance, units, detail.
pub fn finding_rows(plan: &Plan) -> Table {
    let spec = [
        ("kind", Text),
        ("VA", Text),
        ("licence", Text),
        ("instance", Text),
        ("units", Count),
        ("detail", Text),
    ];
    let names = VaNames::of(plan);
    let rows = plan.tables.findings.iter().take(MAX_FINDINGS).map(|f| {
        vec![
            f.kind.to_string().into(),
            names.va(&f.smart_account, &f.virtual_account).into(),
            f.license.as_str().into(),
            f.instance.as_str().into(),
            Cell::count(f.quantity),
            f.detail.as_str().into(),
        ]
    });
    view(plan, "findings.csv", &spec, rows)
}

/// The assumptions: item, value.
pub fn assumptions(plan: &Plan) -> Table {
    let rows = plan.assumptions.iter().map(|(k, v)| row([k, v], []));
    view(
        plan,
        "summary.json",
        &[("item", Text), ("value", Text)],
        rows,
    )
}

/// The savings waterfall as a table: step, purchase cost, units.
pub fn waterfall(plan: &Plan) -> Table {
    let spec = [("step", Text), ("purchase", Money), ("units", Count)];
    let rows = plan.waterfall.iter().map(|s| {
        let figures = [Cell::Money(s.cost), Cell::count(s.units)];
        row([s.label.as_str()], figures)
    });
    view(plan, "summary.json", &spec, rows)
}

/// The headline figures as (value, what it means).
pub fn headline(plan: &Plan) -> Vec<(String, String)> {
    let cur = &plan.currency;
    let mut v = vec![
        (
            human(cur, plan.vendor.shortfall_cost),
            format!(
                "vendor view: {} units short (per VA, {})",
                plan.vendor.shortfall_units, plan.as_of
            ),
        ),
        (
            human(cur, plan.purchase_cost()),
            match &plan.term {
                None => format!(
                    "must really be bought: {} units (at {})",
                    plan.purchase_units(),
                    plan.evaluated_at
                ),
                Some(t) => format!(
                    "must really be bought over the {}-month term from {}: {} units",
                    t.months,
                    plan.evaluated_at,
                    plan.purchase_units()
                ),
            },
        ),
        (
            plan.licences_moved().to_string(),
            format!("licences moved in {} transfers", plan.tables.moves.len()),
        ),
        (
            plan.substituted_units().to_string(),
            "units covered by a higher tier".into(),
        ),
    ];
    if let Some(r) = &plan.tables.renewal {
        v.push((
            human(cur, r.savings),
            format!(
                "saved against the vendor quote at {} ({} units: {} expiring renewed like for like, {} more short per VA; {} recommended){}",
                r.date,
                r.vendor_quote_units,
                r.expiring_units,
                r.like_for_like_shortfall_units,
                r.recommended_units,
                r.note.as_ref().map_or(String::new(), |n| format!(". Note: {n}"))
            ),
        ));
    }
    v
}
