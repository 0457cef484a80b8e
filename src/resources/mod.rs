//! The operations, one file per resource, as methods on [`crate::Client`].
//! Each file belongs to one capability (see the crate's features): those
//! of `monitoring`, `jobs` and `restore` compile only with their feature.
//!
//! Every method that returns a stream ([`crate::Pages`]) is `#[inline]`. A
//! stream keeps its page requests as boxed `dyn Future`s, and making one
//! makes the compiler build that operation's whole request path (its send,
//! its decoders, its repairs) where the stream is made. Without `#[inline]`
//! that is this crate, for every stream, whether a program uses it or not;
//! with it, a program builds the streams it uses. (The `async` methods need
//! nothing: the compiler builds their bodies where they are awaited.)

pub(crate) mod backup_accounts;
pub(crate) mod jobs;
pub(crate) mod mailboxes;
pub(crate) mod organizations;
pub(crate) mod paging;
pub(crate) mod raw;
pub(crate) mod repositories;
pub(crate) mod schedule;
pub(crate) mod server;

#[cfg(feature = "monitoring")]
pub(crate) mod health;
#[cfg(feature = "monitoring")]
pub(crate) mod job_sessions;
#[cfg(feature = "monitoring")]
pub(crate) mod license;
#[cfg(feature = "monitoring")]
pub(crate) mod proxies;

#[cfg(feature = "jobs")]
pub(crate) mod directory;
#[cfg(feature = "jobs")]
pub(crate) mod job_changes;
#[cfg(feature = "jobs")]
pub(crate) mod job_control;
#[cfg(feature = "jobs")]
pub(crate) mod job_items;
#[cfg(feature = "jobs")]
pub(crate) mod names;
#[cfg(feature = "jobs")]
pub(crate) mod organization_sync;

#[cfg(feature = "restore")]
pub(crate) mod restore_points;
#[cfg(feature = "restore")]
pub(crate) mod restore_sessions;

/// Sets an optional request parameter only when there is a value: the
/// generated builders take values, not `Option`s.
pub(crate) trait Optionally: Sized {
    fn optionally<V>(self, value: Option<V>, set: impl FnOnce(Self, V) -> Self) -> Self {
        match value {
            Some(value) => set(self, value),
            None => self,
        }
    }
}

impl<T> Optionally for T {}

/// The ID a link ends with (`/v6/Jobs/{id}`).
pub(crate) fn id_in(href: &str) -> Option<uuid::Uuid> {
    uuid::Uuid::parse_str(href.trim_end_matches('/').rsplit('/').next()?).ok()
}

#[cfg(test)]
mod tests {
    /// Stream methods not marked `#[inline]` are compiled into this crate
    /// for every program that depends on it (see the module docs).
    #[test]
    fn every_stream_method_is_inline() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/resources");
        let mut streams = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let lines: Vec<&str> = text.lines().map(str::trim).collect();
            for (at, line) in lines.iter().enumerate() {
                let stream = line.starts_with("pub fn ")
                    && line.contains("(&self")
                    && (line.contains("-> Pages<") || line.ends_with("-> SelectedMailboxes {"));
                if stream {
                    streams += 1;
                    let attribute = lines[..at].iter().rev().find(|l| !l.starts_with("///")).copied();
                    assert_eq!(attribute, Some("#[inline]"), "{}:{}: {line}", path.display(), at + 1);
                }
            }
        }
        assert!(streams >= 12, "found only {streams} stream methods; has the pattern gone stale?");
    }
}
