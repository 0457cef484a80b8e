//! Stopping a long-running command (`simulate`, `exporter`) cleanly, and
//! the exporter's reload.

use crate::failure::Failure;

/// Ctrl-C and, where there is one, SIGTERM, listened to from creation on.
pub struct Stop {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Stop {
    pub fn listen() -> Result<Self, Failure> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let cannot = |e: std::io::Error| Failure::local("cannot listen for signals", e);
            Ok(Self {
                interrupt: signal(SignalKind::interrupt()).map_err(cannot)?,
                terminate: signal(SignalKind::terminate()).map_err(cannot)?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    pub async fn wait(mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(not(unix))]
        {
            let _ = &mut self;
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// SIGHUP, where there is one: "read your configuration again".
pub struct Reload {
    #[cfg(unix)]
    hangup: tokio::signal::unix::Signal,
}

impl Reload {
    pub fn listen() -> Result<Self, Failure> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let hangup = signal(SignalKind::hangup()).map_err(|e| Failure::local("cannot listen for SIGHUP", e))?;
            Ok(Self { hangup })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// Waits for the next SIGHUP (forever where there is none).
    pub async fn next(&mut self) {
        #[cfg(unix)]
        {
            let _ = self.hangup.recv().await;
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
    }
}
