//! Fixed-width text for receipts: CJK characters take two columns.

use unicode_width::UnicodeWidthChar;

/// Columns on common paper widths.
pub const WIDTH_58MM: usize = 32;
pub const WIDTH_80MM: usize = 48;

pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Splits text into pieces of at most `cols` columns, never splitting a character. Latin
/// text breaks after a word where it can; CJK text, which has no spaces, anywhere.
pub fn wrap(s: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(2);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > cols {
            // The last space with text before it ends the line; the word after it moves on.
            let space = line.rfind(' ').filter(|&i| c != ' ' && !line[..i].trim().is_empty());
            let rest = match space {
                Some(i) => {
                    let rest = line[i + 1..].to_string();
                    line.truncate(i);
                    rest
                }
                None => String::new(),
            };
            out.push(line.trim_end().to_string());
            line = rest;
            used = width(&line);
            if used + w > cols {
                out.push(std::mem::take(&mut line));
                used = 0;
            }
            if c == ' ' && line.is_empty() {
                continue;
            }
        }
        line.push(c);
        used += w;
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// `left` then `right` flush to the right edge; `left` wraps above when both don't fit.
pub fn pair(left: &str, right: &str, cols: usize) -> Vec<String> {
    let rw = width(right);
    let mut lines = wrap(left, cols);
    let last = lines.pop().unwrap_or_default();
    let lw = width(&last);
    if lw + 1 + rw <= cols {
        lines.push(format!("{last}{}{right}", " ".repeat(cols - lw - rw)));
    } else {
        lines.push(last);
        lines.push(format!("{}{right}", " ".repeat(cols.saturating_sub(rw))));
    }
    lines
}

/// A line laid out for wider paper (a terminal's slip): the widest gaps shrink, one space
/// at a time, until it fits, so "Label:      value" keeps label and value on one line.
pub fn squeeze(s: &str, cols: usize) -> String {
    let mut line = s.trim_end().to_string();
    while width(&line) > cols {
        let Some((at, len)) = widest_gap(&line).filter(|(_, len)| *len > 1) else {
            break;
        };
        line.replace_range(at..at + len, &" ".repeat(len - 1));
    }
    line
}

/// Byte offset and length of the longest run of spaces after the first non-space.
fn widest_gap(s: &str) -> Option<(usize, usize)> {
    let start = s.len() - s.trim_start().len();
    let mut best: Option<(usize, usize)> = None;
    let mut run: Option<usize> = None;
    for (i, c) in s[start..].char_indices().map(|(i, c)| (i + start, c)) {
        match (c == ' ', run) {
            (true, None) => run = Some(i),
            (false, Some(from)) => {
                if best.is_none_or(|(_, len)| i - from > len) {
                    best = Some((from, i - from));
                }
                run = None;
            }
            _ => {}
        }
    }
    best
}

pub fn center(s: &str, cols: usize) -> Vec<String> {
    wrap(s, cols)
        .into_iter()
        .map(|l| format!("{}{l}", " ".repeat(cols.saturating_sub(width(&l)) / 2)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_counts_double_and_amounts_stay_right() {
        assert_eq!(width("可乐Cola"), 8);
        let lines = pair("可口可乐 Coca-Cola 330ml 罐装", "7.00", 32);
        assert!(lines.iter().all(|l| width(l) <= 32), "{lines:?}");
        assert!(lines.last().is_some_and(|l| l.ends_with("7.00") && width(l) == 32));
        assert_eq!(wrap("一二三四五", 4), vec!["一二", "三四", "五"]);
        assert_eq!(
            wrap("Organic extra virgin olive oil gift box", 16),
            vec!["Organic extra", "virgin olive oil", "gift box"]
        );
        assert_eq!(wrap("Supercalifragilistic", 8), vec!["Supercal", "ifragili", "stic"]);
        assert_eq!(wrap("  1 x 3.50 + VAT 13%", 10), vec!["  1 x 3.50", "+ VAT 13%"]);
        assert_eq!(center("ab", 6), vec!["  ab"]);
        let date = squeeze("Date:          2026-11-27 01:48:43", 32);
        assert_eq!((date.as_str(), width(&date)), ("Date:        2026-11-27 01:48:43", 32));
        assert_eq!(
            squeeze("   ** Customer **", 10),
            "   ** Customer **",
            "nothing left to shrink"
        );
        assert_eq!(squeeze("a  b    c", 6), "a b  c");
    }
}
