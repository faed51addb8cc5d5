//! CSV text (RFC 4180: comma-separated, `"` quotes fields that hold commas, quotes or line breaks, `""` is a
//! quote, CRLF or LF ends a record) read into a header and rows, within bounds: a bad file is a clear error
//! naming its line, never a panic.
//!
//! Why not the `csv` crate: it reads a quote that is never closed to the end of the file without an error,
//! which would silently fold every later row of an access report into one field. A grant run must refuse such a
//! file, naming the line, so this reader is strict where that one is lenient.

/// A CSV file: its header and its records (each as long as the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// At most this many columns.
pub const MAX_COLUMNS: usize = 200;
/// At most this many characters in one field.
pub const MAX_FIELD: usize = 10_000;
/// At most this many cells (rows × columns): a small file of short rows under a wide header cannot make the
/// server hold millions of padded cells.
pub const MAX_CELLS: usize = 2_000_000;

impl Table {
    /// Parse `text` (UTF-8, an optional BOM) whose first record is the header; at most `max_rows` records after
    /// it. Blank lines are skipped; a record shorter than the header is padded with empty fields, a longer one
    /// is an error.
    pub fn parse(text: &str, max_rows: usize) -> Result<Table, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut records = Records { chars: text.chars().peekable(), line: 1 };
        let headers = loop {
            match records.next_record()? {
                None => return Err("the file is empty: a CSV needs a header line".into()),
                Some((_, r)) if r.iter().all(|f| f.trim().is_empty()) => continue,
                Some((_, r)) => break r.into_iter().map(|h| h.trim().to_owned()).collect::<Vec<_>>(),
            }
        };
        if headers.len() > MAX_COLUMNS {
            return Err(format!("the header has {} columns; at most {MAX_COLUMNS}", headers.len()));
        }
        for (i, h) in headers.iter().enumerate() {
            if h.is_empty() {
                return Err(format!("column {} of the header has no name", i + 1));
            }
            if headers[..i].iter().any(|o| o.eq_ignore_ascii_case(h)) {
                return Err(format!("the header names column {h:?} twice"));
            }
        }
        let mut rows = Vec::new();
        while let Some((line, mut r)) = records.next_record()? {
            if r.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            if r.len() > headers.len() {
                return Err(format!("line {line} has {} fields; the header has {}", r.len(), headers.len()));
            }
            if rows.len() == max_rows {
                return Err(format!("the file has more than {max_rows} rows"));
            }
            if (rows.len() + 1) * headers.len() > MAX_CELLS {
                return Err(format!(
                    "the file has more than {MAX_CELLS} cells ({} columns): split it, or drop columns it does not need",
                    headers.len()
                ));
            }
            r.resize(headers.len(), String::new());
            rows.push(r);
        }
        Ok(Table { headers, rows })
    }

    /// The index of the column named `name` (case-insensitive).
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h.eq_ignore_ascii_case(name.trim()))
    }
}

struct Records<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: usize,
}

impl Records<'_> {
    /// The next record and the line it starts on (None at the end of the text).
    fn next_record(&mut self) -> Result<Option<(usize, Vec<String>)>, String> {
        if self.chars.peek().is_none() {
            return Ok(None);
        }
        let start = self.line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        // The field began with a quote and it was closed: only a separator or the record's end may follow.
        let mut closed = false;
        loop {
            let Some(c) = self.chars.next() else {
                if quoted {
                    return Err(format!("line {start}: a quoted field is never closed"));
                }
                fields.push(field);
                return Ok(Some((start, fields)));
            };
            if quoted {
                match c {
                    '"' if self.chars.peek() == Some(&'"') => {
                        self.chars.next();
                        field.push('"');
                    }
                    '"' => {
                        quoted = false;
                        closed = true;
                    }
                    '\n' => {
                        self.line += 1;
                        field.push(c);
                    }
                    _ => field.push(c),
                }
            } else {
                match c {
                    ',' => {
                        fields.push(std::mem::take(&mut field));
                        closed = false;
                    }
                    '\r' if self.chars.peek() == Some(&'\n') => {}
                    '\n' => {
                        self.line += 1;
                        fields.push(field);
                        return Ok(Some((start, fields)));
                    }
                    '"' if field.is_empty() && !closed => quoted = true,
                    _ if closed => {
                        return Err(format!("line {}: text after a quoted field's closing quote", self.line));
                    }
                    _ => field.push(c),
                }
            }
            if field.len() > MAX_FIELD {
                return Err(format!("line {}: a field is longer than {MAX_FIELD} characters", self.line));
            }
            if fields.len() > MAX_COLUMNS {
                return Err(format!("line {start}: more than {MAX_COLUMNS} fields"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_commas_and_line_breaks() {
        let t = Table::parse(
            "\u{feff}Email,Role\r\na@x.com,\"Admin; \"\"Ops\"\", x\"\r\n\r\nb@x.com,\"two\nlines\"\nc@x.com\n",
            10,
        );
        let t = t.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.headers, ["Email", "Role"]);
        assert_eq!(t.rows[0], ["a@x.com", "Admin; \"Ops\", x"]);
        assert_eq!(t.rows[1], ["b@x.com", "two\nlines"]);
        assert_eq!(t.rows[2], ["c@x.com", ""], "a short record is padded");
        assert_eq!(t.column("role"), Some(1));
    }

    #[test]
    fn bad_files_say_where() {
        let err = |text: &str| Table::parse(text, 2).err().unwrap_or_default();
        assert!(err("").contains("empty"));
        assert!(err("a,b\n1,2,3\n").contains("line 2 has 3 fields"));
        assert!(err("a,b\n\"1,2\n").contains("never closed"));
        assert!(err("a,b\n\"1\"x,2\n").contains("after a quoted field"));
        assert!(err("a,A\n").contains("twice"));
        assert!(err("a,\n").contains("no name"));
        assert!(err("a\n1\n2\n3\n").contains("more than 2 rows"));
        let wide =
            format!("{}\n{}", (0..200).map(|i| format!("c{i}")).collect::<Vec<_>>().join(","), "a\n".repeat(10_001));
        let wide = Table::parse(&wide, 200_000).err().unwrap_or_default();
        assert!(wide.contains("more than 2000000 cells"), "{wide}");
        assert!(err(&format!("a\n{}\n", "x".repeat(MAX_FIELD + 1))).contains("longer than"));
    }
}
