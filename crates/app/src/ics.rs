//! iCalendar (RFC 5545) feeds of meetings.
//!
//! The `icalendar` crate writes the calendar properties and the VEVENTs, escaping and folding them.
//! It cannot write a VTIMEZONE (every component it writes gets a DTSTAMP and a UID), so those are
//! written here from chrono-tz offsets: Outlook rejects a TZID that no VTIMEZONE defines.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::str::FromStr;

use chrono::{DateTime, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz, TzOffset};
use icalendar::{CalendarDateTime, Component, EventLike, EventStatus, Property};

/// One meeting as it appears in a feed.
pub struct IcsEvent<'a> {
    /// Stable across edits, e.g. "<meeting uuid>@tashbeek", so clients update instead of duplicating.
    pub uid: &'a str,
    /// Incremented on every change; clients ignore an update whose sequence did not grow.
    pub sequence: i64,
    pub summary: &'a str,
    pub description: Option<&'a str>,
    /// Venue name and address, or the online link.
    pub location: Option<&'a str>,
    /// Link back to the meeting page.
    pub url: &'a str,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The meeting's IANA zone, in which its times are written.
    pub time_zone: Tz,
    /// Cancelled meetings stay in the feed with STATUS:CANCELLED so that clients remove them.
    pub cancelled: bool,
    pub created_at: DateTime<Utc>,
    /// Written as LAST-MODIFIED and as DTSTAMP, so a feed that did not change renders byte for byte the same.
    pub updated_at: DateTime<Utc>,
}

/// A VCALENDAR with one VEVENT per event and one VTIMEZONE per zone used.
pub fn calendar(name: &str, events: &[IcsEvent<'_>]) -> String {
    let name = clean(name);
    let head = icalendar::Calendar::empty()
        .append_property(("PRODID", "-//Tashbeek//Meetings//AR"))
        .append_property(("VERSION", "2.0"))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", "PUBLISH"))
        // Not `Calendar::name`: it escapes X-WR-CALNAME but not NAME (RFC 7986).
        .append_property(("NAME", escape(&name).as_str()))
        .append_property(("X-WR-CALNAME", name.as_str()))
        // Not `Calendar::ttl`: it writes chrono's "PT3600S".
        .append_property(Property::new("REFRESH-INTERVAL", "PT1H").add_parameter("VALUE", "DURATION").done())
        .append_property(("X-PUBLISHED-TTL", "PT1H"))
        .to_string();
    let mut out = String::with_capacity(head.len() + 700 * events.len());
    out.push_str(head.strip_suffix("END:VCALENDAR\r\n").unwrap_or(&head));

    // Each zone's VTIMEZONE covers its events' span plus a year either way.
    let mut zones: BTreeMap<&str, (Tz, DateTime<Utc>, DateTime<Utc>)> = BTreeMap::new();
    for e in events {
        let span = zones.entry(e.time_zone.name()).or_insert((e.time_zone, e.starts_at, e.ends_at));
        span.1 = span.1.min(e.starts_at).min(e.ends_at);
        span.2 = span.2.max(e.starts_at).max(e.ends_at);
    }
    for (tz, first, last) in zones.values() {
        vtimezone(&mut out, *tz, first.timestamp() - YEAR, last.timestamp() + YEAR);
    }

    for e in events {
        let mut event = icalendar::Event::new();
        event
            .uid(&single_line(e.uid))
            .sequence(u32::try_from(e.sequence.clamp(0, u32::MAX.into())).unwrap_or_default())
            .summary(&clean(e.summary))
            .url(&single_line(e.url))
            .starts(wall_time(e.starts_at, e.time_zone))
            .ends(wall_time(e.ends_at, e.time_zone))
            .status(if e.cancelled { EventStatus::Cancelled } else { EventStatus::Confirmed })
            .created(e.created_at)
            .last_modified(e.updated_at)
            .timestamp(e.updated_at);
        if let Some(description) = e.description {
            event.description(&clean(description));
        }
        if let Some(location) = e.location {
            event.location(&clean(location));
        }
        // Writing into a String cannot fail.
        let _ = event.fmt_write(&mut out);
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

/// Whether `name` is an IANA zone we accept; returns the Tz.
pub fn zone(name: &str) -> Option<Tz> {
    Tz::from_str(name).ok()
}

const DAY: i64 = 86_400;
const YEAR: i64 = 366 * DAY;
/// Bounds of VTIMEZONE scans (1900 to 2200), so absurd dates cannot make a scan run for ages.
const SCAN_BOUNDS: (i64, i64) = (-2_208_988_800, 7_258_118_400);

/// The time as written in the meeting's zone, unless it is the second pass of the hour repeated when
/// clocks go back: RFC 5545 reads a repeated wall time as its first pass, so only UTC says the second.
fn wall_time(at: DateTime<Utc>, tz: Tz) -> CalendarDateTime {
    let local = at.with_timezone(&tz).naive_local();
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) if t == at => {
            CalendarDateTime::WithTimezone { date_time: local, tzid: tz.name().into() }
        }
        _ => CalendarDateTime::Utc(at),
    }
}

/// chrono-tz tells offsets but not transitions, so they are found by stepping a day at a time and
/// bisecting to the second (a change undone within a day would be missed; tzdata has none in our era).
fn vtimezone(out: &mut String, tz: Tz, from: i64, to: i64) {
    let (mut t, to) = (from.clamp(SCAN_BOUNDS.0, SCAN_BOUNDS.1), to.clamp(SCAN_BOUNDS.0, SCAN_BOUNDS.1));
    let mut current = offset_at(tz, t);
    let _ = write!(out, "BEGIN:VTIMEZONE\r\nTZID:{}\r\n", tz.name());
    // The offset in force when the range opens, as if since 1970 (the form of a zone without changes).
    observance(out, 0, &current, &current);
    while t < to {
        let next = t + DAY;
        if offset_at(tz, next) == current {
            t = next;
            continue;
        }
        let (mut before, mut after) = (t, next);
        while after - before > 1 {
            let mid = before + (after - before) / 2;
            if offset_at(tz, mid) == current {
                before = mid;
            } else {
                after = mid;
            }
        }
        let new = offset_at(tz, after);
        // RFC 5545: DTSTART is the local time of the change as read in the offset that ends.
        observance(out, after + i64::from(current.fix().local_minus_utc()), &current, &new);
        (t, current) = (after, new);
    }
    out.push_str("END:VTIMEZONE\r\n");
}

fn offset_at(tz: Tz, secs: i64) -> TzOffset {
    tz.offset_from_utc_datetime(&DateTime::from_timestamp(secs, 0).unwrap_or_default().naive_utc())
}

/// Writes a STANDARD or DAYLIGHT observance starting at the local wall time `onset` (seconds as if UTC).
fn observance(out: &mut String, onset: i64, from: &TzOffset, to: &TzOffset) {
    // Negative DST (Europe/Dublin's winter in tzdata) is still standard time for clients.
    let kind = if to.dst_offset().num_seconds() > 0 { "DAYLIGHT" } else { "STANDARD" };
    let onset: NaiveDateTime = DateTime::from_timestamp(onset, 0).unwrap_or_default().naive_utc();
    let _ = write!(
        out,
        "BEGIN:{kind}\r\nDTSTART:{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\n",
        onset.format("%Y%m%dT%H%M%S"),
        utc_offset(from),
        utc_offset(to)
    );
    if let Some(name) = to.abbreviation() {
        let _ = write!(out, "TZNAME:{}\r\n", escape(name));
    }
    let _ = write!(out, "END:{kind}\r\n");
}

/// RFC 5545 UTC-OFFSET: ±hhmm, with seconds only when there are some (old local mean times).
fn utc_offset(offset: &TzOffset) -> String {
    let secs = offset.fix().local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.abs();
    let hhmm = format!("{sign}{:02}{:02}", secs / 3600, secs / 60 % 60);
    if secs % 60 == 0 {
        hhmm
    } else {
        format!("{hhmm}{:02}", secs % 60)
    }
}

/// The crate escapes TEXT only in properties it knows to be TEXT, which NAME is not.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n")
}

/// Form input brings CRLF and stray control characters, which the crate would write raw and so break the line.
fn clean(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).collect()
}

/// URL and UID are one line with no escapes in them.
fn single_line(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("test instant")
    }

    fn event<'a>(summary: &'a str, tz: &str, starts: &str, ends: &str) -> IcsEvent<'a> {
        IcsEvent {
            uid: "1@tashbeek",
            sequence: 2,
            summary,
            description: None,
            location: None,
            url: "https://tashbeek.example/m/1",
            starts_at: at(starts),
            ends_at: at(ends),
            time_zone: zone(tz).expect("test zone"),
            cancelled: false,
            created_at: at("2020-01-01T00:00:00Z"),
            updated_at: at("2020-01-02T00:00:00Z"),
        }
    }

    fn unfold(ics: &str) -> String {
        ics.replace("\r\n ", "")
    }

    #[test]
    fn lines_are_crlf_and_folded_at_75_octets() {
        let summary = "اجتماع الجمعية العمومية، بند أول؛ بند ثان، ومناقشة الميزانية السنوية للنادي";
        let ics = calendar("تشبيك", &[event(summary, "Asia/Riyadh", "2024-05-01T15:00:00Z", "2024-05-01T16:00:00Z")]);
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        for line in ics.split_terminator("\r\n") {
            assert!(line.len() <= 75 && !line.contains(['\r', '\n']), "{line:?}");
        }
        assert!(unfold(&ics).contains(&format!("SUMMARY:{}\r\n", escape(summary))));
        for line in ["PRODID:-//Tashbeek//Meetings//AR", "METHOD:PUBLISH", "X-WR-CALNAME:تشبيك", "X-PUBLISHED-TTL:PT1H"]
        {
            assert!(ics.contains(&format!("{line}\r\n")), "{line}");
        }
        assert!(ics.contains("REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"));
    }

    #[test]
    fn text_is_escaped_and_cleaned() {
        let mut e = event("a,b;c\\d\r\ne\u{7}", "Asia/Riyadh", "2024-05-01T15:00:00Z", "2024-05-01T16:00:00Z");
        e.url = "https://x.example/\r\nX-INJECTED:1";
        let ics = calendar("Club, Riyadh; \\ news\nline", &[e]);
        assert!(ics.contains("SUMMARY:a\\,b\\;c\\\\d\\ne\r\n"));
        for key in ["NAME", "X-WR-CALNAME"] {
            assert!(ics.contains(&format!("\n{key}:Club\\, Riyadh\\; \\\\ news\\nline\r\n")), "{key}");
        }
        assert!(ics.contains("URL:https://x.example/X-INJECTED:1\r\n"));
    }

    #[test]
    fn event_properties() {
        let mut e = event("m", "Europe/Berlin", "2024-03-31T00:30:00Z", "2024-03-31T01:30:00Z");
        e.cancelled = true;
        let ics = calendar("n", &[e]);
        for line in [
            "DTSTART;TZID=Europe/Berlin:20240331T013000",
            "DTEND;TZID=Europe/Berlin:20240331T033000",
            "STATUS:CANCELLED",
            "SEQUENCE:2",
            "UID:1@tashbeek",
            "DTSTAMP:20200102T000000Z",
            "LAST-MODIFIED:20200102T000000Z",
            "CREATED:20200101T000000Z",
        ] {
            assert!(ics.contains(&format!("{line}\r\n")), "{line}");
        }
    }

    #[test]
    fn vtimezone_has_each_transition_in_the_old_offset() {
        let ics = calendar("n", &[event("m", "Europe/Berlin", "2024-03-31T08:00:00Z", "2024-03-31T09:00:00Z")]);
        let spring =
            "BEGIN:DAYLIGHT\r\nDTSTART:20240331T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n";
        let autumn =
            "BEGIN:STANDARD\r\nDTSTART:20241027T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n";
        assert!(ics.contains(spring) && ics.contains(autumn), "{ics}");
        // A year either way: 2023-03-31 to 2025-03-31, four changes plus the base observance (summer time).
        assert_eq!(ics.matches("BEGIN:DAYLIGHT").count(), 3);
        assert_eq!(ics.matches("BEGIN:STANDARD").count(), 2);
        assert_eq!(ics.matches("BEGIN:VTIMEZONE").count(), 1);
    }

    #[test]
    fn fixed_zones_get_one_standard_observance() {
        let e = event("m", "Africa/Khartoum", "2024-05-01T15:00:00Z", "2024-05-01T16:00:00Z");
        let ics = calendar("n", &[e]);
        let one = "BEGIN:VTIMEZONE\r\nTZID:Africa/Khartoum\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n\
                   TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0200\r\nTZNAME:CAT\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";
        assert!(ics.contains(one), "{ics}");
        // Khartoum went from +03 to +02 at 2017-11-01 00:00 local.
        let ics = calendar("n", &[event("m", "Africa/Khartoum", "2017-06-01T15:00:00Z", "2017-06-01T16:00:00Z")]);
        assert!(ics.contains("DTSTART:20171101T000000\r\nTZOFFSETFROM:+0300\r\nTZOFFSETTO:+0200\r\n"), "{ics}");
    }

    #[test]
    fn repeated_hour_falls_back_to_utc() {
        let first = event("m", "America/New_York", "2021-11-07T05:30:00Z", "2021-11-07T06:30:00Z");
        let ics = calendar("n", &[first]);
        assert!(ics.contains("DTSTART;TZID=America/New_York:20211107T013000\r\n"));
        assert!(ics.contains("DTEND:20211107T063000Z\r\n"));
    }

    #[test]
    fn zones() {
        assert_eq!(zone("Asia/Damascus"), Some(Tz::Asia__Damascus));
        assert_eq!(zone("Mars/Olympus_Mons"), None);
        assert_eq!(zone(""), None);
    }
}
