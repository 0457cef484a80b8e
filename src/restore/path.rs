//! Finding a folder by its path of names, the same way in every workload.

use futures::TryStreamExt as _;

use crate::Error;
use crate::resources::paging::Pages;

/// A folder of a restore session's listings: its ID and name.
pub(super) trait Folder {
    fn id(&self) -> Option<&str>;
    fn name(&self) -> Option<&str>;
}

impl Folder for crate::types::ExchangeFolder {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

impl Folder for crate::types::OneDriveFolder {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

/// The folder at `path` (names from the top, `/` between them), one
/// listing a level: `list(parent)` lists the folders under `parent` (the
/// top ones without it). A listing is read only until the name is found.
/// `Ok(None)` when a level is missing; a name with `/` in it cannot be
/// named this way.
pub(super) async fn find<T: Folder + Send + Clone + PartialEq + 'static>(
    path: &str,
    list: impl Fn(Option<&str>) -> Pages<T>,
) -> Result<Option<T>, Error> {
    let mut found: Option<T> = None;
    for name in path.split('/').filter(|n| !n.is_empty()) {
        let mut folders = list(found.as_ref().and_then(Folder::id));
        let mut next = None;
        while let Some(folder) = folders.try_next().await? {
            if folder.name() == Some(name) {
                next = Some(folder);
                break;
            }
        }
        match next {
            Some(folder) => found = Some(folder),
            None => return Ok(None),
        }
    }
    Ok(found)
}
