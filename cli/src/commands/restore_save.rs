//! `--save FILE`: a restore's file, written whole or not at all.

use std::path::{Path, PathBuf};

use serde::Serialize;
use tokio::io::AsyncWrite;
use uuid::Uuid;
use vb365::restore::Saved;

use crate::failure::Failure;
use crate::output::Output;
use crate::rows::Row;

/// A saved file.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SaveReport {
    session: Uuid,
    source: String,
    file: String,
    bytes: u64,
    announced: Option<u64>,
}

impl Row for SaveReport {
    const HEADER: &'static [&'static str] = &["SAVED", "TO", "BYTES"];

    fn cells(&self) -> Vec<String> {
        vec![self.source.clone(), self.file.clone(), self.bytes.to_string()]
    }
}

/// Writes what `download` streams to `file` (`-`: standard output, the
/// report then going to standard error) and reports it. A file is written
/// beside its place and renamed when whole, so that a failed save never
/// leaves a file that looks complete.
pub(super) async fn save_to(
    session: Uuid,
    source: String,
    file: &Path,
    download: impl AsyncFnOnce(&mut (dyn AsyncWrite + Unpin)) -> Result<Saved, vb365::Error>,
    output: &mut Output,
) -> Result<(), Failure> {
    if file == Path::new("-") {
        let saved = download(&mut tokio::io::stdout()).await?;
        eprintln!("vb365: saved {} bytes of {source}", saved.bytes);
        return Ok(());
    }
    let partial = partial_path(file);
    let mut writer = tokio::fs::File::create(&partial)
        .await
        .map_err(|e| Failure::usage(format!("cannot create {}: {e}", partial.display())))?;
    let saved = download(&mut writer).await;
    drop(writer);
    let saved = match saved {
        Ok(saved) => saved,
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            return Err(error.into());
        }
    };
    std::fs::rename(&partial, file)
        .map_err(|e| Failure::local(&format!("cannot move the file to {}", file.display()), e))?;
    let name = file.display().to_string();
    output.one(&SaveReport { session, source, file: name, bytes: saved.bytes, announced: saved.size })
}

/// `FILE.part` beside `FILE`.
fn partial_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(".part");
    file.with_file_name(name)
}
