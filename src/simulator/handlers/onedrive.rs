//! What a OneDrive restore session shows: a OneDrive for every user of the
//! explored organization's directory, each with the same folders and
//! documents.

use axum::response::Response;
use http::StatusCode;

use super::restore_sessions::explored;
use super::{Call, Refusal, links};
use crate::ApiVersion;
use crate::simulator::state::{SentMail, World};
use crate::types::{OneDriveDocument, OneDriveFolder, RestoreOneDrive, RestoreSessionType};

/// Every OneDrive's folders: (ID suffix, name, parent).
const FOLDERS: &[(&str, &str, Option<&str>)] =
    &[("documents", "Documents", None), ("documents-2026", "2026", Some("documents")), ("desktop", "Desktop", None)];

/// How many documents each folder holds (`""`: the top); Documents needs
/// several pages at a small page size.
const DOCUMENTS: &[(&str, usize)] = &[("", 1), ("documents", 12), ("documents-2026", 3)];

fn onedrives(world: &World, call: &Call<'_>) -> Result<Vec<RestoreOneDrive>, Refusal> {
    let session = call.id("restoreSessionId")?;
    let organization = explored(world, session, RestoreSessionType::Veod)?;
    let users = world.directories.get(&organization).map(|d| d.users.as_slice()).unwrap_or_default();
    let version = call.version;
    Ok(users
        .iter()
        .enumerate()
        .map(|(n, user)| {
            let id = format!("b!onedrive-{n:04}");
            let base = format!("/{version}/RestoreSessions/{session}/Organization/OneDrives/{id}");
            let login = user.name.clone().unwrap_or_default().replace(['@', '.'], "_");
            RestoreOneDrive {
                id: Some(id),
                name: user.display_name.clone(),
                url: Some(format!("https://contoso-my.sharepoint.com/personal/{login}")),
                links: Some(links(&[
                    ("self", base.clone()),
                    ("documents", format!("{base}/Documents")),
                    ("folders", format!("{base}/Folders")),
                ])),
            }
        })
        .collect())
}

fn onedrive(world: &World, call: &Call<'_>) -> Result<RestoreOneDrive, Refusal> {
    let id = call.text("oneDriveId");
    let found = onedrives(world, call)?.into_iter().find(|o| o.id.as_deref() == Some(id.as_str()));
    found.ok_or_else(|| Refusal::not_found(format!("OneDrive with ID {id} was not found.")))
}

pub(super) fn list(call: Call<'_>) -> Result<Response, Refusal> {
    let world = call.shared.world();
    let all = onedrives(&world, &call)?;
    let session = call.id("restoreSessionId")?;
    call.collection(&all, &format!("RestoreSessions/{session}/Organization/OneDrives"))
}

pub(super) fn get(call: Call<'_>) -> Result<Response, Refusal> {
    let world = call.shared.world();
    let found = onedrive(&world, &call)?;
    Ok(call.answer(StatusCode::OK, &found))
}

/// The folder suffix `parentId` names (`""` without it), or not found.
fn parent(call: &Call<'_>, onedrive: &str) -> Result<&'static str, Refusal> {
    call.query.get("parentId").map_or(Ok(""), |parent| folder_suffix(onedrive, parent))
}

/// The suffix of the folder ID `folder` of `onedrive`, or not found.
fn folder_suffix(onedrive: &str, folder: &str) -> Result<&'static str, Refusal> {
    let suffix = folder.strip_prefix(&format!("{onedrive}-"));
    let known = FOLDERS.iter().map(|f| f.0).find(|s| suffix == Some(*s));
    known.ok_or_else(|| Refusal::not_found(format!("Folder with ID {folder} was not found.")))
}

/// A folder or document entry's common fields, as the version writes them.
struct Entry<'a> {
    onedrive: &'a str,
    base: &'a str,
    v8: bool,
}

impl Entry<'_> {
    fn folder(&self, suffix: &str, name: &str) -> OneDriveFolder {
        let id = format!("{}-{suffix}", self.onedrive);
        OneDriveFolder {
            id: Some(id.clone()),
            name: Some(name.to_owned()),
            version: Some(String::from("1.0")),
            version_id: Some(512),
            created_by: Some(String::from("SharePoint App")),
            creation_time: crate::DateTime::parse("2024-01-08T10:00:00Z").ok(),
            modified_by: Some(String::from("SharePoint App")),
            modification_time: crate::DateTime::parse("2024-01-08T10:00:00Z").ok(),
            one_drive_id: self.v8.then(|| self.onedrive.to_owned()),
            is_folder: self.v8.then_some(true),
            links: Some(links(&[("self", format!("{}/Folders/{id}", self.base))])),
        }
    }

    fn documents(&self, suffix: &str) -> Vec<OneDriveDocument> {
        let count = DOCUMENTS.iter().find(|(s, _)| *s == suffix).map_or(0, |(_, n)| *n);
        (1..=count)
            .map(|n| {
                let name = match suffix {
                    "" => String::from("Notes.txt"),
                    "documents-2026" => format!("Plan Q{n}.xlsx"),
                    _ => format!("Report {n:02}.docx"),
                };
                let id = format!("{}-{suffix}-doc{n:02}", self.onedrive);
                let modified = crate::DateTime::parse(&format!("2024-04-{:02}T16:00:00Z", n % 28 + 1)).ok();
                OneDriveDocument {
                    id: Some(id.clone()),
                    name: Some(name),
                    version: Some(format!("{n}.0")),
                    version_id: Some(512 * i32::try_from(n).unwrap_or(1)),
                    created_by: Some(String::from("SharePoint App")),
                    creation_time: crate::DateTime::parse("2024-01-08T10:00:00Z").ok(),
                    modified_by: Some(String::from("SharePoint App")),
                    modification_time: modified,
                    one_drive_id: self.v8.then(|| self.onedrive.to_owned()),
                    is_folder: self.v8.then_some(false),
                    size_bytes: Some(10_000 * n as i64 + 123),
                    inherited_permissions: Some(true),
                    links: Some(links(&[("self", format!("{}/Documents/{id}", self.base))])),
                }
            })
            .collect()
    }
}

pub(super) fn folders(call: Call<'_>) -> Result<Response, Refusal> {
    let world = call.shared.world();
    let found = onedrive(&world, &call)?;
    let id = found.id.clone().unwrap_or_default();
    let under = parent(&call, &id)?;
    let (session, version) = (call.id("restoreSessionId")?, call.version);
    let base = format!("/{version}/RestoreSessions/{session}/Organization/OneDrives/{id}");
    let entry = Entry { onedrive: &id, base: &base, v8: version >= ApiVersion::V8 };
    let folders: Vec<OneDriveFolder> = FOLDERS
        .iter()
        .filter(|(_, _, up)| up.unwrap_or("") == under)
        .map(|(suffix, name, _)| entry.folder(suffix, name))
        .collect();
    call.collection(&folders, &format!("RestoreSessions/{session}/Organization/OneDrives/{id}/Folders"))
}

/// v8 lists the folders among the documents when `includeFolders=true`.
pub(super) fn documents(call: Call<'_>) -> Result<Response, Refusal> {
    let world = call.shared.world();
    let found = onedrive(&world, &call)?;
    let id = found.id.clone().unwrap_or_default();
    let under = parent(&call, &id)?;
    let include_folders = call.query_as::<bool>("includeFolders", "true or false")?.unwrap_or(false);
    let (session, version) = (call.id("restoreSessionId")?, call.version);
    let base = format!("/{version}/RestoreSessions/{session}/Organization/OneDrives/{id}");
    let v8 = version >= ApiVersion::V8;
    let entry = Entry { onedrive: &id, base: &base, v8 };
    let mut documents = Vec::new();
    if v8 && include_folders {
        for (suffix, name, _) in FOLDERS.iter().filter(|(_, _, up)| up.unwrap_or("") == under) {
            let folder = entry.folder(suffix, name);
            documents.push(OneDriveDocument {
                id: folder.id,
                name: folder.name,
                version: folder.version,
                version_id: folder.version_id,
                created_by: folder.created_by,
                creation_time: folder.creation_time,
                modified_by: folder.modified_by,
                modification_time: folder.modification_time,
                one_drive_id: folder.one_drive_id,
                is_folder: Some(true),
                size_bytes: None,
                inherited_permissions: Some(true),
                links: folder.links,
            });
        }
    }
    documents.extend(entry.documents(under));
    call.collection(&documents, &format!("RestoreSessions/{session}/Organization/OneDrives/{id}/Documents"))
}

/// Folders as (suffix, path from the top).
type Tree = Vec<(&'static str, String)>;

/// A folder and the folders under it.
fn folder_tree(top: &'static str) -> Tree {
    let name = |suffix: &str| FOLDERS.iter().find(|f| f.0 == suffix).map_or("", |f| f.1);
    let mut tree = vec![(top, name(top).to_owned())];
    let mut at = 0;
    while at < tree.len() {
        let (parent, path) = tree[at].clone();
        for (suffix, child, _) in FOLDERS.iter().filter(|(_, _, up)| *up == Some(parent)) {
            tree.push((suffix, format!("{path}/{child}")));
        }
        at += 1;
    }
    tree
}

/// What a route covers, as (folder suffix, path from the top), and its
/// name: the folder `folderId` names and those under it, or on a
/// OneDrive's own routes the top and every folder (named `""`).
fn scope(call: &Call<'_>, onedrive: &str) -> Result<(Tree, &'static str), Refusal> {
    if call.params.contains_key("folderId") {
        let top = folder_suffix(onedrive, &call.text("folderId"))?;
        let name = FOLDERS.iter().find(|f| f.0 == top).map_or(top, |f| f.1);
        return Ok((folder_tree(top), name));
    }
    let mut all = vec![("", String::new())];
    all.extend(FOLDERS.iter().filter(|f| f.2.is_none()).flat_map(|f| folder_tree(f.0)));
    Ok((all, ""))
}

/// `name` under `path` (at the top when `path` is empty).
fn under(path: &str, name: &str) -> String {
    if path.is_empty() { name.to_owned() } else { format!("{path}/{name}") }
}

/// The documents the route covers (see [`scope`]), as a ZIP archive
/// streamed with its length; each document as large as its listing
/// says (or as `SimulatorConfig::saved_document_bytes`).
pub(super) fn save_folder(call: Call<'_>) -> Result<Response, Refusal> {
    let world = call.shared.world();
    let found = onedrive(&world, &call)?;
    drop(world);
    let id = found.id.clone().unwrap_or_default();
    let (tree, name) = scope(&call, &id)?;
    let (session, version) = (call.id("restoreSessionId")?, call.version);
    let base = format!("/{version}/RestoreSessions/{session}/Organization/OneDrives/{id}");
    let entry = Entry { onedrive: &id, base: &base, v8: version >= ApiVersion::V8 };
    let entries: Vec<crate::simulator::zip::Entry> = tree
        .into_iter()
        .flat_map(|(suffix, path)| {
            entry.documents(suffix).into_iter().map(move |d| crate::simulator::zip::Entry {
                path: under(&path, &d.name.unwrap_or_default()),
                size: u64::try_from(d.size_bytes.unwrap_or(0)).unwrap_or(0),
            })
        })
        .map(|mut e| {
            e.size = call.shared.config.saved_document_bytes.unwrap_or(e.size);
            e
        })
        .collect();
    let name = if name.is_empty() { found.name.as_deref().unwrap_or("OneDrive") } else { name };
    Ok(crate::simulator::zip::download(entries, &format!("{name}.zip")))
}

/// What the route covers (see [`scope`]) whose name has every word of the
/// body's query, case aside: documents, and folders too unless `itemType`
/// asks for documents only. An empty query is refused.
pub(super) fn search(call: Call<'_>) -> Result<Response, Refusal> {
    let body: serde_json::Value = call.body()?;
    let query = body.get("query").and_then(serde_json::Value::as_str).unwrap_or_default().to_lowercase();
    let words: Vec<&str> = query.split_whitespace().collect();
    if words.is_empty() {
        return Err(Refusal::bad_request(String::from("The search query is empty.")));
    }
    let kind = call.query.get("itemType").map_or("All", String::as_str);
    if !matches!(kind, "All" | "Folders" | "Documents") {
        return Err(Refusal::bad_request(format!("Unknown item type `{kind}`.")));
    }
    let session = call.id("restoreSessionId")?;
    let world = call.shared.world();
    if !call.params.contains_key("oneDriveId") {
        // Every OneDrive of the session.
        let all = onedrives(&world, &call)?;
        drop(world);
        let mut hits = Vec::new();
        for found in &all {
            hits.extend(hits_in(&call, found, kind, &words)?);
        }
        return call.collection(&hits, &format!("RestoreSessions/{session}/Organization/OneDrives/search"));
    }
    let found = onedrive(&world, &call)?;
    drop(world);
    let id = found.id.clone().unwrap_or_default();
    let hits = hits_in(&call, &found, kind, &words)?;
    let path = call.params.get("folderId").map_or(String::from("search"), |f| format!("Folders/{f}/search"));
    call.collection(&hits, &format!("RestoreSessions/{session}/Organization/OneDrives/{id}/{path}"))
}

/// What a search of `kind` for `words` finds in `found` (in the folder
/// the route names, or everywhere in it).
fn hits_in(
    call: &Call<'_>,
    found: &RestoreOneDrive,
    kind: &str,
    words: &[&str],
) -> Result<Vec<OneDriveDocument>, Refusal> {
    let id = found.id.clone().unwrap_or_default();
    let (tree, _) = scope(call, &id)?;
    let (session, version) = (call.id("restoreSessionId")?, call.version);
    let base = format!("/{version}/RestoreSessions/{session}/Organization/OneDrives/{id}");
    let entry = Entry { onedrive: &id, base: &base, v8: version >= ApiVersion::V8 };
    let mut hits: Vec<OneDriveDocument> = Vec::new();
    // A folder route's own folder is where the search looks, not a hit.
    let own = usize::from(call.params.contains_key("folderId"));
    for (n, (suffix, _)) in tree.iter().enumerate() {
        if kind != "Documents" && !suffix.is_empty() && n >= own {
            let name = FOLDERS.iter().find(|f| f.0 == *suffix).map_or(*suffix, |f| f.1);
            let folder = entry.folder(suffix, name);
            hits.push(OneDriveDocument {
                id: folder.id,
                name: folder.name,
                version: folder.version,
                version_id: folder.version_id,
                is_folder: Some(true),
                links: folder.links,
                ..OneDriveDocument::default()
            });
        }
        if kind != "Folders" {
            hits.extend(entry.documents(suffix));
        }
    }
    hits.retain(|d| {
        let name = d.name.as_deref().unwrap_or_default().to_lowercase();
        words.iter().all(|w| name.contains(w))
    });
    Ok(hits)
}

/// The documents the body names as one ZIP archive, each as large as its
/// listing says (or `SimulatorConfig::saved_document_bytes`).
pub(super) fn save_documents(call: Call<'_>) -> Result<Response, Refusal> {
    let world = call.shared.world();
    let found = onedrive(&world, &call)?;
    drop(world);
    let chosen = chosen_items(&call, &found)?;
    let size = |s: u64| call.shared.config.saved_document_bytes.unwrap_or(s);
    let entries = chosen
        .into_iter()
        .map(|d| crate::simulator::zip::Entry { path: d.name, size: size(u64::try_from(d.size).unwrap_or(0)) })
        .collect();
    let name = found.name.unwrap_or_default();
    Ok(crate::simulator::zip::download(entries, &format!("{name}.zip")))
}

/// One folder of the OneDrive the route names, by its ID.
pub(super) fn get_folder(call: Call<'_>) -> Result<Response, Refusal> {
    let (folder, _) = folder(&call)?;
    Ok(call.answer(StatusCode::OK, &folder))
}

/// The folder the route's `folderId` names, in the route's OneDrive, and
/// the path of that OneDrive's routes.
fn folder(call: &Call<'_>) -> Result<(OneDriveFolder, String), Refusal> {
    let world = call.shared.world();
    let found = onedrive(&world, call)?;
    drop(world);
    let id = found.id.clone().unwrap_or_default();
    let suffix = folder_suffix(&id, &call.text("folderId"))?;
    let name = FOLDERS.iter().find(|f| f.0 == suffix).map_or(suffix, |f| f.1);
    let (session, version) = (call.id("restoreSessionId")?, call.version);
    let base = format!("/{version}/RestoreSessions/{session}/Organization/OneDrives/{id}");
    let entry = Entry { onedrive: &id, base: &base, v8: version >= ApiVersion::V8 };
    Ok((entry.folder(suffix, name), base))
}

/// Every version of a folder, oldest first: the simulator's folders have
/// one, the folder as it is.
pub(super) fn folder_versions(call: Call<'_>) -> Result<Response, Refusal> {
    let (mut folder, base) = folder(&call)?;
    let id = folder.id.clone().unwrap_or_default();
    let version = folder.version_id.unwrap_or_default();
    folder.links = Some(links(&[("self", format!("{base}/Folders/{id}/Versions/{version}"))]));
    let path = format!("{base}/Folders/{id}/Versions");
    call.collection(&[folder], path.trim_start_matches(&format!("/{}/", call.version)))
}

/// One document of the OneDrive the route names, by its ID.
pub(super) fn get_document(call: Call<'_>) -> Result<Response, Refusal> {
    let document = document(&call)?;
    Ok(call.answer(StatusCode::OK, &document.entry))
}

/// A document a route names, with what its versions are made from.
struct Document {
    entry: OneDriveDocument,
    /// Its number in its folder: also how many versions it has.
    n: usize,
    /// The path of its OneDrive's routes.
    base: String,
}

/// The document the route's `documentId` names (`{onedrive}-{folder}-docNN`),
/// or not found.
fn document(call: &Call<'_>) -> Result<Document, Refusal> {
    let world = call.shared.world();
    let found = onedrive(&world, call)?;
    drop(world);
    find_document(call, &found, &call.text("documentId"))
}

/// The document of `found` that `wanted` names, or not found.
fn find_document(call: &Call<'_>, found: &RestoreOneDrive, wanted: &str) -> Result<Document, Refusal> {
    let id = found.id.clone().unwrap_or_default();
    let missing = || Refusal::not_found(format!("Document with ID {wanted} was not found."));
    let parts = wanted.strip_prefix(&format!("{id}-")).and_then(|rest| rest.rsplit_once("-doc"));
    let (suffix, n) = parts.ok_or_else(missing)?;
    let n: usize = n.parse().map_err(|_| missing())?;
    let (session, version) = (call.id("restoreSessionId")?, call.version);
    let base = format!("/{version}/RestoreSessions/{session}/Organization/OneDrives/{id}");
    let entry = Entry { onedrive: &id, base: &base, v8: version >= ApiVersion::V8 };
    let entry = entry.documents(suffix).into_iter().find(|d| d.id.as_deref() == Some(wanted));
    Ok(Document { entry: entry.ok_or_else(missing)?, n, base })
}

impl Document {
    /// Version `k`: the document as it was, `k.0`, smaller and older the
    /// earlier it is (the last version is the document itself).
    fn version(&self, k: usize) -> OneDriveDocument {
        let mut version = self.entry.clone();
        version.version = Some(format!("{k}.0"));
        version.version_id = Some(512 * i32::try_from(k).unwrap_or(1));
        version.size_bytes = Some(10_000 * k as i64 + 123);
        if k < self.n {
            version.modification_time = crate::DateTime::parse(&format!("2024-03-{:02}T09:00:00Z", k % 28 + 1)).ok();
        }
        let (base, id) = (&self.base, self.entry.id.as_deref().unwrap_or_default());
        version.links = Some(links(&[("self", format!("{base}/Documents/{id}/Versions/{}", 512 * k))]));
        version
    }
}

impl Document {
    /// The version the route's `versionId` names, or without one the
    /// document itself; a version it never had is not found.
    fn into_routed(self, call: &Call<'_>) -> Result<OneDriveDocument, Refusal> {
        let Some(wanted) = call.params.get("versionId") else { return Ok(self.entry) };
        let k = wanted.parse::<usize>().ok().filter(|v| v % 512 == 0).map(|v| v / 512);
        let k = k.filter(|k| (1..=self.n).contains(k));
        let k = k.ok_or_else(|| Refusal::not_found(format!("Version {wanted} of the document was not found.")))?;
        Ok(self.version(k))
    }
}

/// Every version of a document, oldest first.
pub(super) fn document_versions(call: Call<'_>) -> Result<Response, Refusal> {
    let document = document(&call)?;
    let versions: Vec<OneDriveDocument> = (1..=document.n).map(|k| document.version(k)).collect();
    let id = document.entry.id.as_deref().unwrap_or_default();
    let path = format!("{}/Documents/{id}/Versions", document.base);
    call.collection(&versions, path.trim_start_matches(&format!("/{}/", call.version)))
}

/// A document (or the version the route names) as its bytes, as large as
/// its entry says (or `SimulatorConfig::saved_document_bytes`), bare or in
/// a ZIP archive as the body asks.
pub(super) fn save_document(call: Call<'_>) -> Result<Response, Refusal> {
    let body: serde_json::Value = call.body()?;
    let document = document(&call)?;
    let document = document.into_routed(&call)?;
    let name = document.name.clone().unwrap_or_default();
    let size = u64::try_from(document.size_bytes.unwrap_or(0)).unwrap_or(0);
    let size = call.shared.config.saved_document_bytes.unwrap_or(size);
    let entry = crate::simulator::zip::Entry { path: name.clone(), size };
    match body.get("asZip").and_then(serde_json::Value::as_bool) {
        Some(true) => Ok(crate::simulator::zip::download(vec![entry], &format!("{name}.zip"))),
        _ => Ok(crate::simulator::zip::bare(entry)),
    }
}

/// Copies the documents the route covers (see [`scope`]) into the OneDrive
/// the body names, which must be one of the session's,
/// written as an account or an application. Into the OneDrive they came
/// from every document exists already and is skipped with a warning.
pub(super) fn copy_folder_to(call: Call<'_>) -> Result<Response, Refusal> {
    let (found, into, folder) = copy_target(&call)?;
    let (what, items) = folder_items(&call, &found)?;
    let destination = Destination::copy(&found, &into);
    run(call, &found, &into, what, folder.as_deref(), items, destination)
}

/// The OneDrive the route names, the one the copy's body names (one of
/// the session's) and the folder there.
fn copy_target(call: &Call<'_>) -> Result<(RestoreOneDrive, RestoreOneDrive, Option<String>), Refusal> {
    let body: serde_json::Value = call.body()?;
    let world = call.shared.world();
    let found = onedrive(&world, call)?;
    let all = onedrives(&world, call)?;
    drop(world);
    let wanted = body.pointer("/onedrive/id").and_then(serde_json::Value::as_str).unwrap_or_default();
    let into = all.into_iter().find(|o| o.id.as_deref() == Some(wanted));
    let into =
        into.ok_or_else(|| Refusal::bad_request(format!("OneDrive {wanted} was not found in the organization.")))?;
    let folder = body.get("folder").and_then(serde_json::Value::as_str).map(str::to_owned);
    Ok((found, into, folder))
}

/// The OneDrive the route names, for a restore where it was: refused
/// when the body's `documentAction` is neither `Overwrite` nor `Keep`.
fn restore_source(call: &Call<'_>) -> Result<RestoreOneDrive, Refusal> {
    let body: serde_json::Value = call.body()?;
    if let Some(action) = body.get("documentAction").filter(|a| !a.is_null())
        && !matches!(action.as_str(), Some("Overwrite" | "Keep"))
    {
        return Err(Refusal::bad_request(format!("Unknown document action {action}.")));
    }
    let world = call.shared.world();
    let found = onedrive(&world, call)?;
    drop(world);
    Ok(found)
}

/// Copies the documents the body names (see [`chosen_items`]) as
/// [`copy_folder_to`] copies a folder's.
pub(super) fn copy_documents_to(call: Call<'_>) -> Result<Response, Refusal> {
    let (found, into, folder) = copy_target(&call)?;
    let items = chosen_items(&call, &found)?;
    let destination = Destination::copy(&found, &into);
    run(call, &found, &into, "", folder.as_deref(), items, destination)
}

/// Restores the documents the body names (see [`chosen_items`]) as
/// [`restore_folder`] restores a folder's.
pub(super) fn restore_chosen_documents(call: Call<'_>) -> Result<Response, Refusal> {
    let found = restore_source(&call)?;
    let items = chosen_items(&call, &found)?;
    run(call, &found, &found, "", None, items, Destination::Back)
}

/// Restores the version the route names, where the document was.
pub(super) fn restore_version(call: Call<'_>) -> Result<Response, Refusal> {
    let found = restore_source(&call)?;
    let version = document(&call)?.into_routed(&call)?;
    run(call, &found, &found, "", None, vec![document_item(version)], Destination::Back)
}

/// Copies the version the route names into the OneDrive the body names.
pub(super) fn copy_version_to(call: Call<'_>) -> Result<Response, Refusal> {
    let (found, into, folder) = copy_target(&call)?;
    let version = document(&call)?.into_routed(&call)?;
    let destination = Destination::copy(&found, &into);
    run(call, &found, &into, "", folder.as_deref(), vec![document_item(version)], destination)
}

/// The documents the body's `documents` names by ID, in order; none, or
/// one the OneDrive does not have, is refused.
fn chosen_items(call: &Call<'_>, found: &RestoreOneDrive) -> Result<Vec<crate::simulator::restores::Item>, Refusal> {
    let body: serde_json::Value = call.body()?;
    let wanted = body.get("documents").and_then(serde_json::Value::as_array).cloned().unwrap_or_default();
    if wanted.is_empty() {
        return Err(Refusal::bad_request(String::from("Specify the documents.")));
    }
    wanted
        .iter()
        .map(|d| {
            let id = d.get("id").and_then(serde_json::Value::as_str).unwrap_or_default();
            Ok(document_item(find_document(call, found, id)?.entry))
        })
        .collect()
}

/// A document as a restore counts it.
fn document_item(document: OneDriveDocument) -> crate::simulator::restores::Item {
    let name = document.name.unwrap_or_default();
    crate::simulator::restores::Item { name, size: document.size_bytes.unwrap_or(0) }
}

/// Restores the documents the route covers (see [`scope`]) into the
/// OneDrive they came from, written as an account or an application;
/// with `documentAction: Keep` (or none) a document that is there is kept
/// and the restored one written beside it, so every document is restored.
pub(super) fn restore_folder(call: Call<'_>) -> Result<Response, Refusal> {
    let found = restore_source(&call)?;
    let (what, items) = folder_items(&call, &found)?;
    run(call, &found, &found, what, None, items, Destination::Back)
}

/// The documents under the folder the route names (see [`scope`]), each
/// named by its path, and the folder's name.
fn folder_items(
    call: &Call<'_>,
    from: &RestoreOneDrive,
) -> Result<(&'static str, Vec<crate::simulator::restores::Item>), Refusal> {
    use crate::simulator::restores::Item;
    let id = from.id.clone().unwrap_or_default();
    let (tree, what) = scope(call, &id)?;
    let (session, version) = (call.id("restoreSessionId")?, call.version);
    let base = format!("/{version}/RestoreSessions/{session}/Organization/OneDrives/{id}");
    let entry = Entry { onedrive: &id, base: &base, v8: false };
    let items = tree
        .into_iter()
        .flat_map(|(suffix, path)| {
            entry
                .documents(suffix)
                .into_iter()
                .map(move |d| Item { name: under(&path, &d.name.unwrap_or_default()), size: d.size_bytes.unwrap_or(0) })
        })
        .collect();
    Ok((what, items))
}

/// Where a OneDrive restore writes, which decides what happens to a
/// document that is there already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Destination {
    /// Where the documents were: each is written, over what is there or
    /// beside it (`documentAction`), even one an earlier restore wrote.
    Back,
    /// Into another OneDrive (or a folder): a document an earlier restore
    /// wrote there is unchanged, so it is skipped.
    Copy,
    /// Into the OneDrive the documents came from: every one exists already
    /// and is skipped.
    CopyIntoItself,
}

impl Destination {
    /// A copy from `from` into `into`.
    fn copy(from: &RestoreOneDrive, into: &RestoreOneDrive) -> Self {
        if into.id == from.id { Self::CopyIntoItself } else { Self::Copy }
    }
}

/// Runs a restore of `items` (under `what`, a folder's name or `""` for
/// the OneDrive's top) from `from` into `into` (under `into_folder`, or
/// where they were), written as an account or an application, as the
/// restore machinery does (see `restore_sessions::run`): v8 answers at
/// once and restores over the simulator's job duration, v6 restores before
/// it answers, with the counts, writing as `destination` says.
fn run(
    call: Call<'_>,
    from: &RestoreOneDrive,
    into: &RestoreOneDrive,
    what: &str,
    into_folder: Option<&str>,
    items: Vec<crate::simulator::restores::Item>,
    destination: Destination,
) -> Result<Response, Refusal> {
    use crate::simulator::restores::{Fate, Request};
    let body: serde_json::Value = call.body()?;
    super::restore_sessions::credentials_given(&body)?;
    let fate = match call.shared.config.restore_fails_after {
        _ if destination == Destination::CopyIntoItself => Fate::Exists,
        Some(limit) => Fate::FailAfter(limit),
        None => Fate::Restore,
    };
    let session = call.id("restoreSessionId")?;
    let request = Request {
        session,
        what: if what.is_empty() { from.name.clone().unwrap_or_default() } else { what.to_owned() },
        source: under(from.url.as_deref().unwrap_or_default(), what),
        target: under(into.url.as_deref().unwrap_or_default(), into_folder.unwrap_or(what)),
        items,
        fate,
        rewrite: destination == Destination::Back,
    };
    super::restore_sessions::run(&call, request, |done| {
        let counted = crate::types::OneDriveRestoreStatistics {
            total_items_count: Some(done.restored + done.failed + done.skipped),
            restored_items_count: Some(done.restored),
            failed_items_count: Some(done.failed),
            skipped_items_by_error_count: Some(0),
            skipped_items_by_no_changes_count: Some(done.skipped),
            failed_restrictions_count: Some(0),
            restore_issues: done
                .warnings
                .iter()
                .map(|w| (w, None))
                .chain(done.errors.iter().map(|e| (e, Some(e.clone()))))
                .map(|(text, error)| crate::types::RestoreIssue {
                    title: Some(text.clone()),
                    warnings: if error.is_none() { vec![text.clone()] } else { Vec::new() },
                    error,
                    ..crate::types::RestoreIssue::default()
                })
                .collect(),
        };
        call.answer(StatusCode::OK, &counted)
    })
}

/// Mails the documents the route covers (the whole OneDrive, a folder and
/// those under it, or the body's `documents`) to the body's address:
/// refused without an address (one with `@`), otherwise recorded (see
/// `Simulator::sent_mail`) and answered with no body (200 in v6, 204 in v8).
pub(super) fn send(call: Call<'_>) -> Result<Response, Refusal> {
    let body: serde_json::Value = call.body()?;
    let to = body.get("to").and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
    if !to.contains('@') {
        return Err(Refusal::bad_request(format!("The address to send to is not valid: '{to}'.")));
    }
    let world = call.shared.world();
    let found = onedrive(&world, &call)?;
    drop(world);
    let items = if call.operation.starts_with("send_onedrive_documents") {
        chosen_items(&call, &found)?
    } else {
        folder_items(&call, &found)?.1
    };
    let subject = body.get("subject").and_then(serde_json::Value::as_str).map(str::to_owned);
    let items = items.into_iter().map(|i| i.name).collect();
    Ok(call.sent(SentMail { to, subject, items }))
}
