//! Printing results: one JSON document, one JSON value a line, or a table.
//!
//! Collections are written as their items arrive, in every format but
//! `table` (whose columns need every row): `json` writes the array's
//! brackets around the items, `ndjson` one item a line, so a collection of
//! any size never sits in memory.
//!
//! Every value goes through `serde_json::Value`, whose objects keep their
//! keys in order: the generated types hold maps (`_links`) as `HashMap`s,
//! which decode faster but would print their keys in another order on
//! every run. In `json` and `ndjson`, what the client read is laid over the
//! JSON the server sent (see `json::over`), so no field the server sent is
//! lost, and secrets are redacted unless `--show-secrets`.

use std::io::{IsTerminal, Write};

use comfy_table::{Table, presets};
use futures::{FutureExt, Stream, StreamExt};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use serde_json::Value;

use crate::args::OutputFormat;
use crate::failure::Failure;
use crate::rows::Row;

/// Where results go: standard output, buffered.
pub struct Output {
    format: OutputFormat,
    show_secrets: bool,
    out: std::io::BufWriter<std::io::Stdout>,
}

impl Output {
    /// `format`, or `table` on a terminal and `json` otherwise; secrets in
    /// clear only when `show_secrets`.
    pub fn new(format: Option<OutputFormat>, show_secrets: bool) -> Self {
        let terminal = std::io::stdout().is_terminal();
        let format = format.unwrap_or(if terminal { OutputFormat::Table } else { OutputFormat::Json });
        Self { format, show_secrets, out: std::io::BufWriter::new(std::io::stdout()) }
    }

    /// Whether the format prints JSON, so that what the server sent is worth keeping.
    pub fn wants_json(&self) -> bool {
        self.format != OutputFormat::Table
    }

    /// One value the client made (no server's JSON to lay it over).
    pub fn one<T: Serialize + Row>(&mut self, value: &T) -> Result<(), Failure> {
        self.one_as_sent(value, None)
    }

    /// One value, over the JSON the server sent for it when there is one.
    pub fn one_as_sent<T: Serialize + Row>(&mut self, value: &T, sent: Option<Value>) -> Result<(), Failure> {
        match self.format {
            OutputFormat::Json => {
                let json = self.json(value, sent)?;
                self.pretty(&json)?;
            }
            OutputFormat::Ndjson => {
                let json = self.json(value, sent)?;
                self.line(&json)?;
            }
            OutputFormat::Table => self.table(std::slice::from_ref(value))?,
        }
        self.flush()
    }

    /// A JSON value the client has no type for (`api`): JSON in every format.
    pub fn value(&mut self, mut value: Value) -> Result<(), Failure> {
        if !self.show_secrets {
            crate::json::redact(&mut value);
        }
        match self.format {
            OutputFormat::Ndjson => self.line(&value)?,
            OutputFormat::Json | OutputFormat::Table => self.pretty(&value)?,
        }
        self.flush()
    }

    /// What is printed for `value`: over `sent`, secrets redacted.
    fn json<T: Serialize>(&self, value: &T, sent: Option<Value>) -> Result<Value, Failure> {
        let typed = serde_json::to_value(value).map_err(Failure::json_output)?;
        let mut json = match sent {
            Some(sent) => crate::json::over(sent, typed),
            None => typed,
        };
        if !self.show_secrets {
            crate::json::redact(&mut json);
        }
        Ok(json)
    }

    /// One line of a running command's news (a restore's events), printed
    /// only with `-o ndjson`: the other formats print the end result alone.
    pub fn news<T: Serialize>(&mut self, value: &T) -> Result<(), Failure> {
        if self.format != OutputFormat::Ndjson {
            return Ok(());
        }
        let json = self.json(value, None)?;
        self.line(&json)?;
        self.flush()
    }

    /// A message for people after an operation that answers nothing; the
    /// machine formats print nothing (the exit status says it worked).
    pub fn done(&mut self, message: &str) -> Result<(), Failure> {
        if self.format == OutputFormat::Table {
            self.write(format!("{message}\n").as_bytes())?;
        }
        self.flush()
    }

    /// Every item of `items` up to `limit`, as they arrive; returns how many.
    /// An error ends the output where it happened. What is written reaches
    /// the reader whenever the next item is not there yet (between pages),
    /// so a slow page never holds back the lines of the one before.
    pub async fn many<T, S>(&mut self, items: S, limit: Option<u64>) -> Result<u64, Failure>
    where
        T: Serialize + Row,
        S: Stream<Item = Result<(T, Option<Value>), vb365::Error>>,
    {
        let progress = progress();
        let mut items =
            std::pin::pin!(items.take(limit.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX))));
        let mut count = 0u64;
        let mut rows = Vec::new();
        let outcome = loop {
            let next = match items.next().now_or_never() {
                Some(next) => next,
                None => {
                    if self.format != OutputFormat::Table {
                        self.flush()?;
                    }
                    items.next().await
                }
            };
            let (item, sent) = match next {
                None => break Ok(()),
                Some(Err(e)) => break Err(e),
                Some(Ok(item)) => item,
            };
            match self.format {
                OutputFormat::Json => {
                    // The array opens with its first item, so a collection
                    // that fails at once prints nothing.
                    self.write(if count == 0 { b"[\n" } else { b",\n" })?;
                    let text = serde_json::to_string_pretty(&self.json(&item, sent)?).map_err(Failure::json_output)?;
                    let mut indented = String::with_capacity(text.len() + 64);
                    for (i, line) in text.lines().enumerate() {
                        if i > 0 {
                            indented.push('\n');
                        }
                        indented.push_str("  ");
                        indented.push_str(line);
                    }
                    self.write(indented.as_bytes())?;
                }
                OutputFormat::Ndjson => {
                    let json = self.json(&item, sent)?;
                    self.line(&json)?;
                }
                OutputFormat::Table => rows.push(item),
            }
            count += 1;
            progress.inc(1);
        };
        progress.finish_and_clear();
        match (self.format, &outcome) {
            (OutputFormat::Json, Ok(())) if count == 0 => self.write(b"[]\n")?,
            (OutputFormat::Json, Ok(())) => self.write(b"\n]\n")?,
            (OutputFormat::Table, Ok(())) => self.table(&rows)?,
            // A failure ends the output where it happened; the exit status says so.
            _ => {}
        }
        self.flush()?;
        outcome.map(|()| count).map_err(Failure::from)
    }

    fn pretty(&mut self, value: &Value) -> Result<(), Failure> {
        serde_json::to_writer_pretty(&mut self.out, value).map_err(Failure::json_output)?;
        self.write(b"\n")
    }

    fn line(&mut self, value: &Value) -> Result<(), Failure> {
        serde_json::to_writer(&mut self.out, value).map_err(Failure::json_output)?;
        self.write(b"\n")
    }

    fn table<T: Row>(&mut self, rows: &[T]) -> Result<(), Failure> {
        let mut table = Table::new();
        table.load_style(presets::NOTHING).set_header(T::HEADER.to_vec());
        for row in rows {
            table.add_row(row.cells());
        }
        // The preset pads every cell with a space on each side; a table
        // starts at the margin.
        let mut text = String::new();
        for line in table.to_string().lines() {
            text.push_str(line.strip_prefix(' ').unwrap_or(line).trim_end());
            text.push('\n');
        }
        self.write(text.as_bytes())
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        self.out.write_all(bytes).map_err(Failure::output)
    }

    fn flush(&mut self) -> Result<(), Failure> {
        self.out.flush().map_err(Failure::output)
    }
}

/// A count of the items so far on standard error, only when it is a terminal.
fn progress() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{spinner} {human_pos} items ({per_sec})")
        .unwrap_or(ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}
