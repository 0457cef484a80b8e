//! What one backup job selects and leaves out.
//!
//! The seeded job's selection may be huge (the streaming benchmark asks for
//! 200,000 items), so its items are made on demand: the recorded ones, then
//! generated users of the same shape. What requests change is kept beside
//! them: the generated items removed, the items added, and the exclusions.

use std::collections::BTreeSet;

use serde_json::Value;
use uuid::Uuid;

use crate::types::JobItem;

#[derive(Debug, Default)]
pub(crate) struct Selection {
    /// v1 mailboxes: the recorded ones, then generated up to `count`.
    pub(crate) recorded: Vec<Value>,
    pub(crate) count: usize,
    /// v6 and v8 items: the recorded ones, then generated up to `item_count`.
    pub(crate) recorded_items: Vec<JobItem>,
    pub(crate) item_count: usize,
    /// The organization the generated mailboxes link to.
    pub(crate) organization_id: Uuid,
    /// Generated or recorded items (by index) removed since.
    pub(crate) removed: BTreeSet<usize>,
    /// Items added since, after the generated ones.
    pub(crate) added: Vec<JobItem>,
    /// What the job leaves out.
    pub(crate) excluded: Vec<JobItem>,
}

impl Selection {
    /// A job that selects `items` (and nothing generated).
    pub(crate) fn of(items: Vec<JobItem>, excluded: Vec<JobItem>) -> Self {
        Self { added: items, excluded, ..Self::default() }
    }

    /// Item `index` of the generated sequence: a recorded one, else a
    /// generated user with a mailbox.
    pub(crate) fn item(&self, index: usize) -> JobItem {
        if let Some(recorded) = self.recorded_items.get(index) {
            return recorded.clone();
        }
        let user_id = Uuid::from_u128(0x5e1e_c7ed_0000_4000_8000_0000_0000_0000 | index as u128);
        let org = format!("/v6/organizations/{}", self.organization_id);
        let value = serde_json::json!({
            "id": generated_id(index),
            "type": "User",
            "mailbox": true,
            "archiveMailbox": index.is_multiple_of(3),
            "oneDrive": true,
            "personalSite": false,
            "user": {
                "id": user_id,
                "eTag": 1,
                "displayName": format!("User {index:06}"),
                "name": format!("user{index:06}@eastsupport.onmicrosoft.com"),
                "type": "User",
                "locationType": "Cloud",
                "msid": user_id,
                "dataLocation": "EUR",
                "_links": {"self": {"href": format!("{org}/users/{user_id}")}},
            },
        });
        serde_json::from_value(value).unwrap_or_else(|_| self.recorded_items.first().cloned().unwrap_or_default())
    }

    /// How many items the job selects now.
    pub(crate) fn len(&self) -> usize {
        self.item_count - self.removed.len() + self.added.len()
    }

    /// The selected item at `position` of the current list.
    pub(crate) fn nth(&self, position: usize) -> Option<JobItem> {
        let generated = self.item_count - self.removed.len();
        if position >= generated {
            return self.added.get(position - generated).cloned();
        }
        // The position-th index that was not removed.
        let mut index = position;
        for removed in &self.removed {
            if *removed <= index {
                index += 1;
            } else {
                break;
            }
        }
        Some(self.item(index))
    }

    /// Every selected item (for the small selections requests change).
    pub(crate) fn items(&self) -> Vec<JobItem> {
        (0..self.len()).filter_map(|i| self.nth(i)).collect()
    }

    /// The selected item with ID `id` within the job.
    pub(crate) fn find(&self, id: &str) -> Option<JobItem> {
        if let Some(item) = self.added.iter().find(|i| i.id.as_deref() == Some(id)) {
            return Some(item.clone());
        }
        self.generated_index(id).map(|index| self.item(index))
    }

    /// Removes the selected item with ID `id`; whether there was one.
    pub(crate) fn remove(&mut self, id: &str) -> bool {
        if let Some(at) = self.added.iter().position(|i| i.id.as_deref() == Some(id)) {
            self.added.remove(at);
            return true;
        }
        match self.generated_index(id) {
            Some(index) => self.removed.insert(index),
            None => false,
        }
    }

    /// Replaces the selected item with `item`'s ID; whether there was one.
    /// A generated item that changes becomes an added one.
    pub(crate) fn replace(&mut self, item: JobItem) -> bool {
        let id = item.id.clone().unwrap_or_default();
        if let Some(slot) = self.added.iter_mut().find(|i| i.id.as_deref() == Some(id.as_str())) {
            *slot = item;
            return true;
        }
        if self.remove(&id) {
            self.added.push(item);
            return true;
        }
        false
    }

    /// The index in the generated sequence of the live item `id`.
    fn generated_index(&self, id: &str) -> Option<usize> {
        let recorded = self.recorded_items.iter().take(self.item_count).position(|i| i.id.as_deref() == Some(id));
        let generated = || {
            let hex = id.strip_suffix(GENERATED_SUFFIX)?;
            usize::from_str_radix(hex, 16).ok().filter(|i| *i >= self.recorded_items.len() && *i < self.item_count)
        };
        recorded.or_else(generated).filter(|index| !self.removed.contains(index))
    }

    /// Mailbox `index` as the v1 API writes it (`isBackedUp` as a string).
    pub(crate) fn mailbox(&self, index: usize) -> Value {
        if let Some(recorded) = self.recorded.get(index) {
            return recorded.clone();
        }
        let id = Uuid::from_u128(0x5e1e_c7ed_0000_4000_8000_0000_0000_0000 | index as u128);
        let org = format!("/v1/Organizations/{}", self.organization_id);
        serde_json::json!({
            "id": id,
            "email": format!("user{index:06}@eastsupport.onmicrosoft.com"),
            "name": format!("User {index:06}"),
            "isBackedUp": if index.is_multiple_of(7) { "false" } else { "true" },
            "_links": {
                "self": {"href": format!("{org}/Mailboxes/{id}")},
                "organization": {"href": org},
            },
        })
    }
}

const GENERATED_SUFFIX: &str = "-0000-4000-8000-5e1ec7ed0000";

/// The ID within the job of generated item `index`.
fn generated_id(index: usize) -> String {
    format!("{index:08x}{GENERATED_SUFFIX}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated(count: usize) -> Selection {
        Selection { item_count: count, ..Selection::default() }
    }

    #[test]
    fn removed_items_leave_the_list_and_added_ones_follow_it() {
        let mut selection = generated(5);
        assert!(selection.remove(&generated_id(1)));
        assert!(!selection.remove(&generated_id(1)), "already gone");
        assert!(!selection.remove(&generated_id(7)), "never there");
        let added = JobItem { id: Some("new".into()), ..JobItem::default() };
        selection.added.push(added);
        let ids: Vec<String> = selection.items().into_iter().filter_map(|i| i.id).collect();
        assert_eq!(ids, [generated_id(0), generated_id(2), generated_id(3), generated_id(4), "new".into()]);
        assert_eq!(selection.len(), 5);
        assert!(selection.find(&generated_id(1)).is_none());
    }

    #[test]
    fn a_changed_generated_item_keeps_its_id() {
        let mut selection = generated(3);
        let mut item = selection.find(&generated_id(0)).unwrap();
        item.mailbox = Some(false);
        assert!(selection.replace(item));
        assert_eq!(selection.find(&generated_id(0)).unwrap().mailbox, Some(false));
        assert_eq!(selection.len(), 3);
    }
}
