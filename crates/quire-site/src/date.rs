//! Publication dates: a calendar date with an optional time of day.

use serde::Serialize;

/// A validated date or date-time from front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PubDate {
    /// The instant (a date alone means midnight UTC).
    pub timestamp: jiff::Timestamp,
    /// The calendar date as written.
    pub date: jiff::civil::Date,
    /// True when a time of day was given.
    pub has_time: bool,
}

impl PubDate {
    /// Parses `2024-04-02`, `2024-04-02T10:30:00`, `2024-04-02 10:30:00` or
    /// RFC 3339 with an offset. Impossible dates such as 2024-02-30 are
    /// errors, and so are dates outside [`PubDate::RANGE`], where a derived
    /// timestamp (feeds, sitemap) would overflow.
    pub fn parse(text: &str) -> Result<PubDate, String> {
        let (first, last) = Self::RANGE;
        let fits = |d: jiff::civil::Date| d >= first && d <= last;
        let outside = || {
            format!(
                "`{}` is outside the dates quire publishes ({first} to {last})",
                text.trim()
            )
        };
        // The calendar date first: past the range, making a timestamp
        // overflows with a message about jiff's limits instead.
        if let Some(Ok(date)) = text.trim().get(..10).map(str::parse::<jiff::civil::Date>)
            && !fits(date)
        {
            return Err(outside());
        }
        Self::parse_any(text)
    }

    /// The first and last publishable calendar dates: every instant of them,
    /// at the UTC offsets in use (up to ±14 hours), has a timestamp, and formats
    /// with a four-digit year in RFC 3339 and RFC 2822.
    pub const RANGE: (jiff::civil::Date, jiff::civil::Date) = (
        jiff::civil::date(1000, 1, 1),
        jiff::civil::date(9999, 12, 29),
    );

    fn parse_any(text: &str) -> Result<PubDate, String> {
        let text = text.trim();
        let err = |e: jiff::Error| {
            format!(
                "`{text}` is not a valid date ({e}); write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"
            )
        };
        if text.len() <= 10 {
            let date: jiff::civil::Date = text.parse().map_err(err)?;
            let timestamp = date
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .map_err(err)?
                .timestamp();
            return Ok(PubDate {
                timestamp,
                date,
                has_time: false,
            });
        }
        if let Ok(timestamp) = text.parse::<jiff::Timestamp>() {
            // Keep the calendar date the author wrote, not the UTC one.
            let date: jiff::civil::Date = text[..10].parse().map_err(err)?;
            return Ok(PubDate {
                timestamp,
                date,
                has_time: true,
            });
        }
        let dt: jiff::civil::DateTime = text.parse().map_err(err)?;
        let timestamp = dt
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .map_err(err)?
            .timestamp();
        Ok(PubDate {
            timestamp,
            date: dt.date(),
            has_time: true,
        })
    }

    /// `YYYY-MM-DD`.
    pub fn iso_date(&self) -> String {
        self.date.to_string()
    }

    /// RFC 3339 in UTC, e.g. `2024-04-02T00:00:00Z`.
    pub fn rfc3339(&self) -> String {
        self.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    }

    /// RFC 2822 in UTC, for RSS.
    pub fn rfc2822(&self) -> String {
        self.timestamp
            .strftime("%a, %d %b %Y %H:%M:%S +0000")
            .to_string()
    }

    /// Year, month (1–12) and day.
    pub fn ymd(&self) -> (i32, u8, u8) {
        (
            i32::from(self.date.year()),
            self.date.month() as u8,
            self.date.day() as u8,
        )
    }
}

impl Serialize for PubDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::PubDate;

    #[test]
    fn parses_dates_and_rejects_impossible_ones() {
        let d = PubDate::parse("2024-04-02").unwrap();
        assert_eq!(d.iso_date(), "2024-04-02");
        assert_eq!(d.rfc3339(), "2024-04-02T00:00:00Z");
        assert_eq!(d.rfc2822(), "Tue, 02 Apr 2024 00:00:00 +0000");
        let t = PubDate::parse("2024-04-02T23:30:00+03:00").unwrap();
        assert_eq!(t.iso_date(), "2024-04-02");
        assert_eq!(t.rfc3339(), "2024-04-02T20:30:00Z");
        assert!(PubDate::parse("2024-04-02T10:00:00").unwrap().has_time);
        assert!(PubDate::parse("2024-02-30").is_err());
        assert!(PubDate::parse("yesterday").is_err());
    }

    #[test]
    fn far_dates_are_clear_errors_not_timestamp_overflows() {
        for far in [
            "9999-12-31",
            "9999-12-31T10:00:00",
            "9999-12-30T23:00:00-05:00",
            "0999-12-31",
            "0000-01-01",
        ] {
            let e = PubDate::parse(far).unwrap_err();
            assert!(
                e.contains("outside the dates quire publishes (1000-01-01 to 9999-12-29"),
                "{far}: {e}"
            );
        }
        let last = PubDate::parse("9999-12-29T23:59:59-12:00").unwrap();
        assert_eq!(last.rfc3339(), "9999-12-30T11:59:59Z");
        assert_eq!(
            PubDate::parse("1000-01-01").unwrap().rfc2822(),
            "Wed, 01 Jan 1000 00:00:00 +0000"
        );
    }
}
