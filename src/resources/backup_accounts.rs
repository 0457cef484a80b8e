//! Backup accounts: the pool of accounts that spreads SharePoint and
//! OneDrive for Business backup traffic to lessen throttling.

use std::collections::HashSet;

use uuid::Uuid;

use crate::request::call::call;
use crate::types::BackupAccount;
use crate::{ApiVersion, Client, Error};

const V6_V8: &[ApiVersion] = &[ApiVersion::V6, ApiVersion::V8];

impl Client {
    /// The backup accounts of an organization
    /// (`GET /vN/Organizations/{organizationId}/BackupAccounts`).
    pub async fn list_backup_accounts(&self, organization_id: Uuid) -> Result<Vec<BackupAccount>, Error> {
        match self.state().versions.choose("list_backup_accounts", V6_V8, None)? {
            ApiVersion::V8 => {
                let request = self.api().list_backup_accounts_v8().organization_id(organization_id);
                call(self.state(), "list_backup_accounts_v8", Box::pin(request.send())).await
            }
            _ => {
                let request = self.api().list_backup_accounts().organization_id(organization_id);
                call(self.state(), "list_backup_accounts", Box::pin(request.send())).await
            }
        }
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
        match self.state().versions.choose(OPERATION, V6_V8, None)? {
            ApiVersion::V8 => {
                let request = self.api().set_backup_accounts_v8().organization_id(organization_id).body(accounts);
                call(self.state(), "set_backup_accounts_v8", Box::pin(request.send())).await.map(drop)
            }
            _ => {
                let request = self.api().set_backup_accounts().organization_id(organization_id).body(accounts);
                call(self.state(), OPERATION, Box::pin(request.send())).await.map(drop)
            }
        }
    }
}
