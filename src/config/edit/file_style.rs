//! The look of an existing config file that the settings form keeps when it rewrites it:
//! a file saved by a Windows editor (CRLF line breaks, often a byte order mark) must not come
//! back with Unix line breaks after a save that changed one value. toml_edit keeps comments
//! and order but writes `\n` and drops the mark, so both are put back here.

const BOM: char = '\u{feff}';

/// How an existing file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStyle {
    bom: bool,
    crlf: bool,
}

impl FileStyle {
    /// The style of `text`: CRLF when every line break in it is one (a file that mixes
    /// both gets `\n`, the TOML writer's own choice).
    pub fn of(text: &str) -> Self {
        let breaks = text.matches('\n').count();
        Self {
            bom: text.starts_with(BOM),
            crlf: breaks > 0 && text.matches("\r\n").count() == breaks,
        }
    }

    /// `rendered` (as the TOML writer wrote it) in this style.
    pub fn apply(self, rendered: &str) -> String {
        let body = rendered.strip_prefix(BOM).unwrap_or(rendered);
        let mut out = String::with_capacity(body.len() + body.len() / 16 + 3);
        if self.bom {
            out.push(BOM);
        }
        if self.crlf {
            // Normalise first, so a break the writer kept as CRLF is not doubled.
            out.push_str(&body.replace("\r\n", "\n").replace('\n', "\r\n"));
        } else {
            out.push_str(body);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::FileStyle;

    #[test]
    fn a_windows_file_keeps_its_breaks_and_mark() {
        let style = FileStyle::of("\u{feff}[a]\r\nx = 1\r\n");
        assert_eq!(style.apply("[a]\nx = 2\n"), "\u{feff}[a]\r\nx = 2\r\n");
        assert_eq!(style.apply("[a]\r\nx = 2\n"), "\u{feff}[a]\r\nx = 2\r\n");
    }

    #[test]
    fn a_unix_or_mixed_file_gets_plain_breaks() {
        assert_eq!(FileStyle::of("[a]\nx = 1\n").apply("[a]\nx = 2\n"), "[a]\nx = 2\n");
        assert_eq!(FileStyle::of("[a]\nx = 1\r\n").apply("[a]\nx = 2\n"), "[a]\nx = 2\n");
        assert_eq!(FileStyle::of("").apply("x = 2\n"), "x = 2\n");
    }
}
