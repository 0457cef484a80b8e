//! What went wrong, as one line on standard error and an exit status.

use std::fmt;
use std::process::ExitCode;

/// The exit status of a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Standard output was closed by its reader (`vb365 ... | head`): the
    /// reader had what it wanted, so the command stops quietly.
    Closed = 0,
    /// The server or the network refused.
    Refused = 1,
    /// The command line or its input is wrong.
    Usage = 2,
}

/// A failure of the command: printed as `vb365: <message>`.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Self { exit: Exit::Usage, message: message.into() }
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.exit as u8)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A library error names its operation already; input it refused before
/// sending is a usage error, anything the server or network did is not.
impl From<vb365::Error> for Failure {
    fn from(error: vb365::Error) -> Self {
        let exit = match &error {
            vb365::Error::InvalidInput { .. } | vb365::Error::Config { .. } | vb365::Error::Unresolved { .. } => {
                Exit::Usage
            }
            _ => Exit::Refused,
        };
        Self { exit, message: error.to_string() }
    }
}

impl Failure {
    /// Writing to standard output failed. Whether its reader went away is
    /// told by the write error itself, never by the text of a message.
    pub fn output(error: std::io::Error) -> Self {
        match error.kind() {
            std::io::ErrorKind::BrokenPipe => {
                Self { exit: Exit::Closed, message: String::from("standard output closed") }
            }
            _ => Self { exit: Exit::Refused, message: format!("cannot write the output: {error}") },
        }
    }

    /// Writing JSON to standard output failed: the write error inside, or
    /// a value JSON cannot hold.
    pub fn json_output(error: serde_json::Error) -> Self {
        match error.io_error_kind() {
            Some(kind) => Self::output(std::io::Error::new(kind, error)),
            None => Self { exit: Exit::Refused, message: format!("cannot write the output: {error}") },
        }
    }

    /// Something of this machine's failed (a socket, a signal handler).
    pub fn local(what: &str, error: impl fmt::Display) -> Self {
        Self { exit: Exit::Refused, message: format!("{what}: {error}") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_input_is_a_usage_error_and_refusals_are_not() {
        let input = vb365::Error::InvalidInput { operation: "op", field: "limit".into(), problem: "is 0".into() };
        assert_eq!(Failure::from(input).exit, Exit::Usage);
        let refused = vb365::Error::Auth { operation: "create_token", status: None, reason: "no".into() };
        let failure = Failure::from(refused);
        assert_eq!(failure.exit, Exit::Refused);
        assert_eq!(failure.to_string(), "create_token: authentication failed: no");
    }

    #[test]
    fn only_a_broken_pipe_on_the_output_is_a_closed_output() {
        use std::io::{Error, ErrorKind};
        assert_eq!(Failure::output(Error::from(ErrorKind::BrokenPipe)).exit, Exit::Closed);
        assert_eq!(Failure::output(Error::other("Broken pipe")).exit, Exit::Refused, "the text decides nothing");
        assert_eq!(Failure::output(Error::from(ErrorKind::StorageFull)).exit, Exit::Refused);
        let api = vb365::Error::Api {
            operation: "op",
            status: reqwest::StatusCode::INTERNAL_SERVER_ERROR,
            message: String::from("Broken pipe (os error 32)"),
            retry_after: None,
            attempts: 1,
            not_repeated: false,
        };
        assert_eq!(Failure::from(api).exit, Exit::Refused);
    }
}
