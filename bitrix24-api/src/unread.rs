//! Reporting, on live traffic, the response fields that the generated types do not read.
//!
//! With [`ClientBuilder::report_unread_fields`](crate::ClientBuilder::report_unread_fields) on, each
//! response is decoded through [`lossless`](crate::lossless), and every unread path becomes one
//! `WARN` event (target `bitrix24_api::unread`, fields `method` and `path`), at most once per
//! [`REPEAT_AFTER`] for each method and path, remembering at most [`REMEMBERED`] pairs. Array positions are folded (`result.items[].X`) so that a
//! list of fifty rows with the same new key is one report, not fifty.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use serde::de::DeserializeOwned;
use tokio::time::Instant;

use crate::client::Client;
use crate::envelope::RawSuccess;
use crate::error::DecodeError;
use crate::reply::Reply;

/// How long a reported (method, path) stays quiet.
pub(crate) const REPEAT_AFTER: Duration = Duration::from_secs(10 * 60);

/// How many (method, path) pairs are remembered; past that the oldest is forgotten first.
pub(crate) const REMEMBERED: usize = 1024;

/// The tracing target of the reports.
pub(crate) const TARGET: &str = "bitrix24_api::unread";

/// The reports already made, and when.
#[derive(Debug, Default)]
pub(crate) struct UnreadReport {
    seen: Mutex<Seen>,
}

impl UnreadReport {
    /// Emits one event for each unread path of `method`'s answer that was not reported lately.
    pub fn report(&self, method: &str, unread: &[String]) {
        if unread.is_empty() {
            return;
        }
        let mut fresh: Vec<String> = unread.iter().map(|p| fold_positions(p)).collect();
        fresh.sort_unstable();
        fresh.dedup();
        {
            let now = Instant::now();
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            fresh.retain(|path| seen.admit(method, path, now));
        }
        for path in fresh {
            tracing::warn!(
                target: TARGET,
                method,
                path = path.as_str(),
                "the portal sent a field the generated types do not read"
            );
        }
    }
}

impl Client {
    /// Types a success envelope, through the unread-field report when the client has it on.
    pub(crate) fn decode<T: DeserializeOwned>(
        &self,
        method: &str,
        raw: RawSuccess,
    ) -> Result<Reply<T>, DecodeError> {
        match &self.inner.unread {
            None => raw.decode(),
            Some(report) => {
                let (reply, unread) = raw.decode_lossless()?;
                report.report(method, &unread);
                Ok(reply)
            }
        }
    }
}

/// A bounded map of (method, path) to the time it was last reported.
#[derive(Debug, Default)]
struct Seen {
    at: HashMap<(String, String), Instant>,
}

impl Seen {
    /// Whether (method, path) may be reported at `now`; if so, it is remembered as reported.
    fn admit(&mut self, method: &str, path: &str, now: Instant) -> bool {
        let key = (method.to_owned(), path.to_owned());
        if let Some(last) = self.at.get(&key)
            && now.duration_since(*last) < REPEAT_AFTER
        {
            return false;
        }
        if self.at.len() >= REMEMBERED && !self.at.contains_key(&key) {
            self.at
                .retain(|_, last| now.duration_since(*last) < REPEAT_AFTER);
            if self.at.len() >= REMEMBERED
                && let Some(oldest) = self
                    .at
                    .iter()
                    .min_by_key(|(_, at)| **at)
                    .map(|(k, _)| k.clone())
            {
                self.at.remove(&oldest);
            }
        }
        self.at.insert(key, now);
        true
    }
}

/// `result.items[3].X` → `result.items[].X`: one report per key, whatever row it appeared in.
fn fold_positions(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' if in_index => {
                in_index = false;
                out.push(']');
            }
            c if in_index && c.is_ascii_digit() => {}
            c => {
                in_index = false;
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_fold_and_keys_stay() {
        assert_eq!(fold_positions("result.items[12].X"), "result.items[].X");
        assert_eq!(fold_positions("result[0][1]"), "result[][]");
        assert_eq!(
            fold_positions("result.QUEUE_FULL.5.ID"),
            "result.QUEUE_FULL.5.ID"
        );
    }

    #[test]
    fn a_pair_is_admitted_once_per_window() {
        let mut seen = Seen::default();
        let start = Instant::now();
        assert!(seen.admit("m", "result.X", start));
        assert!(!seen.admit("m", "result.X", start + Duration::from_secs(1)));
        assert!(seen.admit("m", "result.Y", start));
        assert!(seen.admit("other", "result.X", start));
        assert!(!seen.admit(
            "m",
            "result.X",
            start + REPEAT_AFTER - Duration::from_millis(1)
        ));
        assert!(seen.admit("m", "result.X", start + REPEAT_AFTER));
    }

    #[test]
    fn memory_stays_bounded_and_the_oldest_goes_first() {
        let mut seen = Seen::default();
        let start = Instant::now();
        for i in 0..REMEMBERED + 10 {
            let at = start + Duration::from_millis(i as u64);
            assert!(seen.admit("m", &format!("result.K{i}"), at));
            assert!(seen.at.len() <= REMEMBERED);
        }
        let later = start + Duration::from_secs(1);
        // The first ten were forgotten to make room, so they report again; the last one does not.
        assert!(seen.admit("m", "result.K0", later));
        assert!(!seen.admit("m", &format!("result.K{}", REMEMBERED + 9), later));
    }
}
