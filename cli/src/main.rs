//! `vb365`: every Veeam Backup for Microsoft 365 REST API operation from a
//! shell, over `vb365::Client`, and the simulator as a standalone server.
#![forbid(unsafe_code)]

mod args;
mod body;
mod check;
mod commands;
mod confirm;
mod connect;
mod explain;
mod exporter;
mod failure;
mod json;
mod metrics;
mod output;
mod rows;
mod signals;
mod simulate;
mod time;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version go to standard output with status 0.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        // A usage error is one line, as every other failure: clap's first.
        // A monitoring plugin's usage error is UNKNOWN (3), not CRITICAL (2).
        Err(e) => {
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or_default();
            let message = first.trim_start_matches("error: ");
            if check::asked_for(std::env::args_os()) {
                let (text, status) = check::usage_error(message);
                print!("{text}");
                return ExitCode::from(status);
            }
            eprintln!("vb365: {message} (see --help)");
            return ExitCode::from(2);
        }
    };
    tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("vb365: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(status) => ExitCode::from(status),
        // The reader went away (`vb365 ... | head`): nothing more to say.
        Err(failure) if failure.exit == failure::Exit::Closed => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("vb365: {failure}");
            failure.exit_code()
        }
    }
}

/// `RUST_LOG` (`debug`, `vb365=debug`, ...) turns on the library's tracing on
/// standard error.
fn tracing() {
    use tracing_subscriber::layer::SubscriberExt;

    let Ok(filter) = std::env::var("RUST_LOG") else { return };
    match filter.parse::<tracing_subscriber::filter::Targets>() {
        Ok(targets) => {
            // The builder stops at INFO unless told otherwise; RUST_LOG decides.
            // Each `vb365.call` span is printed when it closes, with its
            // operation, method, path, status, attempts and duration.
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .with_writer(std::io::stderr)
                .finish()
                .with(targets);
            let _ = tracing::subscriber::set_global_default(subscriber);
        }
        Err(e) => eprintln!("vb365: RUST_LOG={filter} is not a filter ({e}); tracing stays off"),
    }
}
