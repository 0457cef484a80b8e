//! Microsoft 365 organizations: list, get, add (basic authentication).

use uuid::Uuid;

use crate::request::call::call;
use crate::types::{ExchangeOnlineSettings, Organization, OrganizationCreate, SharePointOnlineSettings};
use crate::{Client, Error, Secret};

impl Client {
    /// Every organization the server knows, with all their properties
    /// (`GET /v6/Organizations?extendedView=true`). This is where the
    /// organization IDs come from.
    pub async fn list_organizations(&self) -> Result<Vec<Organization>, Error> {
        call(self.state(), "list_organizations", Box::pin(self.api().list_organizations().extended_view(true).send()))
            .await
    }

    /// One organization (`GET /v6/Organizations/{organizationId}`).
    pub async fn get_organization(&self, organization_id: Uuid) -> Result<Organization, Error> {
        call(
            self.state(),
            "get_organization",
            Box::pin(self.api().get_organization().organization_id(organization_id).send()),
        )
        .await
    }

    /// Adds a Microsoft 365 organization with basic authentication
    /// (`POST /v6/Organizations`).
    ///
    /// Checked before sending: `isTeamsChatsOnline` must be false (team
    /// chats cannot be backed up with basic authentication), and each
    /// service switched on needs its settings with an account and password.
    ///
    /// Not repeated after a failure that may have reached the server (a
    /// repeat could add the organization twice); only after a `401`, with a
    /// renewed token.
    pub async fn add_organization(&self, organization: OrganizationCreate) -> Result<Organization, Error> {
        check(&organization)?;
        call(self.state(), OPERATION, Box::pin(self.api().add_organization().body(organization).send())).await
    }
}

const OPERATION: &str = "add_organization";

fn check(organization: &OrganizationCreate) -> Result<(), Error> {
    if organization.is_teams_chats_online == Some(true) {
        return Err(Error::invalid(
            OPERATION,
            "isTeamsChatsOnline",
            "must be false: team chats cannot be backed up for an organization with basic authentication",
        ));
    }
    if organization.is_exchange_online {
        let settings = organization.exchange_online_settings.as_ref();
        let settings = settings.map(|ExchangeOnlineSettings { account, password, .. }| (account, password));
        check_settings("exchangeOnlineSettings", "isExchangeOnline", settings)?;
    }
    if organization.is_share_point_online {
        let settings = organization.share_point_online_settings.as_ref();
        let settings = settings.map(|SharePointOnlineSettings { account, password, .. }| (account, password));
        check_settings("sharePointOnlineSettings", "isSharePointOnline", settings)?;
    }
    Ok(())
}

fn check_settings(
    field: &str,
    switch: &str,
    settings: Option<(&Option<String>, &Option<Secret>)>,
) -> Result<(), Error> {
    let Some((account, password)) = settings else {
        return Err(Error::invalid(OPERATION, field, format!("is required when {switch} is true")));
    };
    if account.as_deref().is_none_or(|a| a.trim().is_empty()) {
        return Err(Error::invalid(
            OPERATION,
            &format!("{field}.account"),
            "is required: the account the server signs in with",
        ));
    }
    if password.as_ref().is_none_or(Secret::is_empty) {
        return Err(Error::invalid(OPERATION, &format!("{field}.password"), "is required with basic authentication"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{OrganizationRegion, OrganizationType};

    fn organization() -> OrganizationCreate {
        let settings = || ExchangeOnlineSettings {
            account: Some("admin@abc.onmicrosoft.com".into()),
            password: Some(Secret::from("pw")),
            grant_admin_access: Some(true),
            use_mfa: Some(false),
            use_custom_veeam_aad_application: Some(false),
        };
        OrganizationCreate {
            type_: OrganizationType::Office365,
            region: OrganizationRegion::Worldwide,
            is_exchange_online: true,
            is_share_point_online: false,
            is_teams_online: None,
            is_teams_chats_online: Some(false),
            exchange_online_settings: Some(settings()),
            share_point_online_settings: None,
        }
    }

    fn refused(o: &OrganizationCreate) -> String {
        check(o).unwrap_err().to_string()
    }

    #[test]
    fn a_complete_organization_passes() {
        check(&organization()).unwrap();
    }

    #[test]
    fn team_chats_must_be_off() {
        let mut o = organization();
        o.is_teams_chats_online = Some(true);
        assert_eq!(
            refused(&o),
            "add_organization: invalid input: `isTeamsChatsOnline` must be false: team chats cannot be backed up for an organization with basic authentication"
        );
    }

    #[test]
    fn a_service_switched_on_needs_its_settings() {
        let mut o = organization();
        o.is_share_point_online = true;
        assert!(refused(&o).contains("`sharePointOnlineSettings` is required when isSharePointOnline is true"));
        let mut o = organization();
        o.exchange_online_settings.as_mut().unwrap().password = None;
        assert!(refused(&o).contains("`exchangeOnlineSettings.password` is required"));
        let mut o = organization();
        o.exchange_online_settings.as_mut().unwrap().account = Some(" ".into());
        assert!(refused(&o).contains("`exchangeOnlineSettings.account` is required"));
    }
}
