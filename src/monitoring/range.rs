//! A threshold as monitoring plugins write one (the Monitoring Plugins
//! development guidelines): `10:` alerts below 10, `~:10` above 10, `10:20`
//! outside 10 to 20, `@10:20` inside it. A plain number `N` is `N:` here,
//! "alert below N": every threshold `vb365 check` takes is one where less
//! is worse (free space, days left), and `--warn-free 20` has always meant
//! "below 20 %". (The guidelines read a plain `N` as `0:N`; write `0:N` for
//! that.)

use std::fmt;
use std::str::FromStr;

/// A range of values that are fine; a value outside it alerts (inside it,
/// for a range written with `@`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// The least value that is fine (`-inf` for `~`).
    start: f64,
    /// The most value that is fine (`+inf` when left out).
    end: f64,
    /// `@`: values inside alert, not outside.
    inside: bool,
}

/// Why a text is not a range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a threshold: {problem} (write 20, 20:, ~:20, 10:20 or @10:20)")]
pub struct RangeError {
    text: String,
    problem: &'static str,
}

impl Range {
    /// Alerts below `limit`: `limit:`.
    pub fn below(limit: f64) -> Self {
        Self { start: limit, end: f64::INFINITY, inside: false }
    }

    /// Whether `value` alerts.
    pub fn alerts(&self, value: f64) -> bool {
        let within = self.start <= value && value <= self.end;
        within == self.inside
    }

    /// Whether every value `other` alerts on alerts here too: a warning
    /// threshold must cover its critical one, or a value could be critical
    /// without being worth a warning (`--warn-free 5 --crit-free 10`).
    pub fn covers(&self, other: &Range) -> bool {
        self.covers_within(other, f64::NEG_INFINITY, f64::INFINITY)
    }

    /// [`Range::covers`] for the values from `least` to `most` only: free
    /// space is 0 to 100 %, and a critical `@0:5` is covered by a warning
    /// `10` there, though not below 0.
    pub fn covers_within(&self, other: &Range, least: f64, most: f64) -> bool {
        // Whether a range alerts changes only at the bounds: trying each
        // bound, a value between each two, and one beyond each end decides it.
        let mut bounds: Vec<f64> = [self.start, self.end, other.start, other.end, least, most]
            .into_iter()
            .filter(|b| b.is_finite() && (least..=most).contains(b))
            .collect();
        bounds.sort_by(f64::total_cmp);
        bounds.dedup();
        let mut values = bounds.clone();
        values.extend(bounds.windows(2).map(|w| (w[0] + w[1]) / 2.0));
        if let (Some(first), Some(last)) = (bounds.first(), bounds.last()) {
            values.extend([first - 1.0, last + 1.0]);
        } else {
            values.push(0.0);
        }
        values.into_iter().filter(|v| (least..=most).contains(v)).all(|v| !other.alerts(v) || self.alerts(v))
    }

    /// When it alerts, in words: `below 10%`, `above 90%`, `outside 10 to
    /// 90%`, `from 10 to 20%`.
    pub fn explain(&self, unit: &str) -> String {
        let (start, end) = (number(self.start), number(self.end));
        let (low, high) = (self.start > f64::NEG_INFINITY, self.end < f64::INFINITY);
        match (self.inside, low, high) {
            (false, false, false) => String::from("never"),
            (true, false, false) => String::from("always"),
            (false, true, false) => format!("below {start}{unit}"),
            (false, false, true) => format!("above {end}{unit}"),
            (false, true, true) => format!("outside {start} to {end}{unit}"),
            (true, false, true) => format!("at most {end}{unit}"),
            (true, true, false) => format!("at least {start}{unit}"),
            (true, true, true) => format!("from {start} to {end}{unit}"),
        }
    }
}

impl FromStr for Range {
    type Err = RangeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = |problem| RangeError { text: text.to_owned(), problem };
        let number = |part: &str| -> Result<f64, RangeError> {
            let value: f64 = part.trim().parse().map_err(|_| bad("not a number"))?;
            if value.is_finite() { Ok(value) } else { bad_finite(text) }
        };
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(bad("it is empty"));
        }
        let (inside, rest) = match trimmed.strip_prefix('@') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let range = match rest.split_once(':') {
            None => Self { start: number(rest)?, end: f64::INFINITY, inside },
            Some((start, end)) => {
                let start = match start.trim() {
                    "~" => f64::NEG_INFINITY,
                    "" => 0.0,
                    start => number(start)?,
                };
                let end = if end.trim().is_empty() { f64::INFINITY } else { number(end)? };
                Self { start, end, inside }
            }
        };
        if range.start > range.end {
            return Err(bad("its start is above its end"));
        }
        Ok(range)
    }
}

fn bad_finite(text: &str) -> Result<f64, RangeError> {
    Err(RangeError { text: text.to_owned(), problem: "not a finite number" })
}

/// The plugin form, as performance data carries it: `20:`, `~:10`, `@10:20`.
impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.inside {
            f.write_str("@")?;
        }
        match self.start {
            s if s == f64::NEG_INFINITY => f.write_str("~:")?,
            s => write!(f, "{}:", number(s))?,
        }
        if self.end.is_finite() {
            write!(f, "{}", number(self.end))?;
        }
        Ok(())
    }
}

/// A number without a needless fraction: `20`, `7.5`.
pub(crate) fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 { format!("{value:.0}") } else { format!("{value}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(text: &str) -> Range {
        text.parse().unwrap()
    }

    #[test]
    fn the_guidelines_forms_alert_where_they_say() {
        // (text, values that alert, values that do not)
        let cases: [(&str, &[f64], &[f64]); 6] = [
            ("20", &[19.9, -1.0], &[20.0, 100.0]),
            ("10:", &[9.99], &[10.0, 1e9]),
            ("~:10", &[10.01], &[-1e9, 10.0]),
            ("10:20", &[9.0, 21.0], &[10.0, 15.0, 20.0]),
            ("@10:20", &[10.0, 15.0, 20.0], &[9.0, 21.0]),
            (":5", &[-0.1, 5.1], &[0.0, 5.0]),
        ];
        for (text, alert, fine) in cases {
            let r = range(text);
            for v in alert {
                assert!(r.alerts(*v), "{text} should alert on {v}");
            }
            for v in fine {
                assert!(!r.alerts(*v), "{text} should not alert on {v}");
            }
        }
    }

    #[test]
    fn ranges_print_as_plugins_write_them() {
        for (text, printed) in [("20", "20:"), ("7.5:", "7.5:"), ("~:10", "~:10"), ("10:20", "10:20"), ("@1:2", "@1:2")]
        {
            assert_eq!(range(text).to_string(), printed);
            assert_eq!(range(printed), range(text), "{printed} reads back");
        }
        // Never the bare `N`, which plugins read as `0:N` and this type as `N:`.
        assert_eq!(range(":5").to_string(), "0:5");
        assert_eq!(range("5").to_string(), "5:");
    }

    #[test]
    fn ranges_explain_themselves() {
        let said: Vec<String> =
            ["10", "~:90", "10:90", "@10:20", "@~:5", "~:"].iter().map(|t| range(t).explain("%")).collect();
        assert_eq!(said, ["below 10%", "above 90%", "outside 10 to 90%", "from 10 to 20%", "at most 5%", "never"]);
    }

    #[test]
    fn what_is_not_a_range_says_why() {
        for (text, why) in [("", "empty"), ("lots", "not a number"), ("20:10", "start is above"), ("@", "not a number")]
        {
            let error = text.parse::<Range>().unwrap_err().to_string();
            assert!(error.contains(why), "{text}: {error}");
        }
        assert!("inf".parse::<Range>().is_err() && "NaN:".parse::<Range>().is_err());
    }

    #[test]
    fn a_warning_covers_its_critical_or_it_is_backwards() {
        assert!(range("20").covers(&range("10")));
        assert!(!range("5").covers(&range("10")), "--warn-free 5 --crit-free 10 is backwards");
        assert!(range("10").covers(&range("10")));
        assert!(range("10:90").covers(&range("5:95")));
        assert!(range("10:90").covers(&range("5:")), "a critical that never alerts high is covered");
        assert!(!range("10:").covers(&range("5:95")), "the critical alerts above 95, the warning never");
        assert!(range("10:90").covers(&range("@0:5")) && !range("10:90").covers(&range("@5:15")));
        assert!(range("@0:20").covers(&range("@5:10")) && !range("@5:10").covers(&range("@0:20")));
        assert!(!range("@0:20").covers(&range("10")));
        // Within 0 to 100 a warning inside 0 to 6 covers a critical below 4.5, as nothing is below 0.
        assert!(!range("@0:6").covers(&range("4.5")));
        assert!(range("@0:6").covers_within(&range("4.5"), 0.0, 100.0));
        assert!(!range("@0:6").covers_within(&range("7"), 0.0, 100.0));
        assert!(range("~:").covers(&range("~:")), "neither ever alerts");
    }
}
