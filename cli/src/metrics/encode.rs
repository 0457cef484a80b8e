//! Series as OpenMetrics or Prometheus text, through `prometheus-client`.

use prometheus_client::collector::Collector;
use prometheus_client::encoding::DescriptorEncoder;
use prometheus_client::encoding::text::encode as encode_openmetrics;
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;

use super::{ALL, Series, Unit, Value};

/// How metrics are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// OpenMetrics text 1.0 (`application/openmetrics-text`).
    Openmetrics,
    /// Prometheus text 0.0.4 (`text/plain; version=0.0.4`), what `promtool check metrics` reads.
    Prometheus,
    /// InfluxDB line protocol, for Telegraf's `exec` input.
    Influx,
}

impl Format {
    /// The `Content-Type` of a body in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Openmetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
            Self::Prometheus => "text/plain; version=0.0.4; charset=utf-8",
            Self::Influx => "text/plain; charset=utf-8",
        }
    }
}

/// The series of one reading, written in the order they were read (a
/// `Family` would write them in hash order, another on every scrape).
#[derive(Debug)]
struct Readings(Vec<Series>);

impl Collector for Readings {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        for metric in ALL.iter().filter(|m| m.prometheus) {
            let mut series = self.0.iter().filter(|s| s.metric.name == metric.name).peekable();
            if series.peek().is_none() {
                continue;
            }
            let unit = metric.unit.map(prometheus_client::registry::Unit::from);
            let help = format!("{}.", metric.help.trim_end_matches('.'));
            let mut family = encoder.encode_descriptor(metric.name, &help, unit.as_ref(), MetricType::Gauge)?;
            for one in series {
                let labels: Vec<(String, String)> =
                    one.labels.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
                match &one.value {
                    Value::Number(value) if labels.is_empty() => family.encode_gauge(value)?,
                    Value::Number(value) => family.encode_family(&labels)?.encode_gauge(value)?,
                    Value::States { label, current, all } => {
                        for state in all {
                            let mut labels = labels.clone();
                            labels.push(((*label).to_owned(), state.clone()));
                            let value = if Some(state) == current.as_ref() { 1.0 } else { 0.0 };
                            family.encode_family(&labels)?.encode_gauge(&value)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// Registers the series of a reading in `registry` (which carries the
/// `vb365` prefix): each metric with its help and unit, as gauges.
pub fn register(registry: &mut Registry, series: &[Series]) {
    registry.register_collector(Box::new(Readings(series.to_vec())));
}

impl From<Unit> for prometheus_client::registry::Unit {
    fn from(unit: Unit) -> Self {
        match unit {
            Unit::Bytes => Self::Bytes,
            Unit::Seconds => Self::Seconds,
        }
    }
}

/// A registry as text in `format` (OpenMetrics or Prometheus).
pub fn text(registry: &Registry, format: Format) -> Result<String, std::fmt::Error> {
    let mut text = String::new();
    encode_openmetrics(&mut text, registry)?;
    Ok(match format {
        Format::Prometheus => prometheus_from_openmetrics(&text),
        _ => text,
    })
}

/// Series alone as text in `format`.
pub fn encode(series: &[Series], format: Format, at: &vb365::DateTime) -> String {
    if format == Format::Influx {
        return super::influx::lines(series, at);
    }
    let mut registry = Registry::with_prefix("vb365");
    register(&mut registry, series);
    text(&registry, format).unwrap_or_default()
}

/// OpenMetrics text as Prometheus text 0.0.4: the same samples without the
/// `# UNIT` lines and the `# EOF`, and a counter's `# HELP` and `# TYPE`
/// named as its `_total` samples are.
fn prometheus_from_openmetrics(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_help: Option<&str> = None;
    for line in text.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        if line.starts_with("# HELP ") {
            // Wait for the TYPE: a counter's name changes.
            pending_help = Some(line);
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap_or((rest, "untyped"));
            let (name, kind) = match kind {
                "counter" => (format!("{name}_total"), "counter"),
                "unknown" => (name.to_owned(), "untyped"),
                "gauge" | "histogram" | "summary" => (name.to_owned(), kind),
                _ => (name.to_owned(), "untyped"),
            };
            if let Some(help) = pending_help.take() {
                let text = help.strip_prefix("# HELP ").and_then(|h| h.split_once(' ')).map_or("", |(_, t)| t);
                out.push_str(&format!("# HELP {name} {text}\n"));
            }
            out.push_str(&format!("# TYPE {name} {kind}\n"));
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_are_named_as_their_samples_and_units_go() {
        let openmetrics = "# HELP x_scrapes Scrapes.\n# TYPE x_scrapes counter\nx_scrapes_total{t=\"a\"} 3\n\
                           # HELP x_free_bytes Free.\n# TYPE x_free_bytes gauge\n# UNIT x_free_bytes bytes\nx_free_bytes 1.5\n# EOF\n";
        assert_eq!(
            prometheus_from_openmetrics(openmetrics),
            "# HELP x_scrapes_total Scrapes.\n# TYPE x_scrapes_total counter\nx_scrapes_total{t=\"a\"} 3\n\
             # HELP x_free_bytes Free.\n# TYPE x_free_bytes gauge\nx_free_bytes 1.5\n"
        );
    }
}
