//! `reallot plan`: solve one scenario on a case, write the plan, print a short summary.

use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;

use super::{exit_code, stdout_error, time_limit_arg, CaseArgs, OutArg, ScenarioArgs};
use crate::error::Result;
use crate::io::text::plural;
use crate::model::{SolveOptions, SolveStatus};
use crate::money::grouped;
use crate::plan::{FindingKind, Plan};
use crate::scenario::Scenario;

/// Arguments of `reallot plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The case and the scenario.
    #[command(flatten)]
    pub input: ScenarioArgs,
    /// The output folder.
    #[command(flatten)]
    pub out: OutArg,
    /// Seconds allowed per MIP solve (more than 0, at most 86400).
    #[arg(long, default_value_t = 60.0, value_parser = time_limit_arg)]
    pub time_limit: f64,
    /// Solve every substitution family with the MIP, skipping the exact chain shortcuts
    /// (same figures, slower; for audits).
    #[arg(long)]
    pub mip_only: bool,
}

/// Runs `reallot plan`.
pub fn run(args: Args, w: &mut dyn Write) -> Result<i32> {
    let scenario = args.input.scenario()?;
    let CaseArgs { case, as_of } = &args.input.case;
    let out = args.out.or_default(&scenario.name);
    let opts = SolveOptions {
        time_limit: Some(args.time_limit),
        fast_paths: !args.mip_only,
    };
    let mut inputs = vec![case.as_path()];
    inputs.extend(args.input.model.as_deref());
    plan_and_print(case, &scenario, *as_of, (&out, &inputs), &opts, w)
}

/// Runs the pipeline, writes the plan atomically and prints the summary. `out` is the
/// output folder and the input paths it must not overwrite (README, "Safety").
pub(crate) fn plan_and_print(
    case: &Path,
    scenario: &Scenario,
    as_of: Option<NaiveDate>,
    target: (&Path, &[&Path]),
    opts: &SolveOptions,
    w: &mut dyn Write,
) -> Result<i32> {
    let (plan, written) = crate::pipeline::run(case, scenario, as_of, target, opts)?;
    // A term plan carries its comparison in the term block (its `renewal` is null).
    let no_renewal_date = plan.tables.renewal.is_none() && plan.evaluated_at == plan.as_of;
    if no_renewal_date && scenario.evaluate_at == crate::scenario::EvaluateAt::Renewal {
        {
            writeln!(
                w,
                "warning: scenario {} asks for evaluate_at = \"renewal\", but no renewal date applies (none in case.toml, or the scenario sets renewal_date = \"none\"): evaluated at as_of, with no renewal quote",
                scenario.name
            )
            .map_err(stdout_error)?;
        }
    }
    print_summary(&plan, &written, w).map_err(stdout_error)?;
    let code = exit_code(plan.status == SolveStatus::Optimal);
    // Everything is written and printed: the plan's millions of rows are freed on a
    // thread of their own (U1M: 0.15 s), which the process does not wait for at exit.
    // Where no thread can be started, the closure, and the plan with it, is dropped here.
    let _ = std::thread::Builder::new().spawn(move || drop(plan));
    Ok(code)
}

/// Prints the summary of a written plan.
fn print_summary(plan: &Plan, out: &Path, w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        w,
        "{} - scenario {} (data as of {}, evaluated at {}): {}",
        plan.case,
        plan.scenario,
        plan.as_of,
        plan.evaluated_at,
        plan.status.as_str()
    )?;
    if let SolveStatus::Error(msg) = &plan.status {
        writeln!(w, "  solver error: {msg}")?;
    }
    if plan.status != SolveStatus::Optimal {
        writeln!(
            w,
            "  no optimal plan: only summary.json was written to {}",
            out.display()
        )?;
        return Ok(());
    }
    print_figures(plan, w)?;
    writeln!(w, "  written to {}", out.display())
}

/// Prints the figures of an optimal plan: vendor view, purchase (or the renewal story),
/// moves, hygiene.
fn print_figures(plan: &Plan, w: &mut dyn Write) -> std::io::Result<()> {
    let cur = &plan.currency;
    if let Some(t) = &plan.term {
        return print_term(plan, t, w);
    }
    match &plan.tables.renewal {
        Some(r) => {
            writeln!(
                w,
                "  today ({}), each VA on its own: {} (the vendor view)",
                plan.as_of,
                vendor_words(plan)
            )?;
            print_renewal(r, cur, w)?;
        }
        None => {
            writeln!(
                w,
                "  vendor view (each VA on its own, {}): {}",
                plan.as_of,
                vendor_words(plan)
            )?;
            writeln!(
                w,
                "  must really be bought: {} units, {cur} {}",
                plan.purchase_units(),
                grouped(plan.purchase_cost())
            )?;
            writeln!(
                w,
                "  the vendor's reading overstates it by {cur} {}",
                grouped(plan.vendor.shortfall_cost - plan.purchase_cost())
            )?;
        }
    }
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    writeln!(
        w,
        "  licences moved: {} in {} transfer{}; {} unit{} covered by a higher tier",
        plan.licences_moved(),
        plan.tables.moves.len(),
        plural(plan.tables.moves.len() as u64),
        plan.substituted_units(),
        plural(plan.substituted_units())
    )?;
    let h = &plan.hygiene;
    if h.stale_instances + h.retired_instances > 0 {
        writeln!(
            w,
            "  hygiene: {} stale and {} retired instances released {} units ({} reserved)",
            h.stale_instances, h.retired_instances, h.released_units, h.released_reservations
        )?;
    }
    Ok(())
}

/// The vendor view in words: units short (from the `out_of_compliance` findings) and,
/// where packs round the per-VA purchase up, the units bought; then the cost.
fn vendor_words(plan: &Plan) -> String {
    let short: u128 = plan
        .tables
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::OutOfCompliance)
        .map(|f| u128::from(f.quantity))
        .sum();
    let cost = format!("{} {}", plan.currency, grouped(plan.vendor.shortfall_cost));
    if short == u128::from(plan.vendor.shortfall_units) {
        format!("{} short, {cost}", plural(short, "unit", "units"))
    } else {
        format!(
            "{} short; bought VA by VA in packs, {}, {cost}",
            plural(short, "unit", "units"),
            plural(plan.vendor.shortfall_units, "unit", "units")
        )
    }
}

/// Prints the term story (SPEC §4.2): the commitment, the add-ons, the total against the
/// vendor's reading of the same term, and the moves over the milestones.
fn print_term(plan: &Plan, t: &crate::plan::TermPlan, w: &mut dyn Write) -> std::io::Result<()> {
    let cur = &plan.currency;
    let (first, last) = (t.dates[0], t.dates[t.dates.len() - 1]);
    writeln!(
        w,
        "  term of {} months from {first} ({} milestones, the last on {last})",
        t.months,
        t.dates.len()
    )?;
    writeln!(
        w,
        "  commit at {first}: {} units, {cur} {}; add over the term: {} units, {cur} {} (co-termed)",
        t.commit_units,
        grouped(t.commit_cost),
        t.add_units,
        grouped(t.add_cost)
    )?;
    writeln!(
        w,
        "  term total: {} units, {cur} {}; the vendor's reading of the term (VA by VA): {cur} {}",
        t.units,
        grouped(t.total_cost),
        grouped(t.vendor_term_cost)
    )?;
    writeln!(w, "  saving over the term: {cur} {}", grouped(t.savings))?;
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    writeln!(
        w,
        "  licences moved over the milestones: {} in {} transfer{}; schedule in schedule.csv",
        t.moved,
        t.moves.len(),
        plural(t.moves.len())
    )
}

/// Prints the renewal story: the expiring lots, the vendor quote built from them, the
/// recommendation and what the customer saves (README, "The model in brief": renewal).
fn print_renewal(
    r: &crate::plan::RenewalSummary,
    cur: &str,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        w,
        "  renewal on {}: {} units expire; renewing them like for like costs {cur} {} and still leaves {} units short, VA by VA",
        r.date,
        r.expiring_units,
        grouped(r.like_for_like_cost),
        r.like_for_like_shortfall_units
    )?;
    writeln!(
        w,
        "  vendor quote at {}: {} units, {cur} {} (like for like plus each VA's shortfall)",
        r.date,
        r.vendor_quote_units,
        grouped(r.vendor_quote_cost)
    )?;
    writeln!(
        w,
        "  must really be bought at {}: {} units, {cur} {} (renewals included)",
        r.date,
        r.recommended_units,
        grouped(r.recommended_cost)
    )?;
    writeln!(
        w,
        "  saving against the vendor quote: {cur} {}",
        grouped(r.savings)
    )?;
    if let Some(note) = &r.note {
        writeln!(w, "  note: {note}")?;
    }
    Ok(())
}
