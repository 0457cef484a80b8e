//! The exporter's log on standard error: one line an event, as logfmt
//! (`ts=... level=warn msg="server down" target=contoso reason=connect`)
//! or JSON, the two formats Prometheus's own exporters write
//! (`--log.format`), from `--log.level` up.

use std::fmt::Write as _;
use std::io::Write as _;

/// How a line is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// `key=value` pairs, values quoted where they need it.
    Logfmt,
    /// One JSON object a line.
    Json,
}

/// How much is written: this level and above.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum LogLevel {
    Debug,
    Info,
    Warn,
    Error,
}

impl LogLevel {
    fn as_str(self) -> &'static str {
        match self {
            Self::Debug => "debug",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Error => "error",
        }
    }
}

/// Where the exporter says what happens.
#[derive(Debug, Clone, Copy)]
pub struct Log {
    pub format: LogFormat,
    pub level: LogLevel,
}

impl Log {
    pub fn debug(&self, message: &str, fields: &[(&str, &str)]) {
        self.line(LogLevel::Debug, message, fields);
    }

    pub fn info(&self, message: &str, fields: &[(&str, &str)]) {
        self.line(LogLevel::Info, message, fields);
    }

    pub fn warn(&self, message: &str, fields: &[(&str, &str)]) {
        self.line(LogLevel::Warn, message, fields);
    }

    pub fn error(&self, message: &str, fields: &[(&str, &str)]) {
        self.line(LogLevel::Error, message, fields);
    }

    fn line(&self, level: LogLevel, message: &str, fields: &[(&str, &str)]) {
        if level < self.level {
            return;
        }
        let text = self.format(level, message, fields, &vb365::DateTime::now().utc());
        // A log that cannot be written has nowhere to say so.
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }

    fn format(
        &self,
        level: LogLevel,
        message: &str,
        fields: &[(&str, &str)],
        now: &chrono::DateTime<chrono::Utc>,
    ) -> String {
        let ts = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let all = [("ts", ts.as_str()), ("level", level.as_str()), ("msg", message)];
        let pairs = all.iter().chain(fields);
        match self.format {
            LogFormat::Json => {
                let object: serde_json::Map<String, serde_json::Value> =
                    pairs.map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v))).collect();
                format!("{}\n", serde_json::Value::Object(object))
            }
            LogFormat::Logfmt => {
                let mut line = String::new();
                for (i, (key, value)) in pairs.enumerate() {
                    if i > 0 {
                        line.push(' ');
                    }
                    let _ = write!(line, "{key}={}", logfmt_value(value));
                }
                line.push('\n');
                line
            }
        }
    }
}

/// A value as logfmt writes it: bare when it can be, else quoted with `"`,
/// `\` and control characters escaped, so that a value is never two lines.
fn logfmt_value(value: &str) -> String {
    let bare = !value.is_empty() && value.chars().all(|c| c.is_ascii_graphic() && c != '"' && c != '=' && c != '\\');
    if bare {
        return value.to_owned();
    }
    let mut out = String::from('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:04x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_in_each_format() {
        let now = "2024-05-01T12:00:00.25Z".parse().unwrap();
        let fields = [("target", "contoso"), ("detail", "cannot connect: \"refused\"\nagain")];
        let logfmt = Log { format: LogFormat::Logfmt, level: LogLevel::Info };
        assert_eq!(
            logfmt.format(LogLevel::Warn, "server down", &fields, &now),
            "ts=2024-05-01T12:00:00.250Z level=warn msg=\"server down\" target=contoso \
             detail=\"cannot connect: \\\"refused\\\"\\nagain\"\n"
        );
        let json = Log { format: LogFormat::Json, level: LogLevel::Info };
        let line = json.format(LogLevel::Warn, "server down", &fields, &now);
        let parsed: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(parsed["level"], "warn");
        assert_eq!(parsed["detail"], "cannot connect: \"refused\"\nagain");
        assert_eq!(line.lines().count(), 1);
    }

    #[test]
    fn levels_order_by_weight() {
        assert!(LogLevel::Debug < LogLevel::Info && LogLevel::Warn < LogLevel::Error);
        assert_eq!(logfmt_value(""), "\"\"");
        assert_eq!(logfmt_value("a=b"), "\"a=b\"");
    }
}
