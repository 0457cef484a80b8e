//! Asking before a destructive action: on a terminal, a question; elsewhere
//! (a script, a pipeline) only `--yes` goes ahead, so that nothing is
//! deleted because a prompt could not be shown.

use std::io::{BufRead, IsTerminal, Write};

use crate::failure::{Exit, Failure};

/// Goes ahead when `yes`, or when the person at the terminal says so.
pub fn confirm(question: &str, yes: bool) -> Result<(), Failure> {
    if yes {
        return Ok(());
    }
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(Failure::usage(format!("{question} Not on a terminal, so not asking: give --yes to go ahead")));
    }
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "{question} [y/N] ");
    let _ = stderr.flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).map_err(|e| Failure::local("cannot read the answer", e))?;
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(Failure { exit: Exit::Refused, message: String::from("cancelled; nothing was changed") }),
    }
}
