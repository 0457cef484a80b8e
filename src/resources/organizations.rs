//! Microsoft 365 organizations: list, get, add (basic authentication).

use futures::TryStreamExt;
use uuid::Uuid;

use super::paging::Pages;
use crate::api::versioned;
use crate::types::{ExchangeOnlineSettings, Organization, OrganizationCreate, SharePointOnlineSettings};
use crate::{Client, Error, Secret};
/// The page size `list_organizations` walks v8 pages with.
const LIST_PAGE: u32 = 1_000;

impl Client {
    /// Every organization the server knows, with all their properties. This
    /// is where the organization IDs come from. API v8 answers in pages,
    /// which this walks (`GET /v8/Organizations?extendedView=true&offset=&limit=`);
    /// v6 answers at once (`GET /v6/Organizations?extendedView=true`).
    /// A failure of the first page is the call's own error; a later page's
    /// is [`Error::Page`], which names where the walk broke off.
    pub async fn list_organizations(&self) -> Result<Vec<Organization>, Error> {
        self.organizations(LIST_PAGE).try_collect().await.map_err(Error::first_page)
    }

    /// Every organization as a stream, `page_size` at a time on API v8 (1 to
    /// [`crate::MAX_PAGE_SIZE`]); v6 answers at once.
    #[inline]
    pub fn organizations(&self, page_size: u32) -> Pages<Organization> {
        versioned!(pages self, list_organizations, page_size, |op| op.extended_view(true))
    }

    /// One organization (`GET /vN/Organizations/{organizationId}?extendedView=true`).
    pub async fn get_organization(&self, organization_id: Uuid) -> Result<Organization, Error> {
        versioned!(send self.api(), get_organization, |op| op.organization_id(organization_id).extended_view(true))
    }

    /// Adds a Microsoft 365 organization with basic authentication
    /// (`POST /vN/Organizations`; v8 answers `201`).
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
        versioned!(send self.api(), add_organization, |op| op.body(organization))
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
            ..Default::default()
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
