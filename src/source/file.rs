//! The text of one input, with fast line/column lookups and a miette `SourceCode` that does not
//! rescan the whole file for every snippet.
//!
//! Big dumps are memory-mapped instead of read into memory. The loader walks a mapped dump
//! front to back and hands the pages it is done with back to the kernel ([`SourceFile::release_before`]),
//! so the size of a dump never shows in the resident memory of the run; a page read again later
//! (a snippet, a finding's position) is simply faulted in again from the file.

use std::fs::File;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use memmap2::Mmap;
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Bytes between two position-index checkpoints.
const CHECKPOINT: usize = 1 << 13;
/// Bytes a mapped file is validated and indexed in before its pages are released.
const CHUNK: usize = 1 << 22;
/// How far a front-to-back reader gets past the released part before more is released.
const RELEASE_STEP: usize = 1 << 22;
/// Bytes of a long line shown on either side of a snippet's span.
const LONG_LINE: usize = 1024;

/// A position in a file: 1-based line, 1-based column counted in Unicode code points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Line and column at a byte offset, both 0-based; the column counts characters.
#[derive(Debug, Clone, Copy)]
struct Checkpoint {
    offset: usize,
    line: usize,
    column: usize,
}

enum Text {
    Owned(String),
    /// Validated as UTF-8 when mapped.
    Mapped(Mmap),
}

/// One input's text, kept (or mapped) whole so that positions can be computed after evaluation.
pub struct SourceFile {
    name: String,
    text: Text,
    /// Length of a UTF-8 byte order mark at the start, which editors do not count as a column.
    bom: usize,
    /// A checkpoint every [`CHECKPOINT`] bytes: built on first use, or while a mapped file is
    /// validated.
    index: OnceLock<Vec<Checkpoint>>,
    /// Mapped files: the bytes before this offset have been released.
    released: AtomicUsize,
}

impl std::fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceFile")
            .field("name", &self.name)
            .field("len", &self.text().len())
            .field("mapped", &matches!(self.text, Text::Mapped(_)))
            .finish()
    }
}

/// Where a mapped file stops being UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotUtf8At {
    pub line: usize,
    pub column: usize,
}

fn bom_len(bytes: &[u8]) -> usize {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    }
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        let text = text.into();
        Arc::new(SourceFile {
            name: name.into(),
            bom: bom_len(text.as_bytes()),
            text: Text::Owned(text),
            index: OnceLock::new(),
            released: AtomicUsize::new(0),
        })
    }

    /// Maps a regular file, checking that it is UTF-8 and indexing its lines on one pass that
    /// releases every chunk once it is done with it.
    pub fn map(
        name: impl Into<String>,
        file: &File,
    ) -> std::io::Result<Result<Arc<SourceFile>, NotUtf8At>> {
        // SAFETY: the mapping is read-only and private, and the text is only ever read. Like
        // every tool that maps its input, a run whose input file is truncated by another
        // process while it runs may be stopped by SIGBUS; it never reads altered memory as
        // valid text, because every byte was validated before use and pages are re-read from
        // the file unchanged.
        let map = unsafe { Mmap::map(file)? };
        let bytes: &[u8] = &map;
        let points = match check_and_index(bytes, |done| {
            release(&map, 0, done.saturating_sub(CHECKPOINT));
        }) {
            Ok(points) => points,
            Err(at) => return Ok(Err(at)),
        };
        let bom = bom_len(bytes);
        let source = SourceFile {
            name: name.into(),
            bom,
            text: Text::Mapped(map),
            index: OnceLock::from(points),
            released: AtomicUsize::new(0),
        };
        Ok(Ok(Arc::new(source)))
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the text is mapped from its file rather than held in memory.
    pub fn is_mapped(&self) -> bool {
        matches!(self.text, Text::Mapped(_))
    }

    /// The whole text, byte order mark included.
    pub fn text(&self) -> &str {
        match &self.text {
            Text::Owned(text) => text,
            // SAFETY: validated as UTF-8 by `map`, and never written.
            Text::Mapped(map) => unsafe { std::str::from_utf8_unchecked(map) },
        }
    }

    /// The text after the byte order mark, and the offset it starts at.
    pub fn body(&self) -> (&str, usize) {
        (&self.text()[self.bom..], self.bom)
    }

    /// Byte offset of `part`, which must be a slice of this file's text.
    pub fn offset_of(&self, part: &str) -> usize {
        let text = self.text();
        let start = text.as_ptr() as usize;
        let at = part.as_ptr() as usize;
        debug_assert!(at >= start && at + part.len() <= start + text.len());
        at - start
    }

    /// A hint from a reader that goes through the file front to back: it is done with
    /// everything before `offset`. A mapped file hands those pages back to the kernel (a later
    /// read faults them in again); a file in memory ignores the hint.
    pub fn release_before(&self, offset: usize) {
        let Text::Mapped(map) = &self.text else {
            return;
        };
        let done = self.released.load(Ordering::Relaxed);
        if offset < done {
            // A new pass from the front (positions for a report, after the load's pass).
            self.released.store(offset, Ordering::Relaxed);
        } else if offset > done + RELEASE_STEP {
            // From the start again: pages before `done` can be mapped again behind the
            // reader (the kernel maps large page-cache folios whole), and a range already
            // released costs the kernel little to walk.
            let released = release(map, 0, offset);
            self.released.store(released, Ordering::Relaxed);
        }
    }

    fn index(&self) -> &[Checkpoint] {
        self.index.get_or_init(|| {
            let mut index = IndexBuilder::default();
            index.feed(self.text().as_bytes());
            index.points
        })
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let text = self.text();
        let offset = floor_char_boundary(text, offset.min(text.len()));
        position(text.as_bytes(), self.index(), self.bom, offset)
    }

    /// Byte offset of a 1-based line and byte column of the body (the text after the byte
    /// order mark), as serde_json reports errors in it.
    pub fn offset_of_body_line_col(&self, line: usize, column: usize) -> usize {
        let bytes = self.text().as_bytes();
        let target = line.saturating_sub(1);
        let start = if target == 0 {
            self.bom
        } else {
            // The last checkpoint on an earlier line, then count the remaining line breaks.
            let points = self.index();
            let i = points.partition_point(|c| c.line < target).max(1) - 1;
            let mut start = points[i].offset;
            let mut line = points[i].line;
            while line < target {
                match memchr::memchr(b'\n', &bytes[start..]) {
                    Some(i) => {
                        start += i + 1;
                        line += 1;
                    }
                    None => return bytes.len(),
                }
            }
            start
        };
        (start + column.saturating_sub(1)).min(bytes.len())
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

    /// Start of the line holding `offset`, or a character boundary at most [`LONG_LINE`]
    /// bytes back on a long line.
    fn line_start_near(&self, offset: usize) -> usize {
        let text = self.text();
        let from = offset.saturating_sub(LONG_LINE);
        match memchr::memrchr(b'\n', &text.as_bytes()[from..offset]) {
            Some(i) => from + i + 1,
            None if from == 0 => self.bom.min(offset),
            None => ceil_char_boundary(text, from).min(offset),
        }
    }

    /// End of the line holding `offset` (its line break), or a character boundary at most
    /// [`LONG_LINE`] bytes on.
    fn line_end_near(&self, offset: usize) -> usize {
        let text = self.text();
        let to = (offset + LONG_LINE).min(text.len());
        match memchr::memchr(b'\n', &text.as_bytes()[offset..to]) {
            Some(i) => offset + i,
            None if to == text.len() => to,
            None => floor_char_boundary(text, to).max(offset),
        }
    }
}

/// Hands the pages of `from..to` back to the kernel. Only whole pages inside the range are
/// released; the text stays readable (a later read faults the pages in again from the file).
/// Returns where the released part ends: the next release should start there, so that no page
/// on a boundary is left behind.
fn release(map: &Mmap, from: usize, to: usize) -> usize {
    const ALIGN: usize = 1 << 16; // a multiple of every page size in use
    let start = from / ALIGN * ALIGN;
    let end = to.min(map.len()) / ALIGN * ALIGN;
    if end <= start {
        return from;
    }
    #[cfg(unix)]
    {
        // SAFETY: the mapping is a read-only private file mapping that is never written,
        // so dropping its pages loses nothing: they are read back from the file on the
        // next access, with the same content.
        let _ = unsafe {
            map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, start, end - start)
        };
    }
    end
}

/// Checks that `bytes` are UTF-8 and builds their checkpoints, [`CHUNK`] bytes at a time on
/// every core, calling `done(offset)` once everything before `offset` has been checked.
fn check_and_index(
    bytes: &[u8],
    mut done: impl FnMut(usize),
) -> Result<Vec<Checkpoint>, NotUtf8At> {
    use rayon::prelude::*;
    let window = CHUNK * rayon::current_num_threads().max(1);
    let mut points: Vec<Checkpoint> = Vec::new();
    let (mut line, mut column) = (0, 0);
    let mut at = 0;
    while at < bytes.len() {
        let end = (at + window).min(bytes.len());
        let starts: Vec<usize> = (at..end).step_by(CHUNK).collect();
        let parts: Vec<(IndexBuilder, Option<usize>)> = starts
            .par_iter()
            .map(|&start| {
                let stop = (start + CHUNK).min(bytes.len());
                let mut index = IndexBuilder {
                    at: start,
                    ..IndexBuilder::default()
                };
                index.feed(&bytes[start..stop]);
                // Validate from the first character that starts in this chunk to the first
                // that starts in the next: a character cut by the boundary is checked once.
                let (from, to) = (char_start(bytes, start), char_start(bytes, stop));
                let error = std::str::from_utf8(&bytes[from..to])
                    .err()
                    .map(|e| from + e.valid_up_to());
                (index, error)
            })
            .collect();
        let mut error = None;
        for (index, e) in parts {
            // Positions in a chunk are counted from its start: carry the lines and the column
            // reached before it.
            points.extend(index.points.into_iter().map(|p| Checkpoint {
                offset: p.offset,
                line: line + p.line,
                column: if p.line == 0 {
                    column + p.column
                } else {
                    p.column
                },
            }));
            if index.line > 0 {
                line += index.line;
                column = index.column;
            } else {
                column += index.column;
            }
            error = error.or(e);
        }
        if let Some(offset) = error {
            let pos = position(bytes, &points, bom_len(bytes), offset);
            return Err(NotUtf8At {
                line: pos.line,
                column: pos.column,
            });
        }
        done(end);
        at = end;
    }
    if points.is_empty() {
        points.push(Checkpoint {
            offset: 0,
            line: 0,
            column: 0,
        });
    }
    Ok(points)
}

/// The first offset at or after `at` where a character starts (or the end): past at most three
/// continuation bytes, the longest tail a character has. The text's start is always one (any
/// continuation byte there is an error to find).
fn char_start(bytes: &[u8], at: usize) -> usize {
    if at == 0 {
        return 0;
    }
    let mut i = at;
    while i < bytes.len() && i < at + 3 && (bytes[i] & 0xC0) == 0x80 {
        i += 1;
    }
    i
}

/// Builds checkpoints over bytes fed in order.
#[derive(Default)]
struct IndexBuilder {
    points: Vec<Checkpoint>,
    at: usize,
    line: usize,
    column: usize,
}

impl IndexBuilder {
    /// `bytes` continue the text; every chunk but the last is a multiple of [`CHECKPOINT`].
    fn feed(&mut self, bytes: &[u8]) {
        for block in bytes.chunks(CHECKPOINT) {
            self.points.push(Checkpoint {
                offset: self.at,
                line: self.line,
                column: self.column,
            });
            match memchr::memrchr(b'\n', block) {
                Some(last) => {
                    self.line += memchr::memchr_iter(b'\n', block).count();
                    self.column = chars(&block[last + 1..]);
                }
                None => self.column += chars(block),
            }
            self.at += block.len();
        }
        if self.points.is_empty() {
            self.points.push(Checkpoint {
                offset: 0,
                line: 0,
                column: 0,
            });
        }
    }
}

/// Characters in UTF-8 bytes (a character cut at either end counts where its first byte is).
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count()
}

/// 1-based line and column of a byte offset (a character boundary) from the checkpoints.
fn position(bytes: &[u8], points: &[Checkpoint], bom: usize, offset: usize) -> LineCol {
    let cp = points[points.partition_point(|c| c.offset <= offset).max(1) - 1];
    let span = &bytes[cp.offset..offset];
    let (line, column) = match memchr::memrchr(b'\n', span) {
        None => (cp.line, cp.column + chars(span)),
        Some(last) => (
            cp.line + memchr::memchr_iter(b'\n', span).count(),
            chars(&span[last + 1..]),
        ),
    };
    // The byte order mark is not a column.
    let column = if line == 0 && bom > 0 && offset >= bom {
        column - 1
    } else {
        column
    };
    LineCol {
        line: line + 1,
        column: column + 1,
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn ceil_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset += 1;
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
        let text = self.text();
        let len = text.len();
        let start = span.offset();
        let end = start + span.len();
        if end > len {
            return Err(MietteError::OutOfBounds);
        }
        let start = floor_char_boundary(text, start);
        let end = ceil_char_boundary(text, end);
        // Cut a window of whole lines around the span (at most a few hundred bytes of a long
        // line on either side) and let miette lay it out.
        let bytes = text.as_bytes();
        let mut window_start = self.line_start_near(start);
        // Context lines are shown whole, or not at all.
        for _ in 0..context_lines_before {
            if window_start <= self.bom || bytes[window_start - 1] != b'\n' {
                break;
            }
            let before = self.line_start_near(window_start - 1);
            if before > self.bom && bytes[before - 1] != b'\n' {
                break;
            }
            window_start = before;
        }
        let mut window_end = self.line_end_near(end.saturating_sub(1).max(start));
        for _ in 0..context_lines_after {
            if window_end >= len || bytes[window_end] != b'\n' {
                break;
            }
            let after = self.line_end_near(window_end + 1);
            if after < len && bytes[after] != b'\n' {
                break;
            }
            window_end = after;
        }
        let window_end = if window_end < len && bytes[window_end] == b'\n' {
            window_end + 1
        } else {
            window_end
        };
        let window = &bytes[window_start..window_end];
        let local = SourceSpan::new((start - window_start).into(), end - start);
        let inner = window.read_span(&local, context_lines_before, context_lines_after)?;
        let first = self.line_col(window_start);
        let column = if inner.line() == 0 {
            inner.column() + first.column - 1
        } else {
            inner.column()
        };
        let data: &'a [u8] = inner.data();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::new(
                (inner.span().offset() + window_start).into(),
                inner.span().len(),
            ),
            inner.line() + first.line - 1,
            column,
            inner.line_count() + first.line - 1,
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
        assert_eq!(file.line_col(4), LineCol { line: 1, column: 2 });
    }

    #[test]
    fn line_index_crosses_checkpoints() {
        let text = "x\n".repeat(CHECKPOINT * 3);
        let file = SourceFile::new("big.json", text);
        assert_eq!(file.line_col(CHECKPOINT + 4).line, CHECKPOINT / 2 + 3);
        assert_eq!(
            file.offset_of_body_line_col(CHECKPOINT / 2 + 3, 1),
            CHECKPOINT + 4
        );
    }

    #[test]
    fn columns_on_a_long_line_cross_checkpoints() {
        let text = format!("{}\"é\"", "é".repeat(CHECKPOINT * 2));
        let file = SourceFile::new("long.json", text);
        let at = file.text().rfind('"').unwrap();
        assert_eq!(
            file.line_col(at),
            LineCol {
                line: 1,
                column: CHECKPOINT * 2 + 3
            }
        );
    }

    #[test]
    fn serde_json_positions_map_to_offsets() {
        assert_eq!(SourceFile::offset_of_line_col("ab\ncd", 2, 2), 4);
        assert_eq!(SourceFile::offset_of_line_col("ab", 5, 1), 2);
        let file = SourceFile::new("a", "\u{feff}ab\ncd");
        assert_eq!(file.offset_of_body_line_col(1, 2), 4);
        assert_eq!(file.offset_of_body_line_col(2, 2), 7);
        assert_eq!(file.offset_of_body_line_col(9, 1), 8);
    }

    #[test]
    fn snippets_of_a_long_line_are_cut_around_the_span() {
        let text = format!("{{\"a\": \"{}\", \"b\": x}}", "y".repeat(100_000));
        let file = SourceFile::new("long.json", text);
        let at = file.text().find('x').unwrap();
        let span = SourceSpan::new(at.into(), 1);
        let contents = file.read_span(&span, 1, 1).unwrap();
        assert!(contents.data().len() < 2 * LONG_LINE + 10);
        assert_eq!(contents.line(), 0);
    }

    fn serial_points(bytes: &[u8]) -> Vec<(usize, usize, usize)> {
        let mut index = IndexBuilder::default();
        index.feed(bytes);
        index
            .points
            .iter()
            .map(|p| (p.offset, p.line, p.column))
            .collect()
    }

    /// Texts of a few chunks: lines of several lengths and characters of 1 to 4 bytes, so that
    /// chunk and checkpoint boundaries fall inside characters and lines.
    fn mixed_text(chunks: usize) -> String {
        let pieces = ["a", "é", "计", "𝄞", "\n", "\n\n", "bb"];
        let mut text = String::new();
        let mut i = 0usize;
        while text.len() < CHUNK * chunks + 12_345 {
            text.push_str(pieces[(i * 7 + i / 13) % pieces.len()]);
            if i % 5000 == 0 {
                text.push_str(&"long line ".repeat(2000));
            }
            i += 1;
        }
        text
    }

    #[test]
    fn the_parallel_index_is_the_serial_one() {
        for text in [
            mixed_text(3),
            "x".repeat(CHUNK * 2 + 5),
            "\n".repeat(CHUNK + 1),
            String::new(),
        ] {
            let bytes = text.as_bytes();
            let mut done = Vec::new();
            let points = check_and_index(bytes, |at| done.push(at)).unwrap();
            let points: Vec<_> = points
                .iter()
                .map(|p| (p.offset, p.line, p.column))
                .collect();
            assert_eq!(points, serial_points(bytes));
            assert!(done.windows(2).all(|w| w[0] < w[1]));
            assert_eq!(done.last().copied().unwrap_or(0), bytes.len());
        }
    }

    #[test]
    fn the_first_invalid_byte_is_found_wherever_chunks_cut() {
        let text = mixed_text(3);
        // Just before, on and after chunk boundaries, at the start and at the end.
        let mut places = vec![0, 1, text.len() - 1];
        for k in 1..=3 {
            places.extend([
                CHUNK * k - 2,
                CHUNK * k - 1,
                CHUNK * k,
                CHUNK * k + 1,
                CHUNK * k + 2,
            ]);
        }
        for at in places {
            // A byte never valid, and a continuation byte after an ASCII one.
            for bad in [&[0xFFu8][..], &[b'a', 0x80]] {
                if at + bad.len() > text.len() {
                    continue;
                }
                let mut bytes = text.clone().into_bytes();
                bytes[at..at + bad.len()].copy_from_slice(bad);
                let Err(e) = std::str::from_utf8(&bytes) else {
                    panic!("the test text stayed valid");
                };
                let expected = e.valid_up_to();
                let points: Vec<Checkpoint> = serial_points(&bytes)
                    .into_iter()
                    .map(|(offset, line, column)| Checkpoint {
                        offset,
                        line,
                        column,
                    })
                    .collect();
                let want = position(&bytes, &points, 0, expected);
                let Err(got) = check_and_index(&bytes, |_| {}) else {
                    panic!("{bad:x?} at {at} was not found");
                };
                assert_eq!(
                    (got.line, got.column),
                    (want.line, want.column),
                    "{bad:x?} at {at}"
                );
            }
        }
    }
}
