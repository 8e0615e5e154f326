//! Spreadsheet-formula guard for names written to CSV files (README, "Safety").
//!
//! A CSV opened in a spreadsheet turns a cell that starts with `=`, `+`, `-` or `@` (or a
//! tab or carriage return) into a formula. Names land in such cells, so every name that
//! starts with one of those characters, or with an apostrophe, is written with one
//! leading apostrophe (`'`), the spreadsheet convention for "text as written". Reading a
//! plan back removes exactly one leading apostrophe, so the mapping round-trips for every
//! name: `=HYPERLINK(…)` ↔ `'=HYPERLINK(…)`, `'quoted` ↔ `''quoted`, `plain` ↔ `plain`.

use std::borrow::Cow;

/// Whether a name needs the guard when written to a CSV cell.
fn needs_guard(name: &str) -> bool {
    matches!(
        name.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'')
    )
}

/// The text a CSV cell holds for `name`.
pub fn guard(name: &str) -> Cow<'_, str> {
    if needs_guard(name) {
        Cow::Owned(format!("'{name}"))
    } else {
        Cow::Borrowed(name)
    }
}

/// The name a CSV cell written by [`guard`] holds.
pub fn unguard(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for name in [
            "plain",
            "=HYPERLINK(\"x\")",
            "+1",
            "-a",
            "@sum",
            "'q",
            "''",
            "\tx",
            "",
        ] {
            let cell = guard(name);
            assert_eq!(unguard(&cell), name, "{name:?}");
        }
        assert_eq!(guard("=1+1"), "'=1+1");
        assert_eq!(guard("CUWL"), "CUWL");
        assert_eq!(guard("'x"), "''x");
    }
}
