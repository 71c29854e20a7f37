//! A laid-out printout: lines on a fixed character grid, with the few styles a thermal
//! printer has, plus codes. Pure data: the same document becomes the on-screen preview
//! (`text`) and the printer's bytes (`encode`), and is stored in the print queue so a
//! reprint renders exactly what was laid out.

use super::text::{center, pair, width, wrap};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Align {
    Left,
    Center,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Style {
    Normal,
    Bold,
    /// Bold and double height: the width stays one column per half-width character, so the
    /// line still fits the grid.
    Title,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    /// One printed line, at most `cols` columns wide (centered lines are stored unpadded).
    Line { text: String, align: Align, style: Style },
    /// A QR code (model 2) of ASCII text.
    Qr(String),
    /// A CODE128 barcode of ASCII text.
    Code128(String),
    /// The store logo (from the printer settings; not shown in the text preview).
    Logo,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Doc {
    pub cols: usize,
    pub blocks: Vec<Block>,
}

impl Doc {
    pub fn new(cols: usize) -> Doc {
        Doc {
            cols,
            blocks: Vec::new(),
        }
    }

    /// A left-aligned line as given (already fitted to the grid by the `text` helpers).
    pub fn push(&mut self, text: String) {
        self.line(text, Align::Left, Style::Normal);
    }

    fn line(&mut self, text: String, align: Align, style: Style) {
        self.blocks.push(Block::Line { text, align, style });
    }

    /// Text wrapped onto as many lines as it needs.
    pub fn wrap(&mut self, text: &str) {
        self.extend(wrap(text, self.cols));
    }

    /// A label with its amount flush right.
    pub fn pair(&mut self, left: &str, right: &str) {
        self.extend(pair(left, right, self.cols));
    }

    /// Like `pair`, in bold (totals).
    pub fn pair_bold(&mut self, left: &str, right: &str) {
        for l in pair(left, right, self.cols) {
            self.line(l, Align::Left, Style::Bold);
        }
    }

    pub fn center(&mut self, text: &str) {
        self.centered(text, Style::Normal);
    }

    pub fn title(&mut self, text: &str) {
        self.centered(text, Style::Title);
    }

    fn centered(&mut self, text: &str, style: Style) {
        for l in wrap(text, self.cols) {
            self.line(l, Align::Center, style);
        }
    }

    pub fn rule(&mut self) {
        self.push("-".repeat(self.cols));
    }

    pub fn qr(&mut self, data: &str) {
        self.blocks.push(Block::Qr(data.to_string()));
    }

    pub fn logo(&mut self) {
        self.blocks.push(Block::Logo);
    }

    pub fn code128(&mut self, data: &str) {
        self.blocks.push(Block::Code128(data.to_string()));
    }

    /// Marks a reprint: a title line at the top and at the bottom, so a copy can never pass
    /// for the original.
    pub fn mark_copy(&mut self, label: &str) {
        let line = |text: &str| Block::Line {
            text: text.to_string(),
            align: Align::Center,
            style: Style::Title,
        };
        self.blocks.insert(0, line(label));
        self.blocks.push(line(label));
    }

    /// The lines as they look on paper (codes shown as a bracketed note).
    pub fn lines(&self) -> Vec<String> {
        self.blocks
            .iter()
            .flat_map(|b| match b {
                Block::Line {
                    text,
                    align: Align::Center,
                    ..
                } => center(text, self.cols),
                Block::Line { text, .. } => vec![text.clone()],
                Block::Qr(data) => center(&format!("[QR {data}]"), self.cols),
                Block::Code128(data) => center(&format!("[|||| {data}]"), self.cols),
                Block::Logo => Vec::new(),
            })
            .collect()
    }

    pub fn text(&self) -> String {
        let mut s = self.lines().join("\n");
        s.push('\n');
        s
    }

    /// True when every line fits the grid (layout code keeps it so; checked in tests).
    pub fn fits(&self) -> bool {
        self.lines().iter().all(|l| width(l) <= self.cols)
    }
}

impl Extend<String> for Doc {
    fn extend<I: IntoIterator<Item = String>>(&mut self, lines: I) {
        for l in lines {
            self.push(l);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_marks_both_ends_and_preview_centres() {
        let mut d = Doc::new(10);
        d.center("ab");
        d.pair("x", "1.00");
        d.qr("S1");
        d.mark_copy("COPY");
        assert_eq!(
            d.lines(),
            vec!["   COPY", "    ab", "x     1.00", " [QR S1]", "   COPY"]
        );
        assert!(d.fits());
        let json = serde_json::to_string(&d).expect("json");
        assert_eq!(serde_json::from_str::<Doc>(&json).expect("back"), d);
    }
}
