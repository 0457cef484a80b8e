//! When a backup job runs on its own, as people say it: `daily 22:00`,
//! `workdays 22:00`, `periodically 1h`, `manual`; and the
//! [`JobSchedulePolicy`] the server keeps.

use std::fmt;
use std::str::FromStr;

use crate::types::{DailyType, JobSchedulePolicy, SchedulePeriod, ScheduleType};

/// A job's schedule, the part of [`JobSchedulePolicy`] people choose.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Schedule {
    /// Once a day, on `days`, at `hour:minute`.
    Daily {
        /// Which days: every day, workdays, weekends, or one day of the week.
        days: DailyType,
        /// The hour, 0 to 23.
        hour: u8,
        /// The minute, 0 to 59.
        minute: u8,
    },
    /// Every `period`.
    Periodically(SchedulePeriod),
    /// Only when started by hand.
    Manual,
}

impl Schedule {
    /// Every day at `hour:minute`.
    pub fn daily(hour: u8, minute: u8) -> Self {
        Self::Daily { days: DailyType::Everyday, hour, minute }
    }

    /// The policy a job is created or changed with: the schedule switched
    /// on (off for `Manual`), retries as the server's console sets them.
    pub fn policy(&self) -> JobSchedulePolicy {
        let mut policy = JobSchedulePolicy {
            schedule_enabled: Some(!matches!(self, Self::Manual)),
            backup_window_enabled: Some(false),
            retry_enabled: Some(true),
            retry_number: Some(3),
            retry_wait_interval: Some(10),
            ..JobSchedulePolicy::default()
        };
        self.apply(&mut policy);
        policy
    }

    /// Sets this schedule in `policy`, leaving its windows and retries as
    /// they are.
    pub fn apply(&self, policy: &mut JobSchedulePolicy) {
        policy.schedule_enabled = Some(!matches!(self, Self::Manual));
        match self {
            Self::Daily { days, hour, minute } => {
                policy.type_ = Some(ScheduleType::Daily);
                policy.daily_type = Some(days.clone());
                policy.daily_time = Some(format!("{hour:02}:{minute:02}:00"));
            }
            Self::Periodically(period) => {
                policy.type_ = Some(ScheduleType::Periodically);
                policy.periodically_every = Some(period.clone());
            }
            Self::Manual => policy.type_ = Some(ScheduleType::ManualOnly),
        }
    }

    /// The schedule of `policy`, where it is one of these.
    pub fn of(policy: &JobSchedulePolicy) -> Option<Self> {
        if policy.schedule_enabled == Some(false) || policy.type_ == Some(ScheduleType::ManualOnly) {
            return Some(Self::Manual);
        }
        match policy.type_.as_ref()? {
            ScheduleType::Daily => {
                let time = policy.daily_time.as_deref()?;
                let mut parts = time.split(':');
                let hour = parts.next()?.parse().ok().filter(|h| *h < 24)?;
                let minute = parts.next()?.parse().ok().filter(|m| *m < 60)?;
                Some(Self::Daily { days: policy.daily_type.clone().unwrap_or(DailyType::Everyday), hour, minute })
            }
            ScheduleType::Periodically => Some(Self::Periodically(policy.periodically_every.clone()?)),
            _ => None,
        }
    }
}

impl SchedulePeriod {
    /// How long the period is; `None` for one this client does not know.
    pub fn duration(&self) -> Option<std::time::Duration> {
        let minutes = match self {
            Self::Minutes5 => 5,
            Self::Minutes10 => 10,
            Self::Minutes15 => 15,
            Self::Minutes30 => 30,
            Self::Hours1 => 60,
            Self::Hours2 => 120,
            Self::Hours4 => 240,
            Self::Hours8 => 480,
            Self::Hours12 => 720,
            Self::Unrecognized(_) => return None,
        };
        Some(std::time::Duration::from_secs(minutes * 60))
    }
}

/// Why a text is not a schedule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a schedule: write daily 22:00 (or workdays, weekends, monday ... sunday 22:00), periodically 1h (5m, 10m, 15m, 30m, 1h, 2h, 4h, 8h, 12h), or manual"
)]
pub struct ScheduleError(String);

impl FromStr for Schedule {
    type Err = ScheduleError;

    /// `daily 22:00`, `workdays 22:00`, `monday 06:30`, `periodically 1h`,
    /// `manual`; a colon may stand for the space (`daily:22:00`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || ScheduleError(text.to_owned());
        let trimmed = text.trim();
        let (word, rest) = match trimmed.split_once([' ', ':']) {
            Some((word, rest)) => (word, rest.trim()),
            None => (trimmed, ""),
        };
        let word = word.to_ascii_lowercase();
        if word == "manual" && rest.is_empty() {
            return Ok(Self::Manual);
        }
        if word == "periodically" {
            let period = match rest {
                "5m" => SchedulePeriod::Minutes5,
                "10m" => SchedulePeriod::Minutes10,
                "15m" => SchedulePeriod::Minutes15,
                "30m" => SchedulePeriod::Minutes30,
                "1h" => SchedulePeriod::Hours1,
                "2h" => SchedulePeriod::Hours2,
                "4h" => SchedulePeriod::Hours4,
                "8h" => SchedulePeriod::Hours8,
                "12h" => SchedulePeriod::Hours12,
                _ => return Err(bad()),
            };
            return Ok(Self::Periodically(period));
        }
        let days = match word.as_str() {
            "daily" => DailyType::Everyday,
            "workdays" => DailyType::Workdays,
            "weekends" => DailyType::Weekends,
            "monday" => DailyType::Monday,
            "tuesday" => DailyType::Tuesday,
            "wednesday" => DailyType::Wednesday,
            "thursday" => DailyType::Thursday,
            "friday" => DailyType::Friday,
            "saturday" => DailyType::Saturday,
            "sunday" => DailyType::Sunday,
            _ => return Err(bad()),
        };
        let (hour, minute) = rest.split_once(':').ok_or_else(bad)?;
        let hour: u8 = hour.parse().ok().filter(|h| *h < 24).ok_or_else(bad)?;
        let minute: u8 = minute.parse().ok().filter(|m| *m < 60).ok_or_else(bad)?;
        Ok(Self::Daily { days, hour, minute })
    }
}

/// As [`Schedule::from_str`] reads it back: `daily 22:00`, `periodically 1h`, `manual`.
impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Manual => f.write_str("manual"),
            Self::Periodically(period) => {
                let every = match period {
                    SchedulePeriod::Minutes5 => "5m",
                    SchedulePeriod::Minutes10 => "10m",
                    SchedulePeriod::Minutes15 => "15m",
                    SchedulePeriod::Minutes30 => "30m",
                    SchedulePeriod::Hours1 => "1h",
                    SchedulePeriod::Hours2 => "2h",
                    SchedulePeriod::Hours4 => "4h",
                    SchedulePeriod::Hours8 => "8h",
                    SchedulePeriod::Hours12 => "12h",
                    SchedulePeriod::Unrecognized(other) => other.as_str(),
                };
                write!(f, "periodically {every}")
            }
            Self::Daily { days, hour, minute } => {
                let days = match days {
                    DailyType::Everyday => String::from("daily"),
                    other => other.as_str().to_ascii_lowercase(),
                };
                write!(f, "{days} {hour:02}:{minute:02}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_read_and_print_as_people_write_them() {
        for text in ["daily 22:00", "workdays 06:30", "friday 23:15", "periodically 1h", "periodically 15m", "manual"] {
            let schedule: Schedule = text.parse().unwrap();
            assert_eq!(schedule.to_string(), text);
            assert_eq!(Schedule::of(&schedule.policy()), Some(schedule), "{text} through the policy");
        }
        assert_eq!("daily:22:00".parse::<Schedule>(), Ok(Schedule::daily(22, 0)));
        for bad in ["daily 25:00", "daily", "hourly 1h", "periodically 3h", "manual now", ""] {
            assert!(bad.parse::<Schedule>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_switched_off_schedule_is_manual() {
        let mut policy = Schedule::daily(22, 0).policy();
        policy.schedule_enabled = Some(false);
        assert_eq!(Schedule::of(&policy), Some(Schedule::Manual));
        let manual = Schedule::Manual.policy();
        assert_eq!((manual.schedule_enabled, manual.type_), (Some(false), Some(ScheduleType::ManualOnly)));
    }
}
