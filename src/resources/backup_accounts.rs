//! Backup accounts: the pool of accounts that spreads SharePoint and
//! OneDrive for Business backup traffic to lessen throttling.

use std::collections::HashSet;

use uuid::Uuid;

use crate::api::versioned;
use crate::types::BackupAccount;
use crate::{Client, Error};

impl Client {
    /// The backup accounts of an organization
    /// (`GET /vN/Organizations/{organizationId}/BackupAccounts`).
    pub async fn list_backup_accounts(&self, organization_id: Uuid) -> Result<Vec<BackupAccount>, Error> {
        versioned!(send self.api(), list_backup_accounts, |op| op.organization_id(organization_id))
    }

    /// Replaces the backup accounts of an organization with `accounts`
    /// (`PUT /vN/Organizations/{organizationId}/BackupAccounts`; v8 answers
    /// `201`). Each needs a login, and no login may appear twice.
    pub async fn set_backup_accounts(&self, organization_id: Uuid, accounts: Vec<BackupAccount>) -> Result<(), Error> {
        const OPERATION: &str = "set_backup_accounts";
        let mut seen = HashSet::new();
        for (i, account) in accounts.iter().enumerate() {
            let login = account.group_member.login.trim();
            let field = format!("[{i}].groupMember.login");
            if login.is_empty() {
                return Err(Error::invalid(OPERATION, &field, "is empty"));
            }
            if !seen.insert(login.to_ascii_lowercase()) {
                return Err(Error::invalid(OPERATION, &field, format!("`{login}` appears twice")));
            }
        }
        versioned!(send self.api(), set_backup_accounts, |op| op.organization_id(organization_id).body(accounts))
            .map(drop)
    }
}
