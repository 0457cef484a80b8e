//! Backup repositories, the space they have, and the space each
//! organization takes in them.

use uuid::Uuid;

use super::paging::Pages;
use crate::api::versioned;
use crate::types::BackupRepository;
#[cfg(feature = "monitoring")]
use crate::types::UsedRepository;
use crate::{Client, Error};

/// A gigabyte as the server counts an object storage size limit.
const GB: i64 = 1 << 30;

/// How big a repository is and how much of it is free, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Space {
    /// The capacity.
    pub capacity_bytes: u64,
    /// What is free of it.
    pub free_bytes: u64,
}

impl Space {
    /// The free part in per cent of the capacity.
    pub fn free_percent(&self) -> f64 {
        if self.capacity_bytes == 0 { 0.0 } else { self.free_bytes as f64 * 100.0 / self.capacity_bytes as f64 }
    }
}

impl BackupRepository {
    /// The repository's capacity and free space, where it has a capacity:
    /// the volume's (`capacityBytes`, `freeSpaceBytes`), or for a v8
    /// repository in object storage with a size limit, the limit and what
    /// is left under it. `None` for object storage without a limit, which
    /// has no capacity to run out of, and for a repository whose server
    /// sent no figures or figures that cannot be (a negative capacity or
    /// free space, as a server writes `-1` for "not known"): a space not
    /// known is never read as a full one.
    pub fn space(&self) -> Option<Space> {
        let volume = self.capacity_bytes.filter(|c| *c > 0).zip(self.free_space_bytes);
        let limit = self.object_storage.as_ref().and_then(|storage| {
            let limit = storage.size_limit_gb.filter(|_| storage.size_limit_enabled == Some(true))?.checked_mul(GB)?;
            let free = match (storage.free_space_bytes, storage.used_space_bytes) {
                (Some(free), _) => free,
                (None, Some(used)) if used >= 0 => limit.saturating_sub(used),
                _ => return None,
            };
            Some((limit, free))
        });
        let (capacity, free) = volume.or(limit)?;
        let capacity = u64::try_from(capacity).ok().filter(|c| *c > 0)?;
        let free = u64::try_from(free).ok()?;
        Some(Space { capacity_bytes: capacity, free_bytes: free.min(capacity) })
    }
}

impl Client {
    /// Every backup repository, as a stream: API v8 answers in pages
    /// (`GET /v8/BackupRepositories`), v6 at once.
    #[inline]
    pub fn backup_repositories(&self) -> Pages<BackupRepository> {
        versioned!(pages self, list_backup_repositories, self.config().page_size, |op| op)
    }

    /// One backup repository (`GET /vN/BackupRepositories/{repositoryId}`).
    pub async fn get_backup_repository(&self, repository_id: Uuid) -> Result<BackupRepository, Error> {
        versioned!(send self.api(), get_backup_repository, |op| op.repository_id(repository_id))
    }

    /// The space an organization takes in each repository that holds its
    /// backups (the `monitoring` capability) (`GET /vN/Organizations/{organizationId}/usedRepositories`),
    /// as a stream over every page. v6 entries name their repository only
    /// in their links; the client fills `repository_id` in from the
    /// `backupRepository` link, so that it is set whatever the version.
    #[cfg(feature = "monitoring")]
    #[inline]
    pub fn organization_used_repositories(&self, organization_id: Uuid) -> Pages<UsedRepository> {
        let page_size = self.config().page_size;
        let used = versioned!(pages self, list_organization_used_repositories, page_size,
            |op| op.organization_id(organization_id));
        used.adjusted(|entry| {
            if entry.repository_id.is_none() {
                let link = entry.links.as_ref().and_then(|links| links.get("backupRepository"));
                entry.repository_id = link
                    .and_then(|l| l.href.trim_end_matches('/').rsplit('/').next())
                    .and_then(|id| Uuid::parse_str(id).ok());
            }
            true
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repository(json: serde_json::Value) -> BackupRepository {
        let mut value = json;
        value["id"] = serde_json::json!("a1e4c7b0-5d2f-4c8e-9b31-0e6f2a7d4c51");
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_volume_has_its_capacity_and_free_space() {
        let space = repository(serde_json::json!({"capacityBytes": 1000, "freeSpaceBytes": 40})).space().unwrap();
        assert_eq!((space.capacity_bytes, space.free_bytes), (1000, 40));
        assert!((space.free_percent() - 4.0).abs() < 1e-9);
    }

    #[test]
    fn object_storage_counts_only_with_a_size_limit() {
        let unlimited = repository(serde_json::json!({"capacityBytes": null,
            "objectStorage": {"sizeLimitEnabled": false, "sizeLimitGB": null, "usedSpaceBytes": 5}}));
        assert_eq!(unlimited.space(), None);
        let limited = repository(serde_json::json!({"objectStorage": {"sizeLimitEnabled": true, "sizeLimitGB": 2,
            "usedSpaceBytes": 1073741824i64}}));
        assert_eq!(limited.space(), Some(Space { capacity_bytes: 2 * (1 << 30), free_bytes: 1 << 30 }));
        let given = repository(serde_json::json!({"objectStorage": {"sizeLimitEnabled": true, "sizeLimitGB": 1,
            "freeSpaceBytes": 7}}));
        assert_eq!(given.space().map(|s| s.free_bytes), Some(7));
    }

    #[test]
    fn no_figures_no_space() {
        assert_eq!(repository(serde_json::json!({})).space(), None);
        assert_eq!(repository(serde_json::json!({"capacityBytes": 0, "freeSpaceBytes": 0})).space(), None);
    }

    #[test]
    fn a_negative_figure_is_not_known_and_never_a_full_repository() {
        assert_eq!(repository(serde_json::json!({"capacityBytes": 1000, "freeSpaceBytes": -1})).space(), None);
        assert_eq!(repository(serde_json::json!({"capacityBytes": -1, "freeSpaceBytes": 10})).space(), None);
        let storage = repository(serde_json::json!({"objectStorage": {"sizeLimitEnabled": true, "sizeLimitGB": 1,
            "usedSpaceBytes": -1}}));
        assert_eq!(storage.space(), None);
    }
}
