//! System Log time windows: "24h", "yesterday" or ISO 8601 times, bounded by what Okta keeps, and carried in
//! the cursor so the next page reads the same window.

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use okta_core::Cursor;
use okta_mcp_kit::ToolError;
use serde_json::{Value, json};

/// How far back Okta keeps the System Log.
pub const RETENTION_DAYS: i64 = 90;

/// The furthest a relative time reaches (`3650d`, ten years): far beyond the System Log's retention, so a longer one
/// is a mistake, refused with a clear message rather than computed.
pub const MAX_RELATIVE_DAYS: i64 = 3650;

/// Okta's timestamp format.
pub fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn midnight(t: DateTime<Utc>) -> DateTime<Utc> {
    t.date_naive().and_hms_opt(0, 0, 0).map_or(t, |d| d.and_utc())
}

/// Which end of a window a time is for: "yesterday" starts at its midnight and ends at today's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Since,
    Until,
}

/// A time as ISO 8601 (`2026-11-01T08:00:00Z`, or a date, meaning its midnight UTC) or relative to `now`:
/// `15m`, `24h`, `7d`, `2w` ago, `now`, `today`, `yesterday`.
pub fn parse_time(name: &str, raw: &str, now: DateTime<Utc>, end: End) -> Result<DateTime<Utc>, ToolError> {
    let s = raw.trim();
    let bad = || {
        ToolError::invalid_arguments(format!(
            "{name} `{raw}` is neither ISO 8601 (2026-11-01T08:00:00Z, 2026-11-01) nor relative (15m, 24h, 7d, 2w, \
             today, yesterday, now)"
        ))
    };
    match s.to_ascii_lowercase().as_str() {
        "now" => return Ok(now),
        "today" => return Ok(if end == End::Since { midnight(now) } else { now }),
        "yesterday" => {
            let today = midnight(now);
            return match end {
                End::Since => today.checked_sub_signed(Duration::days(1)).ok_or_else(bad),
                End::Until => Ok(today),
            };
        }
        _ => {}
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()).ok_or_else(bad);
    }
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let minutes_per: i64 = match unit.trim().to_ascii_lowercase().as_str() {
        "m" | "min" | "mins" | "minutes" => 1,
        "h" | "hr" | "hours" => 60,
        "d" | "days" => 24 * 60,
        "w" | "weeks" => 7 * 24 * 60,
        _ => return Err(bad()),
    };
    if number.is_empty() {
        return Err(bad());
    }
    let too_far = || {
        ToolError::invalid_arguments(format!(
            "{name} `{raw}` is too far back: relative times reach at most {MAX_RELATIVE_DAYS} days (the System Log \
             keeps {RETENTION_DAYS})"
        ))
    };
    // Digits only: a number that does not fit is too large, not malformed.
    let n: i64 = number.parse().map_err(|_| too_far())?;
    let minutes = n.checked_mul(minutes_per).filter(|m| *m <= MAX_RELATIVE_DAYS * 24 * 60).ok_or_else(too_far)?;
    now.checked_sub_signed(Duration::minutes(minutes)).ok_or_else(too_far)
}

/// The absolute window a System Log query covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub now: DateTime<Utc>,
}

impl Window {
    /// From the `since` and `until` arguments (default: the last `default_hours` hours until now). `since:
    /// yesterday` alone means all of yesterday.
    pub fn from_args(since: Option<&str>, until: Option<&str>, default_hours: i64) -> Result<Window, ToolError> {
        Self::at(since, until, default_hours, Utc::now())
    }

    pub fn at(
        since: Option<&str>,
        until: Option<&str>,
        default_hours: i64,
        now: DateTime<Utc>,
    ) -> Result<Window, ToolError> {
        let since_t = match since {
            Some(s) => parse_time("since", s, now, End::Since)?,
            None => Duration::try_hours(default_hours)
                .and_then(|d| now.checked_sub_signed(d))
                .ok_or_else(|| ToolError::invalid_arguments("the default window does not fit"))?,
        };
        let until_t = match (until, since.map(str::trim)) {
            (Some(u), _) => parse_time("until", u, now, End::Until)?,
            (None, Some(s)) if s.eq_ignore_ascii_case("yesterday") => parse_time("until", s, now, End::Until)?,
            (None, _) => now,
        };
        if since_t >= until_t {
            return Err(ToolError::invalid_arguments(format!(
                "since ({}) must be before until ({})",
                iso(since_t),
                iso(until_t)
            )));
        }
        let oldest = now.checked_sub_signed(Duration::days(RETENTION_DAYS)).unwrap_or(DateTime::<Utc>::MIN_UTC);
        if since_t < oldest {
            return Err(ToolError::invalid_arguments(format!(
                "since ({}) is more than {RETENTION_DAYS} days ago: Okta keeps the System Log for {RETENTION_DAYS} days",
                iso(since_t)
            )));
        }
        Ok(Window { since: since_t, until: until_t.min(now), now })
    }

    /// The window of a cursor (the next page's query carries since and until).
    pub fn from_cursor(cursor: &Cursor) -> Option<Window> {
        let parse = |s: &str| DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc));
        Some(Window { since: parse(cursor.get("since")?)?, until: parse(cursor.get("until")?)?, now: Utc::now() })
    }

    pub fn to_json(self) -> Value {
        json!({"since": iso(self.since), "until": iso(self.until), "now": iso(self.now)})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T15:30:00Z").map(|t| t.with_timezone(&Utc)).unwrap_or_default()
    }

    fn at(s: &str, end: End) -> String {
        parse_time("since", s, now(), end).map(iso).unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn relative_and_absolute_times() {
        assert_eq!(at("15m", End::Since), "2026-11-20T15:15:00.000Z");
        assert_eq!(at("24h", End::Since), "2026-11-19T15:30:00.000Z");
        assert_eq!(at("7d", End::Since), "2026-11-13T15:30:00.000Z");
        assert_eq!(at("2w", End::Since), "2026-11-06T15:30:00.000Z");
        assert_eq!(at("yesterday", End::Since), "2026-11-19T00:00:00.000Z");
        assert_eq!(at("yesterday", End::Until), "2026-11-20T00:00:00.000Z");
        assert_eq!(at("today", End::Since), "2026-11-20T00:00:00.000Z");
        assert_eq!(at("2026-11-01", End::Since), "2026-11-01T00:00:00.000Z");
        assert_eq!(at("2026-11-01T08:00:00+01:00", End::Since), "2026-11-01T07:00:00.000Z");
        assert!(at("last tuesday", End::Since).contains("neither ISO 8601"));
        assert!(at("5y", End::Since).contains("neither ISO 8601"));
    }

    #[test]
    fn windows_are_bounded_and_reported() {
        let w = Window::at(Some("yesterday"), None, 24, now()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(iso(w.since), "2026-11-19T00:00:00.000Z");
        assert_eq!(iso(w.until), "2026-11-20T00:00:00.000Z");
        let w = Window::at(None, None, 24, now()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(iso(w.since), "2026-11-19T15:30:00.000Z");
        assert_eq!(w.until, now());
        assert!(Window::at(Some("1h"), Some("2h"), 24, now()).is_err());
        let old = Window::at(Some("100d"), None, 24, now()).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(old.contains("90 days"), "{old}");
        let logs = okta_core::ops::LIST_LOG_EVENTS.path(&[]).unwrap_or_else(|e| panic!("{e}"));
        let query = okta_core::Query::new()
            .push("since", "2026-11-19T00:00:00.000Z")
            .push("until", "2026-11-20T00:00:00.000Z")
            .push("after", "abc");
        let cursor = Cursor::new(&logs, query);
        assert_eq!(Window::from_cursor(&cursor).map(|w| iso(w.since)), Some("2026-11-19T00:00:00.000Z".into()));
    }

    #[test]
    fn huge_relative_times_are_refused_not_computed() {
        for raw in [
            "100000000d",
            "100000000w",
            "9223372036854775807m",
            "9223372036854775807w",
            "99999999999999999999999d",
            "3651d",
            "5257441m",
        ] {
            let e = at(raw, End::Since);
            assert!(e.contains("too far back"), "{raw}: {e}");
            assert!(Window::at(Some(raw), None, 24, now()).is_err(), "{raw}");
            assert!(Window::at(Some("1h"), Some(raw), 24, now()).is_err(), "{raw}");
        }
        assert_eq!(at("3650d", End::Since), "2016-11-22T15:30:00.000Z");
        assert!(at("d", End::Since).contains("neither ISO 8601"));
        assert!(at("-5d", End::Since).contains("neither ISO 8601"));
        // Extreme dates are times like any other: reported, never computed with.
        assert!(Window::at(Some("+262143-12-31"), None, 24, now()).is_err());
        assert!(Window::at(Some("-262143-01-01"), None, 24, now()).is_err());
        let _ = Window::at(Some("1h"), Some("+262143-12-31"), 24, now());
        assert!(Window::at(Some("1h"), Some("9999-12-31"), 24, now()).is_ok_and(|w| w.until == now()));
        // At the edges of time itself nothing overflows either.
        for edge in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            for raw in ["yesterday", "today", "now", "15m", "3650d", "2026-11-01"] {
                let _ = parse_time("since", raw, edge, End::Since);
                let _ = Window::at(Some(raw), None, 24, edge);
                let _ = Window::at(None, Some(raw), 24, edge);
            }
        }
    }
}
