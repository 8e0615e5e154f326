//! summary.json: every figure recomputed from the case and the plan's tables.

use std::collections::BTreeMap;

use serde_json::value::RawValue;

use crate::model::SolveStatus;

use super::money::{fmt_cents, parse_money};
use super::renewal::Renewal;
use super::tables::Tables;
use super::{Verifier, VerifyReport};

impl Verifier<'_> {
    /// summary.json: every key reallot writes, each figure as the case and the plan's
    /// tables give it, and no other key.
    pub(super) fn summary_figures(
        &mut self,
        s: &BTreeMap<String, Box<RawValue>>,
        t: &Tables,
        vendor: (u128, i128),
        renewal: Option<&Renewal>,
    ) {
        const PURCHASES: &str = "purchases.csv adds up to";
        const CASE: &str = "the case gives";
        const QUOTE: &str = "the vendor's per-VA reading at the renewal date with every expiring lot renewed (renewal.csv's vendor_quote inside substitution families) gives";
        const VENDOR: &str = "the vendor's per-VA reading of the case (positions.csv's vendor_shortfall column inside substitution families) adds up to";
        let e = self.m.e;
        let hy = &self.m.hygiene;
        let want: Vec<(&str, Want)> = vec![
            ("case", Want::Text(e.name.clone())),
            ("scenario", Want::Text(self.scenario.name.clone())),
            ("status", Want::Text(SolveStatus::OPTIMAL.into())),
            ("as_of", Want::Text(self.m.as_of.to_string())),
            ("evaluated_at", Want::Text(self.m.t.to_string())),
            ("currency", Want::Text(e.currency.clone())),
            ("purchase_units", Want::Units(t.bought_units, PURCHASES)),
            ("purchase_cost", Want::Money(t.bought_cost, PURCHASES)),
            (
                "licences_moved",
                Want::Units(t.moved_total, "moves.csv adds up to"),
            ),
            (
                "transfers",
                Want::Units(t.move_rows, "the rows of moves.csv number"),
            ),
            (
                "substituted_units",
                Want::Units(t.sub_total, "substitutions.csv adds up to"),
            ),
            (
                "vendor_view",
                Want::Object(vec![
                    ("shortfall_units", Want::Units(vendor.0, VENDOR)),
                    ("shortfall_cost", Want::Money(vendor.1, VENDOR)),
                ]),
            ),
            (
                "renewal",
                match renewal {
                    None => Want::Null,
                    Some(r) => {
                        let savings = r.quote_cost.saturating_sub(r.recommended_cost);
                        Want::Object(vec![
                            ("date", Want::Text(r.date.to_string())),
                            ("expiring_units", Want::Units(r.expiring, CASE)),
                            ("recommended_units", Want::Units(r.recommended, PURCHASES)),
                            (
                                "like_for_like_cost",
                                Want::Money(r.like_for_like_cost, CASE),
                            ),
                            (
                                "like_for_like_shortfall_units",
                                Want::Units(r.shortfall, QUOTE),
                            ),
                            ("vendor_quote_units", Want::Units(r.quote_units, QUOTE)),
                            ("vendor_quote_cost", Want::Money(r.quote_cost, QUOTE)),
                            (
                                "recommended_cost",
                                Want::Money(r.recommended_cost, PURCHASES),
                            ),
                            (
                                "savings",
                                Want::Money(savings, "vendor_quote_cost − recommended_cost is"),
                            ),
                            ("savings_note", Want::NoteIf(savings < 0)),
                        ])
                    }
                },
            ),
            (
                "hygiene",
                Want::Object(vec![
                    ("stale_instances", Want::Units(hy.stale, CASE)),
                    ("retired_instances", Want::Units(hy.retired, CASE)),
                    ("released_units", Want::Units(hy.released_units, CASE)),
                    (
                        "released_reservations",
                        Want::Units(hy.released_reservations, CASE),
                    ),
                ]),
            ),
        ];
        check_object(&mut self.rep, "", s, &want);
    }
}

/// An expected summary.json value.
enum Want {
    Text(String),
    /// Units, and where the figure comes from.
    Units(u128, &'static str),
    /// Cents, and where the figure comes from.
    Money(i128, &'static str),
    Null,
    /// A note in words when the condition holds, else null.
    NoteIf(bool),
    Object(Vec<(&'static str, Want)>),
}

/// Checks one object of summary.json; `prefix` is the path of the object (`""` at the top,
/// else e.g. `"renewal."`).
fn check_object(
    rep: &mut VerifyReport,
    prefix: &str,
    got: &BTreeMap<String, Box<RawValue>>,
    want: &[(&str, Want)],
) {
    for k in got.keys() {
        rep.check(want.iter().any(|(w, _)| w == k), || {
            format!("summary.json: key {prefix}{k} is not one reallot writes (verify cannot vouch for it)")
        });
    }
    for (key, w) in want {
        let at = format!("summary.json: {prefix}{key}");
        let Some(raw) = got.get(*key) else {
            rep.fail(format!("{at} is missing"));
            continue;
        };
        let text = raw.get().trim();
        match w {
            Want::Text(s) => {
                let g: Option<String> = serde_json::from_str(text).ok();
                rep.check(g.as_deref() == Some(s.as_str()), || {
                    format!("{at} is {text}, the case and the scenario give {s:?}")
                });
            }
            Want::Units(u, src) => {
                let g: Option<u64> = serde_json::from_str(text).ok();
                rep.check(g.map(u128::from) == Some(*u), || {
                    format!("{at} is {text}, {src} {u}")
                });
            }
            Want::Money(m, src) => {
                rep.check(parse_money(text) == Some(*m), || {
                    format!("{at} is {text}, {src} {}", fmt_cents(*m))
                });
            }
            Want::Null => {
                rep.check(text == "null", || {
                    format!("{at} is {text}, but the scenario sizes no renewal (null)")
                });
            }
            Want::NoteIf(due) => {
                let g: Option<Option<String>> = serde_json::from_str(text).ok();
                let ok = match g {
                    Some(Some(n)) => *due && !n.trim().is_empty(),
                    Some(None) => !*due,
                    None => false,
                };
                rep.check(ok, || {
                    if *due {
                        format!("{at} is {text}, but the savings are negative: a note must say why")
                    } else {
                        format!("{at} is {text}, but the savings are not negative (null)")
                    }
                });
            }
            Want::Object(fields) => {
                match serde_json::from_str::<BTreeMap<String, Box<RawValue>>>(text) {
                    Ok(obj) => check_object(rep, &format!("{prefix}{key}."), &obj, fields),
                    Err(_) => rep.fail(format!("{at} is {text}, not an object")),
                }
            }
        }
    }
}
