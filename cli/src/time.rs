//! Points in time, ages and thresholds as people write them on a command
//! line: `2024-05-01T00:00:00Z` or `26h` back from now, `26h` or `2d`,
//! `10` or `10%`, `30` or `30d`.

use std::time::Duration;

use vb365::DateTime;

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

/// A percentage, `10` or `10%`, from 0 to 100.
pub fn percent(text: &str) -> Result<f64, String> {
    let number: f64 = text
        .trim()
        .trim_end_matches('%')
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a percentage (10 or 10%)"))?;
    if !(0.0..=100.0).contains(&number) {
        return Err(format!("`{text}` must be from 0 to 100"));
    }
    Ok(number)
}

/// A number of days, `30` or `30d`.
pub fn days(text: &str) -> Result<u32, String> {
    let trimmed = text.trim();
    let number = trimmed.strip_suffix('d').unwrap_or(trimmed).trim();
    number.parse().map_err(|_| format!("`{text}` is not a number of days (30 or 30d)"))
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
    fn thresholds_take_an_optional_unit() {
        assert_eq!((percent("10"), percent("10%"), percent(" 7.5 % ")), (Ok(10.0), Ok(10.0), Ok(7.5)));
        assert!(percent("101").is_err() && percent("ten").is_err());
        assert_eq!((days("30"), days("30d")), (Ok(30), Ok(30)));
        assert!(days("a month").is_err());
    }
}
