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

/// `schedule.csv`: smart_account, license, milestone (index), date, demand, entitled,
/// commit, add, purchased_to_date, cost.
pub fn schedule_csv(t: &TermPlan) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "smart_account",
        "license",
        "milestone",
        "date",
        "demand",
        "entitled",
        "commit",
        "add",
        "purchased_to_date",
        "cost",
    ];
    w.write_record(header).expect("in memory");
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

/// A term plan's `purchases.csv`, `moves.csv` and `positions.csv`: a first column
/// `milestone` (date), and the rows of every milestone (SPEC §4.2).
pub(crate) fn milestone_tables(t: &TermPlan, tables: &mut super::tables::PlanTables) {
    use super::table::{Cell, Column, Kind};
    use super::tables::{move_row, position_row, purchase_row};
    fn dated<R>(
        table: &mut super::table::Table,
        rows: &[(chrono::NaiveDate, R)],
        row: impl Fn(&R) -> Vec<Cell>,
    ) {
        table
            .columns
            .insert(0, Column::new("milestone", Kind::Text));
        table.rows = rows
            .iter()
            .map(|(d, r)| {
                let mut cells = vec![Cell::Date(*d)];
                cells.extend(row(r));
                cells
            })
            .collect();
    }
    dated(&mut tables.purchases, &t.purchases, purchase_row);
    dated(&mut tables.moves, &t.moves, move_row);
    dated(&mut tables.positions, &t.positions, position_row);
}
