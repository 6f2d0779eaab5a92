//! Backup-specific literal values: durations in days and points in time relative to now.

/// Days in `365`, `365d`, `52w` or `1y` (a year counts 365 days).
pub fn parse_days(text: &str) -> Option<i64> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => (&text[..i], c),
        _ => (text, 'd'),
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = number.parse().ok()?;
    let factor = match unit {
        'd' => 1,
        'w' => 7,
        'y' => 365,
        _ => return None,
    };
    n.checked_mul(factor)
}

const DAY_MS: i64 = 86_400_000;

/// Epoch milliseconds for `now`, `now+30d`, `now-1y`, a date `2027-03-31` (midnight UTC) or an
/// RFC 3339 time.
pub fn parse_instant(text: &str, now_ms: i64) -> Option<i64> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix("now") {
        let rest = rest.trim();
        if rest.is_empty() {
            return Some(now_ms);
        }
        let (sign, amount) = match rest.as_bytes()[0] {
            b'+' => (1, &rest[1..]),
            b'-' => (-1, &rest[1..]),
            _ => return None,
        };
        let days = parse_days(amount.trim())?;
        return now_ms.checked_add(sign * days.checked_mul(DAY_MS)?);
    }
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis());
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_days("365"), Some(365));
        assert_eq!(parse_days("365d"), Some(365));
        assert_eq!(parse_days("52w"), Some(364));
        assert_eq!(parse_days("1y"), Some(365));
        assert_eq!(parse_days("2m"), None);
        assert_eq!(parse_days("-1d"), None);
        assert_eq!(parse_days("y"), None);
    }

    #[test]
    fn instants() {
        let now = 1_767_225_600_000; // 2026-01-01T00:00:00Z
        assert_eq!(parse_instant("now", now), Some(now));
        assert_eq!(parse_instant("now+30d", now), Some(now + 30 * DAY_MS));
        assert_eq!(parse_instant("now - 1y", now), Some(now - 365 * DAY_MS));
        assert_eq!(parse_instant("2026-01-01", now), Some(now));
        assert_eq!(parse_instant("2026-01-01T08:00:00+08:00", now), Some(now));
        assert_eq!(parse_instant("tomorrow", now), None);
    }
}
