//! The license: what is installed, who holds one, and how many each
//! organization uses.

use uuid::Uuid;

use super::Optionally;
use super::paging::Pages;
use crate::api::versioned;
use crate::types::{License, LicensedUser, OrganizationLicensing};
use crate::{Client, Error};

/// Which users [`Client::licensed_users`] lists; the default lists all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LicensedUserFilter {
    /// Only the users of this organization.
    pub organization: Option<Uuid>,
    /// Only users whose name matches, as the server matches names.
    pub name: Option<String>,
}

impl LicensedUserFilter {
    /// Every licensed user.
    pub fn all() -> Self {
        Self::default()
    }

    /// Only the users of `organization`.
    pub fn organization(mut self, organization: Uuid) -> Self {
        self.organization = Some(organization);
        self
    }

    /// Only users whose name matches `name`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

impl License {
    /// When the license expires: v6 writes it as `expirationDate`, v7 and
    /// later as `licenseExpires`.
    pub fn expires(&self) -> Option<&crate::DateTime> {
        self.license_expires.as_ref().or(self.expiration_date.as_ref())
    }
}

impl Client {
    /// The installed license (`GET /vN/License`). v6 writes the expiry as
    /// `expirationDate`, v8 as `licenseExpires`; the client puts v6's in
    /// `license_expires` too (keeping `expiration_date`), so that
    /// `license_expires` holds it whatever the version.
    pub async fn license(&self) -> Result<License, Error> {
        let mut license: License = versioned!(send self.api(), get_license, |op| op)?;
        if license.license_expires.is_none() {
            license.license_expires = license.expiration_date.clone();
        }
        Ok(license)
    }

    /// The users that hold (or need) a license (`GET /vN/LicensedUsers`),
    /// as a stream over every page.
    #[inline]
    pub fn licensed_users(&self, filter: LicensedUserFilter) -> Pages<LicensedUser> {
        versioned!(pages self, list_licensed_users, self.config().page_size, [filter] |op| op
            .optionally(filter.organization, |op, id| op.organization_id(id))
            .optionally(filter.name.clone(), |op, name| op.name(name)))
    }

    /// How many licenses one organization uses
    /// (`GET /vN/Organizations/{organizationId}/LicensingInformation`).
    pub async fn organization_licensing(&self, organization_id: Uuid) -> Result<OrganizationLicensing, Error> {
        versioned!(send self.api(), get_organization_licensing, |op| op.organization_id(organization_id))
    }
}
