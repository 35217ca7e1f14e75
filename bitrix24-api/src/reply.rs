//! A successful answer: the typed `result` plus the envelope's timing and paging figures.

use serde::Deserialize;
use serde_with::serde_as;

use crate::wire;

/// A method's answer.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Reply<T> {
    /// The envelope's `result`, typed.
    pub result: T,
    /// The envelope's `time` block, when present and readable.
    pub time: Option<Time>,
    /// The `start` of the next page; present only for list methods with more rows.
    pub next: Option<u64>,
    /// The total row count reported by a list method.
    pub total: Option<u64>,
    /// True when REST 3.0 answered with the stored response of an earlier call with the same
    /// `Idempotency-Key` (`Idempotent-Replayed`), so this call did not run again: what a retry after a
    /// lost response looks like.
    pub replayed: bool,
}

impl<T> Reply<T> {
    pub(crate) fn new(
        result: T,
        time: Option<Time>,
        next: Option<u64>,
        total: Option<u64>,
    ) -> Self {
        Self {
            result,
            time,
            next,
            total,
            replayed: false,
        }
    }

    /// Keeps the envelope figures and changes the result.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Reply<U> {
        Reply {
            result: f(self.result),
            time: self.time,
            next: self.next,
            total: self.total,
            replayed: self.replayed,
        }
    }
}

/// The `time` block: how long the call took and how much of the method's operating budget is used.
///
/// The portal's figures vary in shape (integers for floats, `operating_reset_at` as a date string), so
/// every field is read leniently and a missing one is zero or `None`.
#[serde_as]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Time {
    /// Unix time the request began.
    #[serde_as(as = "wire::Float")]
    #[serde(default)]
    pub start: f64,
    /// Unix time the response was assembled.
    #[serde_as(as = "wire::Float")]
    #[serde(default)]
    pub finish: f64,
    /// `finish - start`, in seconds.
    #[serde_as(as = "wire::Float")]
    #[serde(default)]
    pub duration: f64,
    /// Seconds spent inside the method itself.
    #[serde_as(as = "wire::Float")]
    #[serde(default)]
    pub processing: f64,
    /// `start` in the portal's time zone, ISO 8601.
    #[serde_as(as = "wire::DateTime")]
    #[serde(default)]
    pub date_start: Option<String>,
    /// `finish` in the portal's time zone, ISO 8601.
    #[serde_as(as = "wire::DateTime")]
    #[serde(default)]
    pub date_finish: Option<String>,
    /// Seconds this method has run for this application or webhook over the last 10 minutes.
    #[serde_as(as = "Option<wire::Float>")]
    #[serde(default)]
    pub operating: Option<f64>,
    /// Unix time when the oldest minute of `operating` expires.
    #[serde_as(as = "Option<UnixSeconds>")]
    #[serde(default)]
    pub operating_reset_at: Option<i64>,
}

/// A Unix time sent as an integer, a float, a numeric string or an ISO 8601 date-time with offset.
struct UnixSeconds;

impl<'de> serde_with::DeserializeAs<'de, i64> for UnixSeconds {
    fn deserialize_as<D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        use serde::de::Error;
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            Number(f64),
            Text(String),
        }
        match Shape::deserialize(deserializer)? {
            Shape::Number(n) if n.is_finite() => Ok(n as i64),
            Shape::Text(s) => s
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(|n| n as i64)
                .or_else(|| parse_iso8601(&s))
                .ok_or_else(|| {
                    D::Error::custom(format!("not a Unix time or ISO 8601 date-time: {s:?}"))
                }),
            Shape::Number(n) => Err(D::Error::custom(format!("not a Unix time: {n}"))),
        }
    }
}

/// Parses `YYYY-MM-DDThh:mm:ss±hh:mm` (or `Z`) into Unix seconds.
fn parse_iso8601(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b' ') {
        return None;
    }
    let num = |range: std::ops::Range<usize>| s.get(range)?.parse::<i64>().ok();
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let offset = match s.get(19..)? {
        "Z" => 0,
        tz if tz.len() == 6
            && matches!(tz.as_bytes()[0], b'+' | b'-')
            && tz.as_bytes()[3] == b':' =>
        {
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            sign * (num(20..22)? * 3600 + num(23..25)? * 60)
        }
        _ => return None,
    };
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_the_documented_time_block() {
        let t: Time = serde_json::from_value(json!({
            "start": 1757424671.509725, "finish": 1757424672.203906, "duration": 0.694180965423584,
            "processing": 0.6726489067077637, "date_start": "2025-09-09T16:31:11+03:00",
            "date_finish": "2025-09-09T16:31:12+03:00", "operating_reset_at": 1757425271, "operating": 0
        }))
        .unwrap();
        assert_eq!(t.operating, Some(0.0));
        assert_eq!(t.operating_reset_at, Some(1757425271));
        assert_eq!(t.date_start.as_deref(), Some("2025-09-09T16:31:11+03:00"));
    }

    #[test]
    fn accepts_the_odd_shapes_seen_in_examples() {
        let t: Time = serde_json::from_value(json!({"start": 1773663032, "processing": 1,
            "operating_reset_at": "2024-08-26T16:11:37+03:00"}))
        .unwrap();
        assert_eq!(t.start, 1773663032.0);
        assert_eq!(t.operating_reset_at, Some(1724677897));
        assert_eq!(t.operating, None);
        let t: Time = serde_json::from_value(json!({"operating_reset_at": "1757425271"})).unwrap();
        assert_eq!(t.operating_reset_at, Some(1757425271));
    }

    #[test]
    fn iso_dates_convert_exactly() {
        assert_eq!(parse_iso8601("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_iso8601("2000-03-01T00:00:00+00:00"),
            Some(951_868_800)
        );
        assert_eq!(parse_iso8601("1969-12-31T23:00:00-01:00"), Some(0));
        assert_eq!(parse_iso8601("2024-13-01T00:00:00Z"), None);
        assert_eq!(parse_iso8601("yesterday"), None);
        assert_eq!(parse_iso8601("2024-01-01T00:00:00+0300"), None);
        assert_eq!(parse_iso8601("2024-01-01T00:00:0ж+03:00"), None);
        assert_eq!(parse_iso8601("2024-01-01T00:00:00ж+03:"), None);
    }

    #[test]
    fn garbage_reset_time_is_an_error() {
        assert!(serde_json::from_value::<Time>(json!({"operating_reset_at": "soon"})).is_err());
    }
}
