//! Who may write where a restore puts data back.

use std::fmt;

use uuid::Uuid;

use crate::Secret;
use crate::types::{
    BulkMailboxRestore, CopyToOneDrive, RestoreToMailbox, RestoreToOriginalMailbox, RestoreToOriginalOneDrive,
};

/// The account or Azure AD application a restore writes with. Every secret
/// in it is a [`Secret`]: `Debug` shows who, never the password or the
/// certificate.
#[derive(Clone)]
pub enum RestoreCredentials {
    /// A Microsoft 365 account and its password.
    User {
        /// The account's user name (`admin@contoso.onmicrosoft.com`).
        name: String,
        /// Its password.
        password: Secret,
    },
    /// An Azure AD application and its certificate.
    Application {
        /// The application's ID.
        id: Uuid,
        /// The certificate with its private key: a PFX file, Base64.
        certificate: Secret,
        /// The PFX file's password.
        certificate_password: Secret,
        /// The account the application acts as, where the server needs one.
        impersonate: Option<String>,
    },
}

impl RestoreCredentials {
    /// An account and its password.
    pub fn user(name: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self::User { name: name.into(), password: password.into() }
    }

    /// An application with its certificate as the bytes of a PFX file
    /// (encoded to Base64 here, as the server takes it).
    pub fn application(id: Uuid, pfx: &[u8], pfx_password: impl Into<Secret>) -> Self {
        Self::Application {
            id,
            certificate: Secret::new(base64(pfx)),
            certificate_password: pfx_password.into(),
            impersonate: None,
        }
    }

    /// The account an application acts as.
    pub fn impersonating(mut self, account: impl Into<String>) -> Self {
        if let Self::Application { impersonate, .. } = &mut self {
            *impersonate = Some(account.into());
        }
        self
    }

    /// Writes these credentials into a restore to another mailbox.
    pub(crate) fn apply(&self, body: &mut RestoreToMailbox) {
        fill!(self, body);
    }

    /// Writes these credentials into a copy to a OneDrive (which takes no
    /// account to impersonate).
    pub(crate) fn apply_onedrive(&self, body: &mut CopyToOneDrive) {
        without_impersonation!(self.to_original(), body);
    }

    /// These credentials as the body of a OneDrive restore to where the
    /// data was (which takes no account to impersonate either).
    pub(crate) fn to_original_onedrive(&self) -> RestoreToOriginalOneDrive {
        let mut body = RestoreToOriginalOneDrive::default();
        without_impersonation!(self.to_original(), body);
        body
    }

    /// These credentials in the body of a restore of several mailboxes,
    /// which names the account's fields for Microsoft 365.
    pub(crate) fn to_bulk(&self) -> BulkMailboxRestore {
        let given = self.to_original();
        BulkMailboxRestore {
            office365_user_name: given.user_name,
            office365_user_password: given.user_password,
            application_id: given.application_id,
            application_certificate: given.application_certificate,
            application_certificate_password: given.application_certificate_password,
            impersonation_account_name: given.impersonation_account_name,
            ..BulkMailboxRestore::default()
        }
    }

    /// These credentials as the body of a restore to where the data was.
    pub(crate) fn to_original(&self) -> RestoreToOriginalMailbox {
        let mut body = RestoreToOriginalMailbox::default();
        fill!(self, body);
        body
    }
}

/// Sets the credential fields, which every restore body names alike.
macro_rules! fill {
    ($credentials:expr, $body:expr) => {
        match $credentials {
            RestoreCredentials::User { name, password } => {
                $body.user_name = Some(name.clone());
                $body.user_password = Some(password.clone());
            }
            RestoreCredentials::Application { id, certificate, certificate_password, impersonate } => {
                $body.application_id = Some(*id);
                $body.application_certificate = Some(certificate.clone());
                $body.application_certificate_password = Some(certificate_password.clone());
                $body.impersonation_account_name = impersonate.clone();
            }
        }
    };
}
use fill;

/// Copies the credential fields but the account to impersonate, which
/// OneDrive bodies do not take.
macro_rules! without_impersonation {
    ($given:expr, $body:expr) => {{
        let given = $given;
        $body.user_name = given.user_name;
        $body.user_password = given.user_password;
        $body.application_id = given.application_id;
        $body.application_certificate = given.application_certificate;
        $body.application_certificate_password = given.application_certificate_password;
    }};
}
use without_impersonation;

impl fmt::Debug for RestoreCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::User { name, password } => {
                f.debug_struct("User").field("name", name).field("password", password).finish()
            }
            Self::Application { id, certificate, certificate_password, impersonate } => f
                .debug_struct("Application")
                .field("id", id)
                .field("certificate", certificate)
                .field("certificate_password", certificate_password)
                .field("impersonate", impersonate)
                .finish(),
        }
    }
}

/// Standard Base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> shift & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads_as_the_standard_does() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xfb, 0xff]), "+/8=");
    }

    #[test]
    fn debug_names_who_and_hides_every_secret() {
        let user = RestoreCredentials::user("operator@contoso.com", "hunter2-password");
        let app = RestoreCredentials::application(Uuid::nil(), b"private-key-bytes", "pfx-password")
            .impersonating("operator@contoso.com");
        let printed = format!("{user:?} {app:?}");
        assert!(printed.contains("operator@contoso.com"), "{printed}");
        for secret in ["hunter2-password", "pfx-password", &base64(b"private-key-bytes")] {
            assert!(!printed.contains(secret), "{secret} printed in {printed}");
        }
    }
}
