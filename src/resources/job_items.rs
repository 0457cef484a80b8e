//! What a backup job selects: users, groups, sites and teams, each with
//! the parts of it the job processes (API v6 and v8).

use uuid::Uuid;

use super::paging::Pages;
use crate::Client;
use crate::api::versioned;
use crate::types::JobItem;

impl Client {
    /// Every item a backup job selects (`GET /vN/Jobs/{jobId}/SelectedItems`),
    /// as a stream: API v8 answers in pages of `page_size` (1 to
    /// [`crate::MAX_PAGE_SIZE`]), which the stream walks; v6 answers at once.
    /// The successor of the v1 [`Client::job_selected_mailboxes`].
    #[inline]
    pub fn job_selected_items(&self, job_id: Uuid, page_size: u32) -> Pages<JobItem> {
        versioned!(pages self, list_job_selected_items, page_size, |op| op.job_id(job_id))
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
