//! What a backup job selects: users, groups, sites and teams, each with
//! the parts of it the job processes (API v6 and v8).

use uuid::Uuid;

use super::organizations::offset_i32;
use super::paging::{Page, Pages};
use crate::request::call::call;
use crate::types::JobItem;
use crate::{ApiVersion, Client};

impl Client {
    /// Every item a backup job selects (`GET /vN/Jobs/{jobId}/SelectedItems`),
    /// as a stream: API v8 answers in pages of `page_size` (1 to
    /// [`crate::MAX_PAGE_SIZE`]), which the stream walks; v6 answers at once.
    /// The successor of the v1 [`Client::job_selected_mailboxes`].
    pub fn job_selected_items(&self, job_id: Uuid, page_size: u32) -> Pages<JobItem> {
        let client = self.clone();
        match self.state().versions.choose("list_job_selected_items", &[ApiVersion::V6, ApiVersion::V8], None) {
            Err(e) => Pages::failed("list_job_selected_items", e),
            Ok(ApiVersion::V8) => Pages::new("list_job_selected_items_v8", page_size, move |request| {
                let client = client.clone();
                Box::pin(async move {
                    const OPERATION: &str = "list_job_selected_items_v8";
                    let (offset, limit) = request.checked(OPERATION)?;
                    let send = client
                        .api()
                        .list_job_selected_items_v8()
                        .job_id(job_id)
                        .offset(offset_i32(OPERATION, offset)?)
                        .limit(limit)
                        .send();
                    let page = call(client.state(), OPERATION, Box::pin(send)).await?;
                    let links = page.links.map(|links| links.next.is_some());
                    Ok(Page { offset: page.offset.into(), limit: page.limit.into(), items: page.results, links })
                })
            }),
            Ok(_) => Pages::single("list_job_selected_items", move || {
                Box::pin(async move {
                    let send = client.api().list_job_selected_items().job_id(job_id).send();
                    call(client.state(), "list_job_selected_items", Box::pin(send)).await
                })
            }),
        }
    }
}

impl JobItem {
    /// The name of what the item selects: the display name of its user,
    /// group or team, or the title (else URL) of its site.
    pub fn name(&self) -> Option<&str> {
        let user = self.user.as_ref().and_then(|u| u.display_name.as_deref().or(u.name.as_deref()));
        let group = self.group.as_ref().and_then(|g| g.display_name.as_deref().or(g.name.as_deref()));
        let team = self.team.as_ref().map(|t| t.display_name.as_str());
        let site = self.site.as_ref().map(|s| if s.title.is_empty() { s.url.as_str() } else { s.title.as_str() });
        user.or(group).or(team).or(site)
    }
}
