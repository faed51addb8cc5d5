//! SCIM-like filter expressions as used by Okta's `filter` and `search` query parameters.
//!
//! Grammar: `expr := term ("or" term)*`, `term := factor ("and" factor)*`,
//! `factor := "not" factor | "(" expr ")" | path "pr" | path op value`, with the operators
//! `eq ne sw ew co gt ge lt le`. Values are double-quoted strings, numbers, `true`, `false`
//! or `null`. Paths are dotted property paths evaluated against the JSON the API returns
//! (arrays match when any element matches, e.g. `target.id eq "00u..."` on a LogEvent).

use chrono::{DateTime, FixedOffset};
use serde_json::Value;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Sw,
    Ew,
    Co,
    Gt,
    Ge,
    Lt,
    Le,
}

/// A literal on the right of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
}

/// A parsed filter expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Present(String),
    Cmp(String, Op, Lit),
}

/// Why an expression did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid filter expression: {0}")]
pub struct FilterError(pub String);

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    Str(String),
    Word(String),
}

fn tokenize(input: &str) -> Result<Vec<Tok>, FilterError> {
    let mut out = Vec::new();
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push(Tok::LParen);
            i += 1;
        } else if c == ')' {
            out.push(Tok::RParen);
            i += 1;
        } else if c == '"' {
            let mut s = String::new();
            i += 1;
            let mut closed = false;
            while i < chars.len() {
                let ch = chars[i];
                if ch == '\\' && i + 1 < chars.len() {
                    s.push(chars[i + 1]);
                    i += 2;
                } else if ch == '"' {
                    closed = true;
                    i += 1;
                    break;
                } else {
                    s.push(ch);
                    i += 1;
                }
            }
            if !closed {
                return Err(FilterError("unterminated string".into()));
            }
            out.push(Tok::Str(s));
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && !matches!(chars[i], '(' | ')' | '"') {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek_word(&self, w: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w))
    }

    fn expr(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.term()?;
        while self.peek_word("or") {
            self.pos += 1;
            let right = self.term()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn term(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.factor()?;
        while self.peek_word("and") {
            self.pos += 1;
            let right = self.factor()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn factor(&mut self) -> Result<Expr, FilterError> {
        if self.peek_word("not") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.factor()?)));
        }
        match self.toks.get(self.pos).cloned() {
            Some(Tok::LParen) => {
                self.pos += 1;
                let e = self.expr()?;
                if self.toks.get(self.pos) != Some(&Tok::RParen) {
                    return Err(FilterError("expected ')'".into()));
                }
                self.pos += 1;
                Ok(e)
            }
            Some(Tok::Word(path)) => {
                if !valid_path(&path) {
                    return Err(FilterError(format!("invalid attribute path {path:?}")));
                }
                self.pos += 1;
                let op = match self.toks.get(self.pos) {
                    Some(Tok::Word(o)) => o.to_ascii_lowercase(),
                    _ => return Err(FilterError("expected an operator".into())),
                };
                self.pos += 1;
                let op = match op.as_str() {
                    "pr" => return Ok(Expr::Present(path)),
                    "eq" => Op::Eq,
                    "ne" => Op::Ne,
                    "sw" => Op::Sw,
                    "ew" => Op::Ew,
                    "co" => Op::Co,
                    "gt" => Op::Gt,
                    "ge" => Op::Ge,
                    "lt" => Op::Lt,
                    "le" => Op::Le,
                    other => return Err(FilterError(format!("unknown operator {other:?}"))),
                };
                let lit = match self.toks.get(self.pos).cloned() {
                    Some(Tok::Str(s)) => Lit::Str(s),
                    Some(Tok::Word(w)) => match w.to_ascii_lowercase().as_str() {
                        "true" => Lit::Bool(true),
                        "false" => Lit::Bool(false),
                        "null" => Lit::Null,
                        _ => Lit::Num(w.parse::<f64>().map_err(|_| FilterError(format!("invalid value {w:?}")))?),
                    },
                    _ => return Err(FilterError("expected a value".into())),
                };
                self.pos += 1;
                Ok(Expr::Cmp(path, op, lit))
            }
            _ => Err(FilterError("expected an expression".into())),
        }
    }
}

fn valid_path(p: &str) -> bool {
    !p.is_empty()
        && p.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && p.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '$' | ':' | '-'))
        && !["and", "or", "not"].contains(&p.to_ascii_lowercase().as_str())
}

/// Parse a filter/search expression.
pub fn parse(input: &str) -> Result<Expr, FilterError> {
    let toks = tokenize(input)?;
    if toks.is_empty() {
        return Err(FilterError("empty expression".into()));
    }
    let mut p = Parser { toks, pos: 0 };
    let e = p.expr()?;
    if p.pos != p.toks.len() {
        return Err(FilterError("unexpected trailing input".into()));
    }
    Ok(e)
}

/// Every value found at a dotted path; arrays fan out.
pub fn resolve<'a>(v: &'a Value, path: &str) -> Vec<&'a Value> {
    let mut cur = vec![v];
    for part in path.split('.') {
        let mut next = Vec::new();
        for x in cur {
            match x {
                Value::Object(m) => {
                    if let Some(y) = m.get(part) {
                        next.push(y);
                    }
                }
                Value::Array(items) => {
                    for it in items {
                        if let Some(y) = it.get(part) {
                            next.push(y);
                        }
                    }
                }
                _ => {}
            }
        }
        cur = next;
    }
    let mut out = Vec::new();
    for x in cur {
        match x {
            Value::Array(items) => out.extend(items.iter()),
            other => out.push(other),
        }
    }
    out
}

fn parse_time(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s).ok()
}

/// Compare a JSON value with a literal; `None` when they are not comparable.
fn compare(v: &Value, lit: &Lit) -> Option<std::cmp::Ordering> {
    match (v, lit) {
        (Value::String(a), Lit::Str(b)) => {
            if let (Some(x), Some(y)) = (parse_time(a), parse_time(b)) {
                return Some(x.cmp(&y));
            }
            Some(a.to_lowercase().cmp(&b.to_lowercase()))
        }
        (Value::Number(a), Lit::Num(b)) => a.as_f64()?.partial_cmp(b),
        (Value::Number(a), Lit::Str(b)) => a.as_f64()?.partial_cmp(&b.parse::<f64>().ok()?),
        (Value::Bool(a), Lit::Bool(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

fn matches_one(v: &Value, op: Op, lit: &Lit) -> bool {
    use std::cmp::Ordering::*;
    match op {
        Op::Sw | Op::Ew | Op::Co => {
            let (Value::String(a), Lit::Str(b)) = (v, lit) else {
                return false;
            };
            let (a, b) = (a.to_lowercase(), b.to_lowercase());
            match op {
                Op::Sw => a.starts_with(&b),
                Op::Ew => a.ends_with(&b),
                _ => a.contains(&b),
            }
        }
        Op::Eq | Op::Ne => {
            if matches!(lit, Lit::Null) {
                return v.is_null();
            }
            compare(v, lit) == Some(Equal)
        }
        Op::Gt => compare(v, lit) == Some(Greater),
        Op::Ge => matches!(compare(v, lit), Some(Greater | Equal)),
        Op::Lt => compare(v, lit) == Some(Less),
        Op::Le => matches!(compare(v, lit), Some(Less | Equal)),
    }
}

/// Evaluate an expression against a JSON object.
pub fn eval(e: &Expr, v: &Value) -> bool {
    match e {
        Expr::And(a, b) => eval(a, v) && eval(b, v),
        Expr::Or(a, b) => eval(a, v) || eval(b, v),
        Expr::Not(a) => !eval(a, v),
        Expr::Present(p) => resolve(v, p).iter().any(|x| match x {
            Value::Null => false,
            Value::String(s) => !s.is_empty(),
            _ => true,
        }),
        Expr::Cmp(p, Op::Ne, lit) => {
            let vals = resolve(v, p);
            if matches!(lit, Lit::Null) {
                return vals.iter().any(|x| !x.is_null());
            }
            !vals.iter().any(|x| matches_one(x, Op::Eq, lit))
        }
        Expr::Cmp(p, op, lit) => {
            let vals = resolve(v, p);
            if vals.is_empty() && *op == Op::Eq && matches!(lit, Lit::Null) {
                return true;
            }
            vals.iter().any(|x| matches_one(x, *op, lit))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user() -> Value {
        json!({
            "id": "00u1",
            "status": "ACTIVE",
            "lastUpdated": "2026-02-01T10:00:00.000Z",
            "profile": {"login": "alice@example.com", "firstName": "Alice", "department": "Engineering", "age": 30},
            "target": [{"id": "t1"}, {"id": "t2"}]
        })
    }

    fn t(s: &str) -> bool {
        eval(&parse(s).expect("parses"), &user())
    }

    #[test]
    fn simple_comparisons() {
        assert!(t(r#"status eq "ACTIVE""#));
        assert!(t(r#"status EQ "active""#));
        assert!(!t(r#"status eq "SUSPENDED""#));
        assert!(t(r#"status ne "SUSPENDED""#));
        assert!(t(r#"profile.login eq "alice@example.com""#));
        assert!(t(r#"profile.firstName sw "Al""#));
        assert!(t(r#"profile.login ew "example.com""#));
        assert!(t(r#"profile.department co "gine""#));
        assert!(t("profile.age gt 29"));
        assert!(t("profile.age le 30"));
        assert!(!t("profile.age lt 30"));
        assert!(t("profile.firstName pr"));
        assert!(!t("profile.manager pr"));
    }

    #[test]
    fn dates_compare_as_instants() {
        assert!(t(r#"lastUpdated gt "2026-01-01T00:00:00.000Z""#));
        assert!(t(r#"lastUpdated gt "2026-02-01T09:59:59Z""#));
        assert!(t(r#"lastUpdated ge "2026-02-01T10:00:00Z""#));
        assert!(!t(r#"lastUpdated lt "2026-02-01T10:00:00.000Z""#));
    }

    #[test]
    fn boolean_logic_and_grouping() {
        assert!(t(r#"status eq "ACTIVE" and profile.firstName eq "Alice""#));
        assert!(t(r#"status eq "X" or profile.firstName eq "Alice""#));
        assert!(!t(r#"status eq "X" or (status eq "ACTIVE" and profile.firstName eq "Bob")"#));
        assert!(t(r#"not (status eq "X")"#));
        assert!(t(r#"(status eq "X" or status eq "ACTIVE") and id eq "00u1""#));
        // and binds tighter than or
        assert!(t(r#"status eq "ACTIVE" or status eq "X" and id eq "nope""#));
    }

    #[test]
    fn arrays_match_any_element() {
        assert!(t(r#"target.id eq "t2""#));
        assert!(!t(r#"target.id eq "t3""#));
    }

    #[test]
    fn malformed_expressions_are_rejected() {
        for bad in [
            "",
            "status",
            r#"status eq"#,
            r#"status foo "ACTIVE""#,
            r#"status eq "ACTIVE"#,
            r#"(status eq "ACTIVE""#,
            r#"status eq "ACTIVE")"#,
            r#"status eq ACTIVE"#,
            r#"status eq "A" and"#,
            r#"status eq "A" "B""#,
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn escaped_quotes() {
        let e = parse(r#"profile.firstName eq "a\"b""#).expect("parses");
        assert_eq!(e, Expr::Cmp("profile.firstName".into(), Op::Eq, Lit::Str("a\"b".into())));
    }
}
