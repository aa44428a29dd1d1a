//! CSV cells a spreadsheet will not run. A cell that begins with `=`, `+`, `-`, `@`, a tab or a
//! carriage return is read as a formula by Excel, LibreOffice and Google Sheets
//! (`=HYPERLINK(...)`), so every CSV Vicinato writes goes through [`write_row`], which puts an
//! apostrophe before such a cell. Plain numbers (`-12.5`) are left alone. [`uncell`] takes the
//! apostrophe off again, so an export read back by Vicinato gives exactly what was written.

use std::borrow::Cow;

/// Whether a value must be neutralised: it begins with a formula character, or it is an
/// apostrophe before a value that must (so that [`uncell`] undoes exactly what [`cell`] did).
fn needs(value: &str) -> bool {
    if value.parse::<f64>().is_ok() {
        return false;
    }
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => true,
        Some('\'') => needs(&value[1..]),
        _ => false,
    }
}

/// The cell to write for a value.
pub fn cell(value: &str) -> Cow<'_, str> {
    if needs(value) { Cow::Owned(format!("'{value}")) } else { Cow::Borrowed(value) }
}

/// The value a cell written by [`cell`] holds.
pub fn uncell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs(rest) => rest,
        _ => cell,
    }
}

/// Writes one record, every cell neutralised.
pub fn write_row<W: std::io::Write, S: AsRef<str>>(
    w: &mut csv::Writer<W>,
    row: impl IntoIterator<Item = S>,
) -> csv::Result<()> {
    let cells: Vec<String> = row.into_iter().map(|v| cell(v.as_ref()).into_owned()).collect();
    w.write_record(&cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_get_an_apostrophe_and_come_back_unchanged() {
        for (value, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+39 06 123", "'+39 06 123"),
            ("-x", "'-x"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tcmd", "'\tcmd"),
            ("\rcmd", "'\rcmd"),
            ("'=x", "''=x"),
            ("'plain", "'plain"),
            ("-12.5", "-12.5"),
            ("Centocelle", "Centocelle"),
            ("", ""),
        ] {
            assert_eq!(cell(value), written, "{value:?}");
            assert_eq!(uncell(written), value, "{written:?}");
        }
    }
}
