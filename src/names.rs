//! Names as an advisor reads them. Every Smart Account has a `DEFAULT` VA, so once a case
//! holds more than one Smart Account a bare VA name is ambiguous: the report, the
//! workbook and the charts then show every VA as `SA / VA`. A case with one Smart
//! Account keeps the bare VA name. (CSV and JSON files have a `smart_account` column of
//! their own and never use this.)

use std::collections::BTreeSet;

use crate::plan::Plan;

/// How VA names are shown for one case: qualified by their Smart Account or not.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VaNames {
    /// The case's Smart Accounts.
    accounts: BTreeSet<String>,
}

impl VaNames {
    /// The naming for a case whose rows name these Smart Accounts (repeats and empty
    /// names are ignored): qualified when there are two or more.
    ///
    /// ```
    /// use reallot::names::VaNames;
    /// let one = VaNames::new(["Acme", "Acme"]);
    /// assert_eq!(one.va("Acme", "DEFAULT"), "DEFAULT");
    /// let two = VaNames::new(["Acme", "Initech"]);
    /// assert_eq!(two.va("Initech", "DEFAULT"), "Initech / DEFAULT");
    /// // A merged pool (`Acme+Initech`) names its VAs `SA/VA` already.
    /// assert_eq!(two.va("Acme+Initech", "Acme/Lab"), "Acme / Lab");
    /// ```
    pub fn new<'a>(smart_accounts: impl IntoIterator<Item = &'a str>) -> VaNames {
        // Distinct names first: a plan's rows repeat a few names a million times (one
        // insert each; collecting would sort every row).
        let mut distinct: BTreeSet<&str> = BTreeSet::new();
        let mut last = "";
        for s in smart_accounts {
            if !s.is_empty() && s != last {
                distinct.insert(s);
                last = s;
            }
        }
        VaNames {
            accounts: distinct.into_iter().map(str::to_string).collect(),
        }
    }

    /// The naming for a plan: the Smart Accounts its positions and findings name (moves
    /// and purchases may name a merged pool instead).
    pub fn of(plan: &Plan) -> VaNames {
        let sas = plan
            .tables
            .positions
            .iter()
            .map(|p| p.smart_account.as_str())
            .chain(
                plan.tables
                    .findings
                    .iter()
                    .map(|f| f.smart_account.as_str()),
            );
        VaNames::new(sas)
    }

    /// Whether VA names carry their Smart Account.
    pub fn qualified(&self) -> bool {
        self.accounts.len() > 1
    }

    /// The VA `va` of Smart Account `sa` as shown: `SA / VA` when qualified, else `VA`.
    /// A row without a VA shows its Smart Account (or nothing); a row without a Smart
    /// Account shows the VA. In a pool of merged Smart Accounts (`A+B`, whose VAs are
    /// named `A/VA`), the VA's own Smart Account is shown: `A / VA`.
    pub fn va(&self, sa: &str, va: &str) -> String {
        if va.is_empty() {
            return if self.qualified() {
                sa.to_string()
            } else {
                String::new()
            };
        }
        if !self.qualified() || sa.is_empty() {
            return va.to_string();
        }
        if !self.accounts.contains(sa) {
            for part in sa.split('+').filter(|p| self.accounts.contains(*p)) {
                if let Some(rest) = va.strip_prefix(part).and_then(|r| r.strip_prefix('/')) {
                    return format!("{part} / {rest}");
                }
            }
        }
        format!("{sa} / {va}")
    }

    /// [`VaNames::va`] in at most `max` characters: when too long, the Smart Account is
    /// shortened first (the VA keeps up to two thirds), each cut marked with `…`.
    ///
    /// ```
    /// use reallot::names::VaNames;
    /// let two = VaNames::new(["Initech Global Holdings", "Acme"]);
    /// assert_eq!(
    ///     two.va_within("Initech Global Holdings", "DEFAULT", 20),
    ///     "Initech G… / DEFAULT"
    /// );
    /// ```
    pub fn va_within(&self, sa: &str, va: &str, max: usize) -> String {
        let full = self.va(sa, va);
        if full.chars().count() <= max {
            return full;
        }
        if !self.qualified() || sa.is_empty() || va.is_empty() {
            return shorten(&full, max);
        }
        let va_room = va.chars().count().min(max * 2 / 3);
        let sa_room = max.saturating_sub(va_room + 3).max(4);
        format!("{} / {}", shorten(sa, sa_room), shorten(va, va_room))
    }
}

/// `label` in at most `max` characters (at least one), cut with an ellipsis.
///
/// ```
/// assert_eq!(reallot::names::shorten("Campus-North", 7), "Campus…");
/// ```
pub fn shorten(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_only_with_two_smart_accounts() {
        let cases: [(&[&str], bool); 5] = [
            (&[], false),
            (&["A"], false),
            (&["A", "A", ""], false),
            (&["A", "B"], true),
            (&["B", "A", "B"], true),
        ];
        for (sas, qualified) in cases {
            assert_eq!(VaNames::new(sas.iter().copied()).qualified(), qualified);
        }
        let two = VaNames::new(["A", "B"]);
        assert_eq!(two.va("A", "DEFAULT"), "A / DEFAULT");
        assert_eq!(two.va("A", ""), "A");
        assert_eq!(two.va("", "Lab"), "Lab");
        assert_eq!(two.va("A+B", "B/DEFAULT"), "B / DEFAULT");
        assert_eq!(two.va("A+B", "C/DEFAULT"), "A+B / C/DEFAULT");
        let long = VaNames::new(["Initech Global Holdings", "Acme"]);
        for max in [12, 20, 30] {
            let v = long.va_within("Initech Global Holdings", "Security Operations", max);
            assert!(v.chars().count() <= max.max(4 + 3 + max * 2 / 3), "{v}");
            assert!(v.contains(" / Secur"), "{v}");
        }
        let one = VaNames::new(["A"]);
        assert_eq!(one.va("A", "DEFAULT"), "DEFAULT");
        assert_eq!(one.va("A", ""), "");
    }
}
