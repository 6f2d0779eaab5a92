//! The text of one input, with fast line/column lookups and a miette `SourceCode` that does not
//! rescan the whole file for every snippet.

use std::sync::{Arc, OnceLock};

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Bytes between two line-index checkpoints.
const CHECKPOINT: usize = 1 << 12;

/// A position in a file: 1-based line, 1-based column counted in Unicode code points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One input's text, kept whole so that positions can be computed after evaluation.
pub struct SourceFile {
    name: String,
    text: String,
    /// Length of a UTF-8 byte order mark at the start, which editors do not count as a column.
    bom: usize,
    /// (byte offset, 0-based line) every [`CHECKPOINT`] bytes, built on first use.
    checkpoints: OnceLock<Vec<(usize, usize)>>,
}

impl std::fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceFile")
            .field("name", &self.name)
            .field("len", &self.text.len())
            .finish()
    }
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        let text = text.into();
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        Arc::new(SourceFile {
            name: name.into(),
            text,
            bom,
            checkpoints: OnceLock::new(),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text, byte order mark included.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text after the byte order mark, and the offset it starts at.
    pub fn body(&self) -> (&str, usize) {
        (&self.text[self.bom..], self.bom)
    }

    /// Byte offset of `part`, which must be a slice of this file's text.
    pub fn offset_of(&self, part: &str) -> usize {
        let start = self.text.as_ptr() as usize;
        let at = part.as_ptr() as usize;
        debug_assert!(at >= start && at + part.len() <= start + self.text.len());
        at - start
    }

    fn checkpoints(&self) -> &[(usize, usize)] {
        self.checkpoints.get_or_init(|| {
            let bytes = self.text.as_bytes();
            let mut points = vec![(0, 0)];
            let mut line = 0;
            let mut at = 0;
            while at + CHECKPOINT < bytes.len() {
                line += memchr::memchr_iter(b'\n', &bytes[at..at + CHECKPOINT]).count();
                at += CHECKPOINT;
                points.push((at, line));
            }
            points
        })
    }

    /// 0-based line of a byte offset.
    fn line_index(&self, offset: usize) -> usize {
        let points = self.checkpoints();
        let i = points.partition_point(|(o, _)| *o <= offset) - 1;
        let (base, line) = points[i];
        line + memchr::memchr_iter(b'\n', &self.text.as_bytes()[base..offset]).count()
    }

    fn line_start(&self, offset: usize) -> usize {
        let start = memchr::memrchr(b'\n', &self.text.as_bytes()[..offset]).map_or(0, |i| i + 1);
        start.max(if start == 0 { self.bom } else { 0 })
    }

    fn line_end(&self, offset: usize) -> usize {
        memchr::memchr(b'\n', &self.text.as_bytes()[offset..])
            .map_or(self.text.len(), |i| offset + i)
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let start = self.line_start(offset).min(offset);
        LineCol {
            line: self.line_index(offset) + 1,
            column: self.text[start..offset].chars().count() + 1,
        }
    }

    /// Byte offset of a 1-based line and byte column, as serde_json reports errors.
    pub fn offset_of_line_col(text: &str, line: usize, column: usize) -> usize {
        let bytes = text.as_bytes();
        let mut start = 0;
        for _ in 1..line {
            match memchr::memchr(b'\n', &bytes[start..]) {
                Some(i) => start += i + 1,
                None => return bytes.len(),
            }
        }
        (start + column.saturating_sub(1)).min(bytes.len())
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let len = self.text.len();
        let start = span.offset();
        let end = start + span.len();
        if end > len {
            return Err(MietteError::OutOfBounds);
        }
        // Cut a window of whole lines around the span and let miette lay it out.
        let mut window_start = self.line_start(start);
        for _ in 0..context_lines_before {
            if window_start <= self.bom {
                break;
            }
            window_start = self.line_start(window_start - 1);
        }
        let mut window_end = self.line_end(end.saturating_sub(1).max(start));
        for _ in 0..context_lines_after {
            if window_end >= len {
                break;
            }
            window_end = self.line_end(window_end + 1);
        }
        let window_end = (window_end + 1).min(len);
        let window = &self.text.as_bytes()[window_start..window_end];
        let local = SourceSpan::new((start - window_start).into(), span.len());
        let inner = window.read_span(&local, context_lines_before, context_lines_after)?;
        let first_line = self.line_index(window_start);
        let data: &'a [u8] = inner.data();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::new(
                (inner.span().offset() + window_start).into(),
                inner.span().len(),
            ),
            inner.line() + first_line,
            inner.column(),
            inner.line_count() + first_line,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_skips_bom() {
        let file = SourceFile::new("a.json", "\u{feff}{\"a\":\n  \"计划\": 1}");
        let one = file.text().find('1').unwrap();
        assert_eq!(file.line_col(one), LineCol { line: 2, column: 9 });
        assert_eq!(file.line_col(3), LineCol { line: 1, column: 1 });
    }

    #[test]
    fn line_index_crosses_checkpoints() {
        let text = "x\n".repeat(CHECKPOINT * 3);
        let file = SourceFile::new("big.json", text);
        assert_eq!(file.line_col(CHECKPOINT + 4).line, CHECKPOINT / 2 + 3);
    }

    #[test]
    fn serde_json_positions_map_to_offsets() {
        assert_eq!(SourceFile::offset_of_line_col("ab\ncd", 2, 2), 4);
        assert_eq!(SourceFile::offset_of_line_col("ab", 5, 1), 2);
    }
}
