//! Reading an organization's directory from Microsoft 365 again, so that a
//! user or site added there can be selected (API v8; v6 servers answer
//! [`crate::Error::NotServed`]).

use uuid::Uuid;

use crate::api::versioned;
use crate::types::{OrganizationSyncOptions, OrganizationSyncState, SyncType};
use crate::{Client, Error};

impl Client {
    /// Starts reading the organization's directory again
    /// (`POST /v8/Organizations/{id}/Sync`): `full` reads everything, else
    /// only what changed. The server queues it and answers at once; follow
    /// it with [`Client::sync_state`]. Not repeated after a failure that may
    /// have reached the server.
    pub async fn sync_organization(&self, organization_id: Uuid, full: bool) -> Result<(), Error> {
        let type_ = if full { SyncType::Full } else { SyncType::Incremental };
        let options = OrganizationSyncOptions { type_: Some(type_) };
        versioned!(send self.api(), sync_organization, |op| op.organization_id(organization_id).body(options.clone()))
    }

    /// Where the organization's directory stands: the synchronization under
    /// way, if any, and how the last one ended
    /// (`GET /v8/Organizations/{id}/SyncState`).
    pub async fn sync_state(&self, organization_id: Uuid) -> Result<OrganizationSyncState, Error> {
        versioned!(send self.api(), get_organization_sync_state, |op| op.organization_id(organization_id))
    }

    /// [`Client::sync_state`] of every organization (`GET /v8/Organizations/SyncState`).
    pub async fn sync_states(&self) -> Result<Vec<OrganizationSyncState>, Error> {
        versioned!(send self.api(), list_organization_sync_states, |op| op)
    }
}

impl OrganizationSyncState {
    /// Whether a synchronization is under way.
    pub fn is_running(&self) -> bool {
        self.current_sync_state.is_some()
    }
}
