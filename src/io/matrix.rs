//! Reading matrix text files (`citypair solve`): [`parse_matrix`] in one pass over the bytes.

use super::shorten;
use crate::error::{Buffer, Error, Result};

/// A matrix read from text: `rows x cols` entries, row-major.
///
/// Forbidden pairs are infinite: `+∞` for `inf`, `+inf`, `infinity` and `x`, `-∞` for `-inf`
/// and `-infinity`. A solver treats any infinite entry as forbidden, whichever the direction of
/// optimisation.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MatrixText {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// The `rows · cols` entries, row-major; never NaN.
    pub data: Vec<f64>,
}

/// Advances `pos` past white space, counting the line breaks it passes in `line`.
fn skip_space(bytes: &[u8], pos: &mut usize, line: &mut usize) {
    while let Some(&b) = bytes.get(*pos) {
        if !b.is_ascii_whitespace() {
            break;
        }
        if b == b'\n' {
            *line += 1;
        }
        *pos += 1;
    }
}

/// Parses a matrix text; `file` names it in errors.
///
/// The first line holds `rows cols`, or a single `n` for an `n x n` matrix (the OR-Library
/// assignment format). Then come `rows · cols` entries in row-major order, separated by any
/// ASCII white space; line breaks may fall anywhere (OR-Library files wrap long rows). An entry
/// is a decimal number (`12`, `-3.5`, `1e-3`) or a forbidden pair: `inf`, `+inf`, `infinity`
/// or `x` (read as `+∞`) and `-inf`, `-infinity` (read as `-∞`), in any case. `0 0`, `0 5` and
/// `3 0` are valid empty matrices.
///
/// # Errors
/// [`Error::MatrixParse`] naming `file` and the 1-based line:
/// * an empty text or a bad first line (line 1, or the first non-blank line);
/// * `nan`, a non-number, or a finite-looking number too large for `f64` (such as `1e400`);
/// * too few entries (naming the line of the last entry, and both counts) or too many (naming
///   the line of the first extra entry, and both counts).
///
/// [`Error::OutOfMemory`] when the entries cannot be allocated (never an abort).
///
/// # Complexity
/// One pass over the bytes; 4 million entries parse in well under a second (release build).
///
/// # Examples
/// ```
/// let m = citypair::io::parse_matrix("2\n1 x\n3\n4\n", "demo.txt")?;
/// assert_eq!((m.rows, m.cols), (2, 2));
/// assert_eq!(m.data, [1.0, f64::INFINITY, 3.0, 4.0]);
///
/// let err = citypair::io::parse_matrix("2 2\n1 2\n3 nan\n", "demo.txt").unwrap_err();
/// assert_eq!(err.to_string(), "demo.txt: line 3: \"nan\" is not a valid entry: NaN has no \
///     place in an order (mark a forbidden pair with inf or x)");
/// # Ok::<(), citypair::Error>(())
/// ```
pub fn parse_matrix(text: &str, file: &str) -> Result<MatrixText> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bytes = text.as_bytes();
    let len = bytes.len();
    let err = |line: usize, message: String| Error::MatrixParse {
        file: file.to_owned(),
        line,
        message,
    };

    // Header: the tokens of the first non-blank line.
    let mut pos = 0;
    let mut line = 1;
    skip_space(bytes, &mut pos, &mut line);
    if pos == len {
        return Err(err(
            1,
            "the matrix text is empty; its first line must be `rows cols` or `n`".to_owned(),
        ));
    }
    let header_line = line;
    let header_end = bytes[pos..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(len, |p| pos + p);
    let header = &text[pos..header_end];
    let sizes: Vec<Option<usize>> = header
        .split_ascii_whitespace()
        .map(|t| t.parse().ok())
        .collect();
    let (rows, cols) = match sizes[..] {
        [Some(n)] => (n, n),
        [Some(r), Some(c)] => (r, c),
        _ => {
            return Err(err(
                header_line,
                format!(
                    "the first line must be `rows cols` or `n` (whole numbers), found {:?}",
                    shorten(header.trim())
                ),
            ))
        }
    };
    let expected = rows.checked_mul(cols).ok_or_else(|| {
        err(
            header_line,
            format!("a {rows} x {cols} matrix is too large"),
        )
    })?;
    pos = header_end;

    // Entries: every entry takes at least two bytes but the last, which bounds the allocation
    // (a header larger than the text needs no more); allocated fallibly.
    let mut data = crate::memory::with_capacity(expected.min((len - pos) / 2 + 1))
        .ok_or_else(|| Error::out_of_memory(Buffer::CostMatrix, rows, cols, size_of::<f64>()))?;
    let mut last_line = header_line;
    while data.len() < expected {
        skip_space(bytes, &mut pos, &mut line);
        if pos == len {
            return Err(err(
                last_line,
                format!(
                    "the header says {rows} x {cols}, which needs {expected} numbers, but only {} \
                     were found (the last one is on this line)",
                    data.len()
                ),
            ));
        }
        let start = pos;
        while pos < len && !bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        // `start` and `pos` sit next to ASCII bytes or at the ends: valid char boundaries.
        let token = &text[start..pos];
        data.push(parse_entry(token).map_err(|message| err(line, message))?);
        last_line = line;
    }

    // Anything left must be white space.
    if let Some((at, token, extra)) = extra_entries(text, pos, line) {
        return Err(err(
            at,
            format!(
                "found {} numbers where the header's {rows} x {cols} needs {expected}; the first \
                 extra one, {:?}, is on this line",
                expected + extra,
                shorten(token)
            ),
        ));
    }
    Ok(MatrixText { rows, cols, data })
}

/// The entries after the last one the header asks for, from byte `pos` (on line `line`) on:
/// the line and text of the first one, and how many there are; `None` when only white space
/// is left.
fn extra_entries(text: &str, mut pos: usize, mut line: usize) -> Option<(usize, &str, usize)> {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let mut extra = 0usize;
    let mut extra_at = None;
    while pos < len {
        if bytes[pos].is_ascii_whitespace() {
            if bytes[pos] == b'\n' {
                line += 1;
            }
            pos += 1;
            continue;
        }
        let start = pos;
        while pos < len && !bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        extra += 1;
        if extra_at.is_none() {
            extra_at = Some((line, &text[start..pos]));
        }
    }
    extra_at.map(|(at, token)| (at, token, extra))
}

/// One matrix entry; the error message names the token.
#[inline]
fn parse_entry(token: &str) -> std::result::Result<f64, String> {
    // Fast path: short integers, exact in f64 (identical to `str::parse`).
    let (negative, digits) = match token.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        all => (false, all),
    };
    if !digits.is_empty() && digits.len() <= 15 && digits.iter().all(u8::is_ascii_digit) {
        let v = digits
            .iter()
            .fold(0u64, |acc, &d| acc * 10 + u64::from(d - b'0')) as f64;
        return Ok(if negative { -v } else { v });
    }
    if token.eq_ignore_ascii_case("x") {
        return Ok(f64::INFINITY);
    }
    match token.parse::<f64>() {
        Ok(v) if v.is_nan() => Err(format!(
            "{:?} is not a valid entry: NaN has no place in an order (mark a forbidden pair \
             with inf or x)",
            shorten(token)
        )),
        // `str::parse` spells infinity only with an `n` ("inf", "infinity").
        Ok(v) if v.is_infinite() && !token.bytes().any(|b| b.eq_ignore_ascii_case(&b'n')) => Err(
            format!("{:?} is too large for a 64-bit float", shorten(token)),
        ),
        Ok(v) => Ok(v),
        Err(_) => Err(format!(
            "{:?} is not a number (a forbidden pair is written inf or x)",
            shorten(token)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_tokens() {
        assert_eq!(parse_entry("12"), Ok(12.0));
        assert_eq!(parse_entry("-0").map(f64::to_bits), Ok((-0.0f64).to_bits()));
        assert_eq!(parse_entry("-7"), Ok(-7.0));
        assert_eq!(parse_entry("1e3"), Ok(1000.0));
        assert_eq!(
            parse_entry("1234567890123456789"),
            Ok(1_234_567_890_123_456_789.0)
        );
        for inf in ["inf", "INF", "+inf", "Infinity", "x", "X"] {
            assert_eq!(parse_entry(inf), Ok(f64::INFINITY), "{inf}");
        }
        assert_eq!(parse_entry("-inf"), Ok(f64::NEG_INFINITY));
        assert_eq!(parse_entry("-Infinity"), Ok(f64::NEG_INFINITY));
        assert!(parse_entry("NaN").unwrap_err().contains("NaN"));
        assert!(parse_entry("1e400").unwrap_err().contains("too large"));
        assert!(parse_entry("-x").is_err());
        assert!(parse_entry("3,5").unwrap_err().contains("\"3,5\""));
        assert!(parse_entry("-").is_err());
        let long = "a".repeat(100);
        assert!(parse_entry(&long).unwrap_err().contains("..."));
    }

    #[test]
    fn matrix_edge_cases() {
        let m = parse_matrix("\u{feff}\n\n 2 3 \n1 2 3\r\n4 5 6\r\n", "t").unwrap();
        assert_eq!((m.rows, m.cols, m.data.len()), (2, 3, 6));
        let e = parse_matrix("\n\n2 x\n", "t").unwrap_err().to_string();
        assert!(e.starts_with("t: line 3:"), "{e}");
        let e = parse_matrix("1 2 3\n", "t").unwrap_err().to_string();
        assert!(e.contains("first line"), "{e}");
        let e = parse_matrix("99999999999 99999999999\n", "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("too large"), "{e}");
        // A huge header with little text fails on the count, without a huge allocation.
        let e = parse_matrix("100000 100000\n1 2\n", "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("only 2 were found"), "{e}");
        // Non-ASCII text is reported, not sliced through.
        let e = parse_matrix("1\n€\n", "t").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains('€'), "{e}");
    }
}
