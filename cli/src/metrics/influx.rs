//! Series as InfluxDB line protocol: one line per measured thing (the
//! server, a job, a repository, ...), its labels as tags, its metrics as
//! fields, for Telegraf's `exec` input.

use std::fmt::Write as _;

use super::{Series, Unit, Value};

/// One line: its measurement, its labels, its fields written out.
type Line<'a> = (&'static str, &'a [(&'static str, String)], Vec<(&'static str, String)>);

/// The lines of `series`, stamped `at`.
pub fn lines(series: &[Series], at: &vb365::DateTime) -> String {
    // One line per measurement and label set, fields in the order of the metrics.
    let mut grouped: Vec<Line<'_>> = Vec::new();
    for one in series {
        let field = match &one.value {
            // A state set without a state (a server that is up has no down reason) has no field.
            Value::States { current: None, .. } => continue,
            Value::States { current: Some(current), .. } => string(current),
            Value::Number(value) if one.metric.unit == Some(Unit::Seconds) => float(*value),
            Value::Number(value) => format!("{}i", *value as i64),
        };
        let key = (one.metric.measurement, one.labels.as_slice());
        match grouped.iter_mut().find(|(m, l, _)| (*m, *l) == key) {
            Some((_, _, fields)) => fields.push((one.metric.field, field)),
            None => grouped.push((key.0, key.1, vec![(one.metric.field, field)])),
        }
    }
    let utc = at.utc();
    let nanos = i128::from(utc.timestamp()) * 1_000_000_000 + i128::from(utc.timestamp_subsec_nanos());
    let mut out = String::new();
    for (measurement, labels, fields) in grouped {
        out.push_str(&escape(measurement, &[',', ' ']));
        for (key, value) in labels.iter().map(|(k, v)| (*k, v.as_str())) {
            // Line protocol has no empty tag values: such a tag is left out.
            if !value.is_empty() {
                let _ = write!(out, ",{}={}", escape(key, &[',', '=', ' ']), escape(value, &[',', '=', ' ']));
            }
        }
        let fields: Vec<String> =
            fields.iter().map(|(name, value)| format!("{}={value}", escape(name, &[',', '=', ' ']))).collect();
        let _ = writeln!(out, " {} {nanos}", fields.join(","));
    }
    out
}

/// A float field as line protocol writes it: always with a fraction or an
/// exponent, so that it reads as a float (never NaN or infinite: those are
/// not allowed, and none is ever measured).
fn float(value: f64) -> String {
    if value.is_finite() && value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.1}")
    } else {
        format!("{value}")
    }
}

/// A string field: quoted, `"` and `\` escaped, and control characters
/// (a newline would end the line: line protocol has no escape for it)
/// as spaces.
fn string(value: &str) -> String {
    let value = without_controls(value);
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Backslashes before each of `special` (and before backslashes), and
/// control characters as spaces: a tag cannot hold a newline.
fn escape(text: &str, special: &[char]) -> String {
    let mut out = String::with_capacity(text.len());
    for c in without_controls(text).chars() {
        if c == '\\' || special.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn without_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(char::is_control) {
        text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{JOB_ENABLED, JOB_LAST_RUN, JOB_LAST_STATUS, UP, UP_REASON};
    use super::*;

    #[test]
    fn one_line_per_thing_with_its_fields() {
        let server = ("server", String::from("vbo 1"));
        let labels = vec![
            server.clone(),
            ("job_id", String::from("j1")),
            ("job_name", String::from("Mail, \"daily\" = 1")),
            ("organization", String::new()),
        ];
        let series = [
            Series { metric: &UP, labels: vec![server.clone()], value: Value::Number(1.0) },
            Series {
                metric: &UP_REASON,
                labels: vec![server],
                value: Value::States { label: "reason", current: None, all: vec![String::from("connect")] },
            },
            Series {
                metric: &JOB_LAST_STATUS,
                labels: labels.clone(),
                value: Value::States { label: "status", current: Some(String::from("Failed")), all: Vec::new() },
            },
            Series { metric: &JOB_ENABLED, labels: labels.clone(), value: Value::Number(1.0) },
            Series { metric: &JOB_LAST_RUN, labels, value: Value::Number(1714528805.5) },
        ];
        let at: vb365::DateTime = "2024-05-01T12:00:00.25Z".parse().unwrap();
        let text = lines(&series, &at);
        assert_eq!(
            text,
            "vb365_server,server=vbo\\ 1 up=1i 1714564800250000000\n\
             vb365_job,server=vbo\\ 1,job_id=j1,job_name=Mail\\,\\ \"daily\"\\ \\=\\ 1 last_status=\"Failed\",enabled=1i,last_run=1714528805.5 1714564800250000000\n"
        );
    }

    #[test]
    fn a_newline_from_the_server_never_ends_a_line() {
        let labels = vec![("job_name", String::from("SP\nnightly\r"))];
        let series = [Series {
            metric: &JOB_LAST_STATUS,
            labels,
            value: Value::States { label: "status", current: Some(String::from("Fa\niled")), all: Vec::new() },
        }];
        let text = lines(&series, &"2024-05-01T12:00:00Z".parse().unwrap());
        assert_eq!(text, "vb365_job,job_name=SP\\ nightly\\  last_status=\"Fa iled\" 1714564800000000000\n");
    }

    #[test]
    fn floats_always_read_as_floats() {
        assert_eq!((float(3.0), float(2.5), float(1e20)), ("3.0".into(), "2.5".into(), "100000000000000000000".into()));
    }
}
