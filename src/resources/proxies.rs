//! Backup proxies: the computers that read Microsoft 365 and write the
//! repositories.

use uuid::Uuid;

use super::paging::Pages;
use crate::api::versioned;
use crate::types::Proxy;
use crate::{Client, Error};

impl Client {
    /// Every backup proxy, as a stream: API v8 answers in pages
    /// (`GET /v8/Proxies`), v6 at once (`GET /v6/Proxies?extendedView=true`).
    #[inline]
    pub fn proxies(&self) -> Pages<Proxy> {
        versioned!(pages self, list_proxies, self.config().page_size, v8: |op| op, v6: |op| op.extended_view(true))
    }

    /// One backup proxy (`GET /vN/Proxies/{proxyId}`).
    pub async fn get_proxy(&self, proxy_id: Uuid) -> Result<Proxy, Error> {
        versioned!(send self.api(), get_proxy,
            v8: |op| op.proxy_id(proxy_id),
            v6: |op| op.proxy_id(proxy_id).extended_view(true))
    }
}
