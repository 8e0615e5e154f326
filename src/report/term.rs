//! The term plan's files (SPEC §4.2): the `term` block of `summary.json` and
//! `schedule.csv`.

use super::{Money, TermJson};
use crate::plan::TermPlan;

/// The `term` block of `summary.json`.
pub fn json(t: &TermPlan) -> TermJson {
    TermJson {
        months: t.months,
        commit_units: t.commit_units,
        commit_cost: Money(t.commit_cost),
        add_units: t.add_units,
        add_cost: Money(t.add_cost),
        total_cost: Money(t.total_cost),
        vendor_term_cost: Money(t.vendor_term_cost),
        savings: Money(t.savings),
    }
}

/// `schedule.csv`: the columns [`crate::plan::SCHEDULE_COLUMNS`] names, a row a
/// [`crate::plan::ScheduleRow`].
pub fn schedule_csv(t: &TermPlan) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(crate::plan::SCHEDULE_COLUMNS)
        .expect("in memory");
    for r in &t.schedule {
        w.write_record([
            crate::io::guard::guard(&r.smart_account).into_owned(),
            crate::io::guard::guard(&r.license).into_owned(),
            r.milestone.to_string(),
            r.date.to_string(),
            r.demand.to_string(),
            r.entitled.to_string(),
            r.commit.to_string(),
            r.add.to_string(),
            r.purchased_to_date.to_string(),
            crate::money::money(r.cost),
        ])
        .expect("in memory");
    }
    w.into_inner().expect("in memory")
}

/// Why the rows of a term table may not add up to its total to the cent: the lines are
/// rounded on their own, the total once (SPEC §4.2). `None` when they do add up.
pub(crate) fn rounding_note(t: &TermPlan) -> Option<String> {
    let lines: crate::money::Cents = t.schedule.iter().map(|r| r.cost).sum();
    let vendor: crate::money::Cents = t.vendor_milestones.iter().map(|m| m.1).sum();
    (lines != t.total_cost || vendor != t.vendor_term_cost).then(|| {
        "Each milestone's cost is the sum of its purchase lines, each rounded to the cent on its own; the term total is the exact sum rounded once, so the rows can differ from it by a few cents.".to_string()
    })
}

/// The term per milestone, as a proposal shows it: units committed and added there,
/// units purchased so far, the cost of its purchases, the vendor's reading of the same
/// milestone and the difference; and, apart, the row of the term's published totals
/// (`summary.json`), which each format shows as its total row.
pub(crate) fn milestones_view(
    t: &TermPlan,
    currency: &str,
) -> (super::table::Table, Vec<super::table::Cell>) {
    use super::table::{Cell, Column, Kind, Table};
    let cols = vec![
        Column::new("milestone", Kind::Text),
        Column::new("committed (units)", Kind::Count),
        Column::new("added (units)", Kind::Count),
        Column::new("purchased to date (units)", Kind::Count),
        Column::new(format!("cost ({currency})"), Kind::Money),
        Column::new(format!("vendor's term cost ({currency})"), Kind::Money),
        Column::new(format!("savings ({currency})"), Kind::Money),
    ];
    let mut rows = Vec::new();
    let mut to_date = 0u64;
    for (k, &date) in t.dates.iter().enumerate() {
        let at = t.schedule.iter().filter(|r| r.milestone == k);
        let (commit, add, cost) = at.fold((0u64, 0u64, 0i128), |(c, a, m), r| {
            (c + r.commit, a + r.add, m + r.cost)
        });
        to_date += commit + add;
        let vendor = t.vendor_milestones.get(k).map_or(0, |m| m.1);
        rows.push(vec![
            Cell::Date(date),
            Cell::count(commit),
            Cell::count(add),
            Cell::count(to_date),
            Cell::Money(cost),
            Cell::Money(vendor),
            Cell::Money(vendor - cost),
        ]);
    }
    let total = vec![
        Cell::Text(format!("{}-month term", t.months)),
        Cell::count(t.commit_units),
        Cell::count(t.add_units),
        Cell::count(t.commit_units + t.add_units),
        Cell::Money(t.total_cost),
        Cell::Money(t.vendor_term_cost),
        Cell::Money(t.savings),
    ];
    (Table::new(cols, "summary.json").with_rows(rows), total)
}

/// The schedule as a reader sees it: buyer, licence, milestone date, demand, entitled,
/// committed, added, purchased to date and the line's cost.
pub(crate) fn schedule_view(t: &TermPlan, currency: &str) -> super::table::Table {
    use super::table::{Cell, Column, Kind, Table};
    let cols = vec![
        Column::new("buyer", Kind::Text),
        Column::new("licence", Kind::Text),
        Column::new("milestone", Kind::Text),
        Column::new("demand", Kind::Count),
        Column::new("entitled", Kind::Count),
        Column::new("commit", Kind::Count),
        Column::new("add", Kind::Count),
        Column::new("purchased to date", Kind::Count),
        Column::new(format!("cost ({currency})"), Kind::Money),
    ];
    let rows = t
        .schedule
        .iter()
        .map(|r| {
            vec![
                r.smart_account.as_str().into(),
                r.license.as_str().into(),
                Cell::Date(r.date),
                Cell::count(r.demand),
                Cell::count(r.entitled),
                Cell::count(r.commit),
                Cell::count(r.add),
                Cell::count(r.purchased_to_date),
                Cell::Money(r.cost),
            ]
        })
        .collect();
    Table::new(cols, "schedule.csv").with_rows(rows)
}

/// The term in one sentence for the reports: the term, its start, the commitment, the
/// add-ons, the total and the saving against the vendor's reading.
pub(crate) fn sentence(t: &TermPlan, currency: &str) -> String {
    use crate::money::human;
    format!(
        "A {}-month term from {}: commit {} units ({}) at the start, add {} units ({}) co-termed at the anniversaries; the term costs {} against {} in the vendor's reading of it (VA by VA, no transfers, hygiene, discount or allowance): a saving of {}.",
        t.months,
        t.dates.first().map_or(String::new(), ToString::to_string),
        t.commit_units,
        human(currency, t.commit_cost),
        t.add_units,
        human(currency, t.add_cost),
        human(currency, t.total_cost),
        human(currency, t.vendor_term_cost),
        human(currency, t.savings),
    )
}
