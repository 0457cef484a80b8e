//! What went wrong, as one line on standard error and an exit status.

use std::fmt;
use std::process::ExitCode;

/// The exit status of a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
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
            vb365::Error::InvalidInput { .. } | vb365::Error::Config { .. } => Exit::Usage,
            _ => Exit::Refused,
        };
        Self { exit, message: error.to_string() }
    }
}

/// Writing to standard output failed (a closed pipe ends quietly, see main).
impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        Self { exit: Exit::Refused, message: format!("cannot write the output: {error}") }
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
}
