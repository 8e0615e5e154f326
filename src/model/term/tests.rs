//! Hand-computed terms, and property tests: the closed form against the MIP, the MIP
//! against a brute force over the commitment, a one-year term against the single-date
//! solver, and the invariants of every solution.

use proptest::prelude::*;

use super::*;
use crate::estate::Price;
use crate::model::solve_family;

fn opts(fast_paths: bool) -> SolveOptions {
    SolveOptions {
        time_limit: Some(60.0),
        fast_paths,
    }
}

fn price(cents: i64, pack: u64) -> Option<Price> {
    Some(Price { cents, pack })
}

/// One licence across `rows.len()` milestones: each row lists (D', M) per VA.
fn single(
    settings: TermSettings,
    pooled: bool,
    rows: &[Vec<(u64, u64)>],
    p: Option<Price>,
) -> TermProblem {
    TermProblem {
        settings,
        shape: ComponentShape {
            n_vas: rows[0].len(),
            n_lics: 1,
            pooled,
            price: vec![p],
            edges: Vec::new(),
        },
        residual: rows.iter().flatten().map(|&(d, _)| d).collect(),
        movable: rows.iter().flatten().map(|&(_, m)| m).collect(),
    }
}

/// A pooled component of three licences over 60 months, no discount or allowance, as
/// the M and L-usage estates' families are.
fn pooled_chain_of_60_months(
    n_vas: usize,
    price: Vec<Option<Price>>,
    edges: Vec<(usize, usize)>,
    residual: Vec<u64>,
    movable: Vec<u64>,
) -> TermProblem {
    TermProblem {
        settings: TermSettings::new(60, 0, 0).unwrap(),
        shape: ComponentShape {
            n_vas,
            n_lics: 3,
            pooled: true,
            price,
            edges,
        },
        residual,
        movable,
    }
}

/// The issue's example: 36 months, one pooled licence at $300.00. VA 1 has 100 in use
/// and 60 licences, VA 2 has none in use and 20 licences; growth 10% a year makes VA 1's
/// demand 110, 121, ⌈133.1⌉ = 134 at the three milestones, so the pool's net need is
/// 110 − 80 = 30, 121 − 80 = 41, 134 − 80 = 54.
fn issue_example(discount: u32, allowance: u32) -> TermProblem {
    let settings = TermSettings::new(36, discount, allowance).unwrap();
    let rows: Vec<Vec<(u64, u64)>> = (0..3)
        .map(|k| vec![(term_demand(100, 1000, 0, k).unwrap(), 60), (0, 20)])
        .collect();
    assert_eq!(rows[2][0].0, 134);
    single(settings, true, &rows, price(30_000, 1))
}

/// Solves with the closed form (when it applies) and with the MIP; both must agree on
/// every figure. Returns the MIP's solution and figures.
fn solve_both(p: &TermProblem) -> (TermSolution, TermFigures) {
    let mip = solve_term(p, &opts(false)).expect("the MIP solves");
    let fm = p.check(&mip).unwrap();
    let fast = solve_term(p, &opts(true)).expect("the fast path solves");
    assert_eq!(p.check(&fast).unwrap(), fm);
    (mip, fm)
}

/// [`solve_both`], then the plan: units committed per licence and added per (milestone,
/// licence), and the figures (cost in cents, units, moves, covered).
fn assert_plan(
    p: &TermProblem,
    commit: &[u64],
    add: &[u64],
    figures: (i128, u128, u128, u128),
) -> TermSolution {
    let (s, f) = solve_both(p);
    assert_eq!((s.commit.as_slice(), s.add.as_slice()), (commit, add));
    assert_eq!((f.cost_cents(), f.units, f.moves, f.covered), figures);
    s
}

fn line_cents(p: &TermProblem, s: &TermSolution) -> Vec<(usize, u64, i128)> {
    let lines = p.cost_lines(s).unwrap();
    lines
        .iter()
        .map(|l| (l.milestone, l.units, l.cents))
        .collect()
}

#[test]
fn just_in_time_without_discount() {
    // Commit the first year's need, 30 units at $300: $9,000.00. Add 41 − 30 = 11 at
    // year 2 for 24/36 of the price ($200 each: $2,200.00) and 54 − 41 = 13 at year 3
    // for 12/36 ($100 each: $1,300.00). Total $12,500.00, 54 units. At every milestone
    // VA 1's deficit (50, 61, 74) exceeds the purchases in force (30, 41, 54) by 20,
    // the 20 licences VA 2 moves over: 60 moved.
    let p = issue_example(0, 0);
    let s = assert_plan(&p, &[30], &[0, 11, 13], (1_250_000, 54, 60, 0));
    assert_eq!(
        line_cents(&p, &s),
        [(0, 30, 900_000), (1, 11, 220_000), (2, 13, 130_000)]
    );
}

#[test]
fn half_price_commitment_commits_what_year_two_needs() {
    // A committed unit costs $150. Added at year 2 it costs $200: commit it; at year 3
    // $100: add it. (1 − 0.5)·36 = 18 < 36 − 24 = 12 is false, 18 < 36 − 12 = 24 true.
    // Commit 41 ($6,150.00), add 13 at year 3 ($1,300.00): $7,450.00, 54 units. Moved:
    // 50 − 41 = 9, 61 − 41 = 20, 74 − 54 = 20: 49.
    let p = issue_example(5000, 0);
    let s = assert_plan(&p, &[41], &[0, 0, 13], (745_000, 54, 49, 0));
    assert_eq!(line_cents(&p, &s), [(0, 41, 615_000), (2, 13, 130_000)]);
}

#[test]
fn growth_allowance_shrinks_the_commitment() {
    // 20% allowance, no discount: C units supply C + ⌊C/5⌋. The least C supplying the
    // first year's 30 is 25 (25 + 5). Committing more costs $300 a unit for 1.2 units
    // that would cost at most $200 each added at year 2: no. Commit 25 ($7,500.00), add
    // 11 and 13 as before ($2,200.00 + $1,300.00): $11,000.00, 49 units, 60 moved.
    let p = issue_example(0, 2000);
    assert!(p.has_closed_form());
    let s = assert_plan(&p, &[25], &[0, 11, 13], (1_100_000, 49, 60, 0));
    assert_eq!(s.milestones[0].buy, [30]);
}

#[test]
fn growth_allowance_with_half_price_commitment() {
    // 20% allowance and 50% discount: a committed unit costs $150 for 1.2 units, worth
    // it against $200 at year 2, not against $100 at year 3. The least C supplying year
    // 2's 41 is 35 (35 + 7 = 42; 34 + 6 = 40 is short). Commit 35 ($5,250.00), add
    // 54 − 42 = 12 at year 3 ($1,200.00): $6,450.00, 47 units. (C = 34 with one add-on
    // at year 2 costs $6,600.00; C = 36, $6,500.00; C = 45 with no add-on, $6,750.00.)
    // Moved: 50 − 42 = 8, 61 − 42 = 19, 74 − 54 = 20: 47.
    let p = issue_example(5000, 2000);
    assert_plan(&p, &[35], &[0, 0, 12], (645_000, 47, 47, 0));
}

#[test]
fn running_maximum_in_packs() {
    // A VA outside the pool needs 10, then 4 (a lot starts), then 12, in packs of 5:
    // whole packs cover 10, 10, 15. Commit 10 units, add one pack at year 3 (60 months:
    // 5 milestones, the last two needing 12 and 3).
    let settings = TermSettings::new(60, 0, 0).unwrap();
    let rows = [10, 4, 12, 3, 12].map(|d| vec![(d, 0)]);
    let p = single(settings, false, &rows, price(100, 5));
    // 10 × $1 × 5/5 + 5 × $1 × 3/5 = $13.00.
    assert_plan(&p, &[10], &[0, 0, 5, 0, 0], (1300, 15, 0, 0));
}

#[test]
fn free_licences_are_committed_to_move_less() {
    // At price 0 every schedule costs nothing; the fewest units are the last need, and
    // holding them from the start moves the fewest licences.
    let settings = TermSettings::new(24, 0, 0).unwrap();
    let rows = [vec![(5, 0), (0, 5)], vec![(9, 0), (0, 5)]];
    let p = single(settings, true, &rows, price(0, 1));
    assert_plan(&p, &[4], &[0, 0], (0, 4, 5 - 4 + 5, 0));
}

#[test]
fn substitution_across_milestones() {
    // 24 months, one VA outside transfers; tier H ($10) covers tier L ($4). Year 1: H has
    // 5 spare licences that cover 5 of L's 8; L is short 3. Year 2: H's own demand takes
    // its 5, L is short 8. Committing 8 L costs 8 × $4 = $32.00; committing 3 ($12.00) and
    // adding 5 at year 2 for half the price ($10.00) costs $22.00, 8 units; buying H
    // instead costs more at each step. Covered: 5 in year 1, none in year 2.
    let settings = TermSettings::new(24, 0, 0).unwrap();
    let p = TermProblem {
        settings,
        shape: ComponentShape {
            n_vas: 1,
            n_lics: 2,
            pooled: false,
            price: vec![price(1000, 1), price(400, 1)],
            edges: vec![(0, 1)],
        },
        residual: vec![0, 8, 5, 8],
        movable: vec![5, 0, 5, 0],
    };
    let s = assert_plan(&p, &[0, 3], &[0, 0, 0, 5], (2200, 8, 0, 5));
    assert_eq!(s.milestones[0].sub, [5]);
}

#[test]
fn unbuyable_short_is_infeasible() {
    let settings = TermSettings::new(24, 0, 0).unwrap();
    let p = single(settings, false, &[vec![(0, 0)], vec![(1, 0)]], None);
    assert_eq!(solve_term(&p, &opts(true)), Err(SolveStatus::Infeasible));
    assert_eq!(solve_term(&p, &opts(false)), Err(SolveStatus::Infeasible));
}

#[test]
fn magnitudes_cost_rows_not_time() {
    // 10^12 units and a $10^10 price solve in closed form exactly; the MIP refuses them.
    let e = 1_000_000_000_000u64;
    let settings = TermSettings::new(120, 2500, 0).unwrap();
    let rows: Vec<Vec<(u64, u64)>> = (0..10).map(|k| vec![(e + k, 0), (0, e / 2)]).collect();
    let p = single(settings, true, &rows, price(1_000_000_000_000, 1));
    let s = solve_term(&p, &opts(true)).unwrap();
    let f = p.check(&s).unwrap();
    // (1 − 0.25)·120 = 90 ≤ 120 − 12k for k ≤ 2: commit what milestone 2 needs.
    assert_eq!(s.commit, [e / 2 + 2]);
    assert_eq!(f.units, u128::from(e / 2 + 9));
    let r = solve_term(&p, &opts(false));
    assert!(matches!(r, Err(SolveStatus::Error(_))), "{r:?}");
}

/// A pooled family of the M estate (60 months, two VAs, three licences), its prices
/// (near USD 3,000) multiplied by `scale`. Per milestone: VA 0's residual demand and
/// VA 1's movable supply, per licence.
fn family_of_the_m_estate(scale: i64) -> TermProblem {
    let milestones = [
        ([433, 304, 459], [141, 340, 205]),
        ([466, 326, 494], [136, 340, 190]),
        ([506, 354, 534], [31, 340, 190]),
        ([545, 380, 575], [31, 340, 190]),
        ([587, 410, 622], [31, 340, 190]),
    ];
    let (mut residual, mut movable) = (Vec::new(), Vec::new());
    for (d, m) in &milestones {
        residual.extend(d.iter().chain(&[0, 0, 0]));
        movable.extend([0, 0, 0].iter().chain(m));
    }
    let prices = [(299_999, 1), (9_900, 1), (299_999, 10)]
        .into_iter()
        .map(|(cents, pack)| price(cents * scale, pack))
        .collect();
    pooled_chain_of_60_months(2, prices, vec![(1, 0), (0, 2)], residual, movable)
}

#[test]
fn chain_search_settles_a_family_of_the_m_estate() {
    // A pooled family of the M estate (60 months, prices near USD 3,000): its top tier
    // is the cheapest, so it is bought alone, just in time on the pool's net need
    // R_k = 510, 620, 833, 939, 1058.
    let p = family_of_the_m_estate(1);
    let s = solve_term(&p, &opts(true)).unwrap();
    let f = p.check(&s).unwrap();
    assert_eq!(s.commit, [0, 510, 0]);
    let adds: Vec<u64> = (1..5).map(|k| s.add[k * 3 + 1]).collect();
    assert_eq!(adds, [110, 213, 106, 119]);
    // 9,900 cents × (510 + 110·4/5 + 213·3/5 + 106·2/5 + 119·1/5) = 9,900 × 792.
    assert_eq!((f.cost_cents(), f.units), (7_840_800, 1058));
    // Bounded per unit (cost of a pack ÷ its size), the magnitudes are within what the
    // MIP certifies, and it agrees.
    let m = solve_term(&p, &opts(false)).unwrap();
    let g = p.check(&m).unwrap();
    assert_eq!(
        (g.scaled_cost, g.units, g.moves, g.covered),
        (f.scaled_cost, f.units, f.moves, f.covered)
    );
}

#[test]
fn settings_are_validated() {
    assert_eq!(TermSettings::new(0, 0, 0), Err(TermError::Months(0)));
    assert_eq!(TermSettings::new(18, 0, 0), Err(TermError::Months(18)));
    assert_eq!(TermSettings::new(132, 0, 0), Err(TermError::Months(132)));
    assert_eq!(
        TermSettings::new(36, 10_001, 0),
        Err(TermError::Discount(10_001))
    );
    assert_eq!(
        TermSettings::new(36, 0, 10_001),
        Err(TermError::Allowance(10_001))
    );
    let s = TermSettings::new(60, 10_000, 10_000).unwrap();
    assert_eq!(
        (s.milestones(), s.scale(), s.commit_weight()),
        (5, 50_000, 0)
    );
    assert_eq!((s.add_weight(1), s.add_weight(4)), (40_000, 10_000));
    assert_eq!(s.allowance_units(7), 7);
    let p = TermProblem {
        residual: vec![1],
        ..single(s, true, &[vec![(0, 0)]], None)
    };
    assert!(matches!(p.validate(), Err(TermError::Shape(_))));
}

#[test]
fn stacked_from_single_date_problems() {
    let p = issue_example(0, 0);
    let parts: Vec<FamilyProblem> = (0..3).map(|k| p.milestone(k)).collect();
    let q = TermProblem::from_milestones(p.settings, &parts).unwrap();
    assert_eq!(
        (q.residual.clone(), q.movable.clone()),
        (p.residual.clone(), p.movable.clone())
    );
    assert!(TermProblem::from_milestones(p.settings, &parts[..2]).is_err());
    let mut other = parts.clone();
    other[1].shape.pooled = false;
    assert!(TermProblem::from_milestones(p.settings, &other).is_err());
}

#[test]
fn half_up_rounding() {
    assert_eq!(round_half_up(5, 10), 1);
    assert_eq!(round_half_up(4, 10), 0);
    assert_eq!(round_half_up(15, 10), 2);
    assert_eq!(round_half_up(-5, 10), 0);
    assert_eq!(round_half_up(-6, 10), -1);
    assert_eq!(round_half_up(i128::MAX, 10), i128::MAX / 10 + 1);
}

/// A random component: K milestones, VAs, licences, a DAG of pairs, prices and packs.
#[derive(Debug, Clone)]
struct Spec {
    k: usize,
    pooled: bool,
    n_vas: usize,
    n_lics: usize,
    residual: Vec<u64>,
    movable: Vec<u64>,
    price: Vec<Option<Price>>,
    edges: Vec<(usize, usize)>,
    discount: u32,
    allowance: u32,
}

impl Spec {
    fn problem(&self) -> TermProblem {
        TermProblem {
            settings: TermSettings::new(12 * self.k as u32, self.discount, self.allowance).unwrap(),
            shape: ComponentShape {
                n_vas: self.n_vas,
                n_lics: self.n_lics,
                pooled: self.pooled,
                price: self.price.clone(),
                edges: self.edges.clone(),
            },
            residual: self.residual.clone(),
            movable: self.movable.clone(),
        }
    }

    /// The same component with every residual need times `n`.
    fn needs_times(self, n: u64) -> Spec {
        let residual = self.residual.iter().map(|x| x * n).collect();
        Spec { residual, ..self }
    }
}

fn spec(max_lics: usize, allow: bool) -> impl Strategy<Value = Spec> {
    (1usize..=4, any::<bool>(), 1usize..=3, 1usize..=max_lics).prop_flat_map(
        move |(k, pooled, vas, n_lics)| {
            let n_vas = if pooled { vas } else { 1 };
            let cells = k * n_vas * n_lics;
            let pairs: Vec<(usize, usize)> = (0..n_lics)
                .flat_map(|h| (h + 1..n_lics).map(move |l| (h, l)))
                .collect();
            let np = pairs.len();
            let price = prop_oneof![
                8 => (0i64..=5, 1u64..=3).prop_map(|(c, p)| price(c, p)),
                1 => Just(None),
            ];
            let allowance = if allow {
                prop_oneof![Just(0u32), Just(2000), Just(5000), Just(3333)].boxed()
            } else {
                Just(0u32).boxed()
            };
            (
                proptest::collection::vec(0u64..=6, cells),
                proptest::collection::vec(0u64..=6, cells),
                proptest::collection::vec(price, n_lics),
                proptest::collection::vec(any::<bool>(), np),
                prop_oneof![Just(0u32), Just(2500), Just(5000), Just(6667), Just(10_000)],
                allowance,
            )
                .prop_map(
                    move |(residual, movable, price, pick, discount, allowance)| Spec {
                        k,
                        pooled,
                        n_vas,
                        n_lics,
                        residual,
                        movable,
                        price,
                        edges: pairs
                            .iter()
                            .zip(&pick)
                            .filter(|p| *p.1)
                            .map(|p| *p.0)
                            .collect(),
                        discount,
                        allowance,
                    },
                )
        },
    )
}

/// A component whose family is one chain of its 2 or 3 licences, in any order of tiers.
fn chain_spec() -> impl Strategy<Value = Spec> {
    (spec(3, false), 0usize..6)
        .prop_filter("a family has two licences or more", |(s, _)| s.n_lics >= 2)
        .prop_map(|(s, perm)| {
            let mut order: Vec<usize> = (0..s.n_lics).collect();
            // The `perm`-th permutation (of 2 or 3 items).
            let mut rest = perm;
            for i in (1..order.len()).rev() {
                order.swap(i, rest % (i + 1));
                rest /= i + 1;
            }
            let edges = order.windows(2).map(|w| (w[0], w[1])).collect();
            Spec { edges, ..s }
        })
}

/// The problem of a [`chain_spec`] in chain form, its needs ×9 half the time (wide needs
/// exercise the chain search's magnitude reduction).
fn chain_problem() -> impl Strategy<Value = TermProblem> {
    (chain_spec(), any::<bool>())
        .prop_map(|(s, wide)| s.needs_times(if wide { 9 } else { 1 }).problem())
        .prop_filter("a chain family", TermProblem::has_chain_form)
}

/// A shortcut's answer against the MIP's: when it settles the component, the same three
/// figures and every invariant; when it fails, the MIP's own status (a milestone short
/// of a licence nothing can supply makes the term infeasible too); when it declines,
/// nothing to compare.
fn shortcut_equals_the_mip(
    p: &TermProblem,
    fast: Result<Option<TermSolution>, SolveStatus>,
) -> Result<(), TestCaseError> {
    let mip = solve_term(p, &opts(false));
    let fast = match fast {
        Ok(Some(fast)) => fast,
        Ok(None) => return Ok(()),
        Err(e) => {
            prop_assert_eq!(Err(e), mip);
            return Ok(());
        }
    };
    invariants(p, &fast)?;
    let (a, b) = (p.check(&fast).unwrap(), p.check(&mip.unwrap()).unwrap());
    prop_assert_eq!(
        (a.scaled_cost, a.units, a.moves),
        (b.scaled_cost, b.units, b.moves)
    );
    Ok(())
}

/// The invariants of a solution, checked directly: whole packs, purchases in force
/// non-decreasing and equal to commitment + allowance + add-ons, out ≤ M, every
/// (VA, licence) covered at every milestone, pool balances.
fn invariants(p: &TermProblem, s: &TermSolution) -> Result<(), TestCaseError> {
    let (kn, nv, nl, ne) = (
        p.n_milestones(),
        p.shape.n_vas,
        p.shape.n_lics,
        p.shape.edges.len(),
    );
    for l in 0..nl {
        let pack = p.shape.price[l].map_or(1, |x| x.pack);
        let mut held = s.commit[l] + p.settings.allowance_units(s.commit[l]);
        prop_assert!(s.commit[l].is_multiple_of(pack));
        for k in 0..kn {
            let add = s.add[k * nl + l];
            prop_assert!(add.is_multiple_of(pack) && (k > 0 || add == 0));
            held += add;
            prop_assert_eq!(s.milestones[k].buy[l], held);
            if k > 0 {
                prop_assert!(s.milestones[k].buy[l] >= s.milestones[k - 1].buy[l]);
            }
        }
    }
    for k in 0..kn {
        let m = &s.milestones[k];
        for l in 0..nl {
            let mut balance = i128::from(m.buy[l]);
            for a in 0..nv {
                let c = (k * nv + a) * nl + l;
                let cell = a * nl + l;
                prop_assert!(m.out[cell] <= p.movable[c]);
                let mut have =
                    i128::from(p.movable[c]) - i128::from(m.out[cell]) + i128::from(m.inn[cell]);
                if !p.shape.pooled {
                    have += i128::from(m.buy[l]);
                }
                for (j, &(h, lo)) in p.shape.edges.iter().enumerate() {
                    let x = i128::from(m.sub[a * ne + j]);
                    have += if lo == l { x } else { 0 } - if h == l { x } else { 0 };
                }
                prop_assert!(have >= i128::from(p.residual[c]), "milestone {} short", k);
                balance += i128::from(m.out[cell]) - i128::from(m.inn[cell]);
            }
            if p.shape.pooled {
                prop_assert_eq!(balance, 0);
            }
        }
    }
    Ok(())
}

/// The optimum of a single priced licence by brute force over the commitment: given C,
/// add-ons just in time are optimal (their unit costs fall strictly with k at a positive
/// price), and a pool moves max(0, Σdef − held) at each milestone. Returns the least
/// (cost, units, moves) over every C.
fn brute_single(p: &TermProblem) -> (i128, u128, u128) {
    let Some(pr) = p.shape.price[0] else {
        unreachable!()
    };
    let (kn, nv) = (p.n_milestones(), p.shape.n_vas);
    let mut rows = Vec::new();
    for k in 0..kn {
        let (mut def, mut sur) = (0u128, 0u128);
        for a in 0..nv {
            let (d, m) = (p.residual[k * nv + a], p.movable[k * nv + a]);
            def += u128::from(d.saturating_sub(m));
            sur += u128::from(m.saturating_sub(d));
        }
        rows.push((def, def.saturating_sub(sur)));
    }
    let top: u128 = rows.iter().map(|r| r.1).max().unwrap_or(0);
    let pack = u128::from(pr.pack);
    let mut best: Option<(i128, u128, u128)> = None;
    for c in (0..=top.div_ceil(pack)).map(|n| n * pack) {
        let mut held = c + u128::from(p.settings.allowance_units(c as u64));
        let mut cost = c as i128 * p.unit_cost(0, 0);
        let (mut units, mut moves) = (c, 0u128);
        for (k, &(def, need)) in rows.iter().enumerate() {
            if held < need {
                if k == 0 {
                    cost = i128::MAX;
                    break;
                }
                let add = (need - held).div_ceil(pack) * pack;
                cost += add as i128 * p.unit_cost(0, k);
                units += add;
                held += add;
            }
            if p.shape.pooled {
                moves += def.saturating_sub(held);
            }
        }
        if cost != i128::MAX && best.is_none_or(|b| (cost, units, moves) < b) {
            best = Some((cost, units, moves));
        }
    }
    best.expect("committing the top need is feasible")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn closed_form_equals_the_mip(s in spec(1, true)) {
        let p = s.problem();
        prop_assume!(p.has_closed_form());
        let fast = solve_term(&p, &opts(true));
        let mip = solve_term(&p, &opts(false));
        match (&fast, &mip) {
            (Ok(a), Ok(b)) => {
                invariants(&p, a)?;
                invariants(&p, b)?;
                prop_assert_eq!(p.check(a).unwrap(), p.check(b).unwrap());
            }
            _ => prop_assert_eq!(fast, mip),
        }
    }

    #[test]
    fn nested_milestone_optima_equal_the_mip(s in spec(3, false)) {
        // A VA outside transfers, no discount: wherever each milestone's own optimum
        // nests, the term plan made of them has the MIP's three figures.
        prop_assume!(!s.pooled);
        let p = Spec { discount: 0, ..s }.problem();
        prop_assume!(p.has_milestone_form());
        shortcut_equals_the_mip(&p, p.milestone_form(&opts(true)))?;
    }

    #[test]
    fn mip_equals_a_brute_force_over_the_commitment(s in spec(1, true)) {
        let p = s.problem();
        prop_assume!(p.shape.price[0].is_some_and(|x| x.cents > 0));
        let sol = solve_term(&p, &opts(false)).unwrap();
        invariants(&p, &sol)?;
        let f = p.check(&sol).unwrap();
        prop_assert_eq!((f.scaled_cost, f.units, f.moves), brute_single(&p));
    }

    #[test]
    fn allowance_search_equals_a_brute_force_on_wide_ranges(
        k in 1usize..=6,
        pooled in any::<bool>(),
        rows in proptest::collection::vec((0u64..=400, 0u64..=300, 0u64..=300), 6),
        cents in 1i64..=7,
        pack in 1u64..=4,
        discount in prop_oneof![Just(0u32), Just(1500), Just(5000), Just(8000), Just(10_000)],
        allowance in prop_oneof![Just(1000u32), Just(2000), Just(2500), Just(5000), Just(7500)],
    ) {
        // Counts in the hundreds against allowance periods of 2 to 10 packs: the search
        // sees only windows of the commitments the brute force tries one by one.
        let settings = TermSettings::new(12 * k as u32, discount, allowance).unwrap();
        let rows: Vec<Vec<(u64, u64)>> = rows[..k]
            .iter()
            .map(|&(d, m, other)| if pooled { vec![(d, m), (0, other)] } else { vec![(d, m)] })
            .collect();
        let p = single(settings, pooled, &rows, price(cents, pack));
        let sol = solve_term(&p, &opts(true)).unwrap();
        invariants(&p, &sol)?;
        let f = p.check(&sol).unwrap();
        prop_assert_eq!((f.scaled_cost, f.units, f.moves), brute_single(&p));
    }

    #[test]
    fn every_term_solution_holds_its_invariants(s in spec(3, true)) {
        let p = s.problem();
        match solve_term(&p, &opts(true)) {
            Ok(sol) => invariants(&p, &sol)?,
            Err(e) => {
                prop_assert_eq!(&e, &SolveStatus::Infeasible);
                // Infeasible only when a licence that cannot be bought is short even
                // with every substitute: some cell is short with nothing buyable at all.
                prop_assert!(p.shape.price.iter().any(Option::is_none));
            }
        }
    }

    #[test]
    fn a_one_year_term_is_the_single_date_model(s in spec(3, false)) {
        // K = 1 without discount: the scaled cost is the cost × 10000, and every figure
        // equals the single-date solver's.
        let cells = s.n_vas * s.n_lics;
        let p = Spec {
            k: 1,
            discount: 0,
            residual: s.residual[..cells].to_vec(),
            movable: s.movable[..cells].to_vec(),
            ..s
        }
        .problem();
        // The single-date MIP is never handed a component without a single variable
        // (nothing buyable, no pool, no pair: HiGHS calls it an empty model); skip it.
        prop_assume!(p.shape.pooled || !p.shape.edges.is_empty() || p.shape.price.iter().any(Option::is_some));
        let single = solve_family(&p.milestone(0), &opts(true));
        let term = solve_term(&p, &opts(true));
        match (single, term) {
            (Ok(a), Ok(b)) => {
                let fp = p.milestone(0);
                let cost: i128 = (0..p.shape.n_lics)
                    .map(|l| i128::from(a.buy[l]) * i128::from(p.shape.price[l].map_or(0, |x| x.cents)))
                    .sum();
                let units: u128 = a.buy.iter().map(|&x| u128::from(x)).sum();
                let moves: u128 = a.out.iter().map(|&x| u128::from(x)).sum();
                let f = p.check(&b).unwrap();
                prop_assert_eq!(f.scaled_cost, cost * 10_000);
                prop_assert_eq!((f.units, f.moves), (units, moves));
                prop_assert_eq!(f.covered, fp.covered_units(&a.sub));
            }
            (a, b) => prop_assert_eq!(a.err(), b.err()),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1000,
        max_global_rejects: 20_000,
        .. ProptestConfig::default()
    })]

    #[test]
    fn chain_milestone_optima_equal_the_mip(s in chain_spec(), wide in any::<bool>()) {
        // A chain family (a pool's or a VA's), no discount: wherever the milestones'
        // least moves at the least cost (the single-date optimum at the last) can be
        // chosen to nest, the term plan made of them has the MIP's three figures.
        let p = Spec { discount: 0, ..s }.needs_times(if wide { 9 } else { 1 }).problem();
        prop_assume!(p.has_chain_milestone_form() && p.n_milestones() > 1);
        shortcut_equals_the_mip(&p, p.chain_milestone_form(&opts(true)))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, .. ProptestConfig::default() })]

    #[test]
    fn chain_search_equals_the_mip(p in chain_problem()) {
        // A chain family without allowance, pooled or not, any discount: the chain
        // search reaches the MIP's four figures.
        let Some(fast) = p.chain_form() else {
            // Declined: the grid is too large, no plan covers every milestone (nor has
            // the MIP one), or a pool ties on more plans than the search weighs (the
            // MIP decides those).
            if p.chain().is_none() {
                return Ok(());
            }
            match solve_term(&p, &opts(false)) {
                Err(SolveStatus::Infeasible) => {}
                Ok(_) => prop_assert!(p.shape.pooled, "a VA's chain declined"),
                Err(e) => prop_assert!(false, "the MIP failed: {:?}", e),
            }
            return Ok(());
        };
        invariants(&p, &fast)?;
        let mip = solve_term(&p, &opts(false)).unwrap();
        prop_assert_eq!(p.check(&fast).unwrap(), p.check(&mip).unwrap());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn the_mip_agrees_with_the_chain_search_at_the_estates_magnitudes(s in chain_spec()) {
        // Prices near USD 3,000 and needs in the hundreds, as in the M and L-usage
        // estates' 60-month families: the chain search's time does not depend on the
        // prices, so it settles these exactly, and the f64 MIP must reach the same four
        // figures wherever it accepts the magnitudes.
        let s = Spec {
            residual: s.residual.iter().map(|x| x * 25).collect(),
            movable: s.movable.iter().map(|x| x * 25).collect(),
            price: s
                .price
                .iter()
                .map(|p| p.map(|q| Price { cents: q.cents * 59_999, ..q }))
                .collect(),
            ..s
        };
        let p = s.problem();
        prop_assume!(p.has_chain_form());
        let Some(fast) = p.chain_form() else {
            return Ok(());
        };
        invariants(&p, &fast)?;
        let mip = solve_term(&p, &opts(false));
        prop_assert!(mip.is_ok(), "the MIP failed: {:?}", mip);
        prop_assert_eq!(p.check(&fast).unwrap(), p.check(&mip.unwrap()).unwrap());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn aggregate_stages_equal_the_full_mip(p in chain_problem()) {
        // A chain component's cost and units from its prefix rows alone, then the moves
        // stage on the full model: the same four figures as every stage on the full
        // model, or the same refusal.
        let full = p.solve_mip(&opts(false));
        let split = p.solve_mip(&opts(true));
        match (&full, &split) {
            (Ok(a), Ok(b)) => {
                invariants(&p, b)?;
                prop_assert_eq!(p.check(a).unwrap(), p.check(b).unwrap());
            }
            _ => prop_assert_eq!(full, split),
        }
    }
}

#[test]
fn a_later_stage_called_infeasible_is_solved_with_integer_flows() {
    // A pooled component of L-usage over 60 months (11 VAs, a chain of three tiers).
    let prices = vec![price(120000, 1), price(1250, 5), price(120000, 1)];
    let residual = vec![
        0, 0, 36, 4, 0, 0, 0, 0, 143, 4, 0, 0, 15, 10, 0, 4, 0, 0, 0, 0, 4, 0, 0, 143, 0, 0, 357,
        0, 36, 0, 143, 0, 0, 0, 0, 39, 4, 0, 0, 0, 0, 154, 4, 0, 0, 16, 16, 0, 4, 0, 0, 0, 0, 4, 0,
        0, 154, 0, 0, 385, 0, 39, 0, 154, 0, 0, 0, 0, 42, 5, 0, 0, 0, 0, 167, 5, 0, 0, 17, 17, 0,
        5, 0, 0, 0, 0, 5, 0, 0, 167, 0, 0, 416, 0, 42, 0, 167, 0, 0, 0, 0, 45, 5, 0, 0, 0, 0, 180,
        5, 0, 0, 18, 18, 0, 5, 0, 0, 0, 0, 5, 0, 0, 180, 0, 0, 449, 0, 45, 0, 180, 0, 0, 0, 0, 49,
        5, 0, 0, 0, 0, 194, 5, 0, 0, 20, 20, 0, 5, 0, 0, 0, 0, 5, 0, 0, 194, 0, 0, 485, 0, 49, 0,
        194, 0, 0,
    ];
    let movable = vec![
        0, 0, 50, 100, 0, 0, 0, 0, 250, 0, 0, 0, 105, 5, 0, 5, 0, 0, 0, 0, 0, 0, 0, 50, 0, 0, 10,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 250, 0, 0, 0, 5, 5, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 250, 0, 0, 0, 5, 5, 0, 5, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 250, 0, 0, 0, 5, 5, 0, 5,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 250, 0, 0, 0,
        5, 5, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0,
    ];
    let p = pooled_chain_of_60_months(11, prices, vec![(0, 1), (2, 0)], residual, movable);
    // Every licence can be bought, so a plan exists; HiGHS (presolve off) called the
    // units stage of this L-usage component infeasible with relaxed flows.
    let full = solve_term(&p, &opts(false)).unwrap();
    // The fast path (the chain search declines this grid; the MIP's cost and units on
    // the prefix rows) reaches the same four figures.
    let fast = solve_term(&p, &opts(true)).unwrap();
    assert_eq!(p.check(&full).unwrap(), p.check(&fast).unwrap());
}

#[test]
fn a_moves_stage_called_infeasible_is_solved_with_presolve() {
    // Found by the property test `every_term_solution_holds_its_invariants`.
    let s = Spec {
        k: 3,
        pooled: false,
        n_vas: 1,
        n_lics: 2,
        residual: vec![6, 0, 4, 5, 0, 0],
        movable: vec![5, 0, 0, 1, 0, 0],
        price: vec![price(4, 3), price(3, 3)],
        edges: vec![(0, 1)],
        discount: 2500,
        allowance: 3333,
    };
    let p = s.problem();
    // A plan exists (both licences can be bought); HiGHS, presolve off, called the moves
    // stage (cost and units fixed at the optima it had just found) infeasible.
    let sol = solve_term(&p, &opts(true)).unwrap();
    invariants(&p, &sol).unwrap();
    let f = p.check(&sol).unwrap();
    // Needs R_0 = [1, 1], R_1 = [4, 8]: commit a pack of the top tier, add one of each
    // at milestone 1: 3·4·22,500 + 3·4·20,000 + 3·3·20,000 = 690,000 (scale 30,000).
    assert_eq!((f.scaled_cost, f.units, f.moves), (690_000, 9, 0));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn the_chain_search_is_the_same_in_either_width(p in chain_problem()) {
        // Where every value fits `i64`, the narrow search finds the very plan of the
        // wide one; prices ×10^17 (which most often leave `i64`: the test below has
        // one) find the same plan at exactly 10^17 times the (scaled, unrounded) cost.
        let Some(ch) = p.chain() else {
            return Ok(());
        };
        prop_assert!(ch.fits_i64());
        let narrow = p.chain_search::<i64>(&ch);
        prop_assert_eq!(&narrow, &p.chain_search::<i128>(&ch));
        let scale = 100_000_000_000_000_000i64;
        let mut q = p.clone();
        for c in q.shape.price.iter_mut().flatten() {
            c.cents = c.cents.checked_mul(scale).unwrap();
        }
        let scaled = q.chain_form();
        prop_assert_eq!(&scaled, &narrow);
        if let Some(s) = narrow {
            let (f, g) = (p.check(&s).unwrap(), q.check(&s).unwrap());
            prop_assert_eq!(g.scaled_cost, f.scaled_cost * i128::from(scale));
            prop_assert_eq!((g.units, g.moves, g.covered), (f.units, f.moves, f.covered));
        }
    }
}

#[test]
fn prices_beyond_i64_search_in_i128() {
    // The M estate's family of `chain_search_settles_a_family_of_the_m_estate`, its
    // prices ×10^12 (near USD 3·10^15): its costs leave `i64`, and the plan is the same.
    let e = 1_000_000_000_000;
    let p = family_of_the_m_estate(e);
    assert!(!p.chain().unwrap().fits_i64());
    let s = solve_term(&p, &opts(true)).unwrap();
    let f = p.check(&s).unwrap();
    assert_eq!(s.commit, [0, 510, 0]);
    assert_eq!((f.cost_cents(), f.units), (7_840_800 * i128::from(e), 1058));
}
