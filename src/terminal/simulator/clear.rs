//! Auto-clear timing. A real terminal clears its batch at a fixed local time every day,
//! settled or not; whatever was not settled is gone from the terminal and must be claimed.

use jiff::Timestamp;
use jiff::civil::Time;
use jiff::tz::TimeZone;

/// The latest instant at or before `now` at which the local clock read `at`. A time that a
/// DST change skips falls on the first instant after the gap (jiff's "compatible" rule).
pub fn latest_clear(now: Timestamp, at: Time, tz: &TimeZone) -> Result<Timestamp, jiff::Error> {
    let today = now.to_zoned(tz.clone()).date();
    let candidate = today.to_datetime(at).to_zoned(tz.clone())?.timestamp();
    if candidate <= now {
        return Ok(candidate);
    }
    Ok(today.yesterday()?.to_datetime(at).to_zoned(tz.clone())?.timestamp())
}

/// The clear instant in (since, now], if one fell there. With no `since` (a fresh terminal)
/// nothing is due: there was no batch before.
pub fn due(
    since: Option<Timestamp>,
    now: Timestamp,
    at: Time,
    tz: &TimeZone,
) -> Result<Option<Timestamp>, jiff::Error> {
    let Some(since) = since else { return Ok(None) };
    let latest = latest_clear(now, at, tz)?;
    Ok((latest > since).then_some(latest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::time;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn finds_the_clear_between_two_looks() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        let at = time(3, 0, 0, 0);
        // 03:00 in Shanghai is 19:00 UTC the day before.
        assert_eq!(
            latest_clear(ts("2025-03-10T20:00:00Z"), at, &tz).unwrap(),
            ts("2025-03-10T19:00:00Z")
        );
        assert_eq!(
            latest_clear(ts("2025-03-10T18:59:59Z"), at, &tz).unwrap(),
            ts("2025-03-09T19:00:00Z")
        );
        assert_eq!(
            latest_clear(ts("2025-03-10T19:00:00Z"), at, &tz).unwrap(),
            ts("2025-03-10T19:00:00Z")
        );
        let since = Some(ts("2025-03-10T12:00:00Z"));
        assert_eq!(due(since, ts("2025-03-10T18:00:00Z"), at, &tz).unwrap(), None);
        assert_eq!(
            due(since, ts("2025-03-10T19:00:00Z"), at, &tz).unwrap(),
            Some(ts("2025-03-10T19:00:00Z"))
        );
        // Days later (terminal switched off meanwhile): the latest clear is the one that counts.
        assert_eq!(
            due(since, ts("2025-03-13T01:00:00Z"), at, &tz).unwrap(),
            Some(ts("2025-03-12T19:00:00Z"))
        );
        assert_eq!(due(None, ts("2025-03-13T01:00:00Z"), at, &tz).unwrap(), None);
    }

    #[test]
    fn a_clear_time_skipped_by_dst_happens_after_the_gap() {
        let tz = TimeZone::get("Europe/Berlin").unwrap();
        // 2025-03-30 02:30 does not exist in Berlin; clocks jump 02:00 -> 03:00 (01:00 UTC).
        let clear = latest_clear(ts("2025-03-30T02:00:00Z"), time(2, 30, 0, 0), &tz).unwrap();
        assert_eq!(clear, ts("2025-03-30T01:30:00Z"));
    }
}
