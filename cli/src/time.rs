//! Points in time, ages and thresholds as people write them on a command
//! line: `2024-05-01T00:00:00Z` or `26h` back from now, `26h` or `2d`,
//! `10` or `10%`, `30` or `30d`.

use std::time::Duration;

use vb365::DateTime;
use vb365::monitoring::Range;

/// A point in time: RFC 3339, or an age back from now (`26h`, `7d`).
pub fn point(text: &str) -> Result<DateTime, String> {
    if let Ok(time) = DateTime::parse(text) {
        return Ok(time);
    }
    let age =
        age(text).map_err(|_| format!("`{text}` is neither RFC 3339 (2024-05-01T00:00:00Z) nor an age (26h, 7d)"))?;
    let age = chrono::TimeDelta::from_std(age).map_err(|_| format!("`{text}` is too long ago"))?;
    let then = DateTime::now().utc().checked_sub_signed(age).ok_or_else(|| format!("`{text}` is too long ago"))?;
    Ok(DateTime::from(then))
}

/// An age: a number with `s`, `m`, `h`, `d` or `w` (`90m`, `26h`, `2d`).
pub fn age(text: &str) -> Result<Duration, String> {
    let bad = || format!("`{text}` is not an age: write a number and s, m, h, d or w (26h, 2d)");
    let text = text.trim();
    let unit = text.chars().last().ok_or_else(bad)?;
    let seconds = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3_600,
        'd' => 86_400,
        'w' => 604_800,
        _ => return Err(bad()),
    };
    let number: f64 = text[..text.len() - 1].trim().parse().map_err(|_| bad())?;
    if !(number.is_finite() && number > 0.0) || number * f64::from(seconds) > 1e12 {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(number * f64::from(seconds)))
}

/// A threshold of free space in per cent: `10` or `10%` (below 10), or a
/// monitoring-plugin range (`10:`, `~:90`, `@10:20`), its numbers from 0
/// to 100.
pub fn percent_range(text: &str) -> Result<Range, String> {
    let range = without_unit(text, '%').parse::<Range>().map_err(|e| e.to_string())?;
    let numbers = without_unit(text, '%').trim_start_matches('@').split(':').map(str::trim).collect::<Vec<_>>();
    let out_of_bounds = numbers.iter().filter_map(|n| n.parse::<f64>().ok()).any(|n| !(0.0..=100.0).contains(&n));
    if out_of_bounds {
        return Err(format!("`{text}`: a percentage is from 0 to 100"));
    }
    Ok(range)
}

/// A threshold of days: `30` or `30d` (below 30), or a monitoring-plugin range.
pub fn days_range(text: &str) -> Result<Range, String> {
    without_unit(text, 'd').parse::<Range>().map_err(|e| e.to_string())
}

/// The text without its unit: `10%` is `10`, `7:30%` is `7:30`.
fn without_unit(text: &str, unit: char) -> &str {
    let trimmed = text.trim();
    trimmed.strip_suffix(unit).unwrap_or(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_take_a_unit() {
        assert_eq!(age("26h"), Ok(Duration::from_secs(26 * 3600)));
        assert_eq!(age("2d"), Ok(Duration::from_secs(2 * 86_400)));
        assert_eq!(age("90m"), Ok(Duration::from_secs(5400)));
        assert_eq!(age("1.5h"), Ok(Duration::from_secs(5400)));
        for bad in ["26", "h", "-1h", "0d", "xh", ""] {
            assert!(age(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn points_are_rfc_3339_or_back_from_now() {
        assert_eq!(point("2024-05-01T00:00:00Z").unwrap().to_string(), "2024-05-01T00:00:00Z");
        let day_ago = point("1d").unwrap().utc();
        let expected = DateTime::now().utc() - chrono::TimeDelta::days(1);
        assert!((day_ago - expected).num_seconds().abs() < 5);
        assert!(point("yesterday").unwrap_err().contains("neither RFC 3339"));
    }

    #[test]
    fn thresholds_take_an_optional_unit_and_plugin_ranges() {
        let below = |n| Ok(Range::below(n));
        assert_eq!(
            (percent_range("10"), percent_range("10%"), percent_range(" 7.5 % ")),
            (below(10.0), below(10.0), below(7.5))
        );
        assert_eq!(percent_range("@10:20").map(|r| r.to_string()), Ok(String::from("@10:20")));
        assert!(percent_range("101").unwrap_err().contains("0 to 100"));
        assert!(percent_range("ten").unwrap_err().contains("not a threshold"));
        assert_eq!((days_range("30"), days_range("30d")), (below(30.0), below(30.0)));
        assert_eq!(days_range("~:400").map(|r| r.to_string()), Ok(String::from("~:400")));
        assert!(days_range("a month").is_err());
    }
}
