//! What a job file says: one organization and the jobs it should have.
//!
//! ```yaml
//! organization: contoso.onmicrosoft.com
//! jobs:
//!   - name: Contoso Exchange
//!     repository: Repo 1
//!     schedule: daily 22:00
//!     select:
//!       - user: alice@contoso.com
//!       - group: Finance
//!         process: [members]
//!     exclude:
//!       - user: ceo@contoso.com
//! ```
//!
//! The file is read from JSON values (a YAML reader gives one), so that
//! every problem can name the place it is at as a JSON pointer, which the
//! reader turns into a line.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::{JobItemPart, Schedule};

/// One file: an organization, by name or ID, and its jobs.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct JobsSpec {
    /// The organization's name (`contoso.onmicrosoft.com`) or ID.
    pub organization: String,
    /// Its jobs. Jobs the organization has that are not named here are
    /// left alone unless pruned.
    #[serde(default)]
    pub jobs: Vec<JobSpec>,
}

/// One job as it should be. What is left out (schedule, description,
/// enabled) stays as the server has it; what it selects and excludes is
/// stated whole.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct JobSpec {
    /// The job's name; jobs are matched by it.
    pub name: String,
    /// The repository's name or ID; it must belong to the organization or
    /// to none.
    pub repository: String,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the job runs on its schedule (a new job: yes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// `daily 22:00`, `workdays 06:30`, `periodically 1h`, `manual` (a new
    /// job: manual).
    #[serde(
        default,
        deserialize_with = "schedule",
        serialize_with = "as_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub schedule: Option<Schedule>,
    /// `entire-organization`, or a list of items.
    pub select: SelectSpec,
    /// Items to leave out of what is selected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<ItemSpec>,
}

/// What a job selects.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SelectSpec {
    /// Everything in the organization (`select: entire-organization`).
    EntireOrganization,
    /// These items.
    Items(Vec<ItemSpec>),
}

/// One item: exactly one of `user`, `group`, `site`, `team`, and the parts
/// to process (by default everything its type has but team chats).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ItemSpec {
    /// A user by sign-in name, display name or ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// A group by name, e-mail name or ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// A site by URL or ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// A team by name, e-mail address or ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// The parts to process: `mailbox`, `archive`, `onedrive`, `sites`,
    /// `members`, `teams-chats`.
    #[serde(default, deserialize_with = "parts", skip_serializing_if = "Option::is_none")]
    pub process: Option<Vec<JobItemPart>>,
}

impl ItemSpec {
    /// The one object the item names, as (`user`, name); `None` when it
    /// names none or several.
    pub fn object(&self) -> Option<(&'static str, &str)> {
        let named: Vec<(&'static str, &str)> =
            [("user", &self.user), ("group", &self.group), ("site", &self.site), ("team", &self.team)]
                .into_iter()
                .filter_map(|(key, value)| value.as_deref().map(|v| (key, v)))
                .collect();
        match named.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }
}

/// A problem with a file before anything is sent: where it is (a JSON
/// pointer into the file) and what it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pointer}: {message}")]
pub struct SpecError {
    /// Where: `/jobs/1/select/0/user`.
    pub pointer: String,
    /// What: `unknown field `users``.
    pub message: String,
}

impl JobsSpec {
    /// Reads a file's value, checking every key and that each item names
    /// one object.
    pub fn from_value(value: Value) -> Result<Self, SpecError> {
        let spec: Self = serde_path_to_error::deserialize(value).map_err(|e| {
            let mut pointer = pointer(e.path());
            let message = e.into_inner().to_string();
            // An unknown key is found in its object: point at the key itself.
            let unknown = message.strip_prefix("unknown field `").and_then(|rest| rest.split_once('`'));
            if let Some((key, _)) = unknown.filter(|(key, _)| !pointer.ends_with(&format!("/{key}"))) {
                pointer.push_str(&format!("/{key}"));
            }
            SpecError { pointer, message }
        })?;
        for (j, job) in spec.jobs.iter().enumerate() {
            let items = match &job.select {
                SelectSpec::Items(items) => items.as_slice(),
                SelectSpec::EntireOrganization => &[],
            };
            let lists = [("select", items), ("exclude", job.exclude.as_slice())];
            for (list, items) in lists {
                for (i, item) in items.iter().enumerate() {
                    if item.object().is_none() {
                        return Err(SpecError {
                            pointer: format!("/jobs/{j}/{list}/{i}"),
                            message: String::from("an item names exactly one of user, group, site or team"),
                        });
                    }
                }
            }
        }
        Ok(spec)
    }
}

/// The JSON pointer of a serde path (`jobs[1].select[0].user` →
/// `/jobs/1/select/0/user`).
fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => pointer.push_str(&format!("/{}", key.replace('~', "~0").replace('/', "~1"))),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

impl<'de> Deserialize<'de> for SelectSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A visitor rather than an untagged enum, so that a problem inside
        // an item keeps its own message and place.
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = SelectSpec;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("entire-organization, or a list of items")
            }

            fn visit_str<E: serde::de::Error>(self, word: &str) -> Result<SelectSpec, E> {
                if word == "entire-organization" {
                    return Ok(SelectSpec::EntireOrganization);
                }
                Err(E::custom(format!("`{word}` is not a selection: write entire-organization, or a list of items")))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<SelectSpec, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<ItemSpec>()? {
                    items.push(item);
                }
                Ok(SelectSpec::Items(items))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl Serialize for SelectSpec {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::EntireOrganization => serializer.serialize_str("entire-organization"),
            Self::Items(items) => items.serialize(serializer),
        }
    }
}

fn schedule<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Schedule>, D::Error> {
    let text = Option::<String>::deserialize(deserializer)?;
    text.map(|t| t.parse().map_err(serde::de::Error::custom)).transpose()
}

fn as_text<S: serde::Serializer>(schedule: &Option<Schedule>, serializer: S) -> Result<S::Ok, S::Error> {
    schedule.as_ref().map(ToString::to_string).serialize(serializer)
}

fn parts<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<JobItemPart>>, D::Error> {
    let names = Option::<Vec<String>>::deserialize(deserializer)?;
    names.map(|names| names.iter().map(|n| n.parse().map_err(serde::de::Error::custom)).collect()).transpose()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn read(value: Value) -> Result<JobsSpec, SpecError> {
        JobsSpec::from_value(value)
    }

    #[test]
    fn a_file_reads_with_its_defaults() {
        let spec = read(json!({
            "organization": "contoso.onmicrosoft.com",
            "jobs": [
                {"name": "A", "repository": "Repo 1", "schedule": "daily 22:00",
                 "select": [{"user": "alice@contoso.com"}, {"group": "Finance", "process": ["members"]}],
                 "exclude": [{"user": "ceo@contoso.com"}]},
                {"name": "B", "repository": "Repo 1", "select": "entire-organization"}
            ]
        }))
        .unwrap();
        assert_eq!(spec.jobs[0].schedule, Some(Schedule::daily(22, 0)));
        let SelectSpec::Items(items) = &spec.jobs[0].select else { panic!() };
        assert_eq!(items[1].process, Some(vec![JobItemPart::Members]));
        assert_eq!(items[0].object(), Some(("user", "alice@contoso.com")));
        assert_eq!(spec.jobs[1].select, SelectSpec::EntireOrganization);
        assert_eq!(spec.jobs[1].enabled, None);
    }

    #[test]
    fn problems_name_their_place() {
        let unknown = read(
            json!({"organization": "o", "jobs": [{"name": "A", "repository": "R", "select": [], "schedulle": "x"}]}),
        );
        let error = unknown.unwrap_err();
        assert_eq!(error.pointer, "/jobs/0/schedulle", "{error}");
        assert!(error.message.contains("unknown field `schedulle`"), "{error}");

        let schedule = read(
            json!({"organization": "o", "jobs": [{"name": "A", "repository": "R", "select": [], "schedule": "hourly"}]}),
        );
        assert_eq!(schedule.unwrap_err().pointer, "/jobs/0/schedule");

        let part = read(
            json!({"organization": "o", "jobs": [{"name": "A", "repository": "R", "select": [{"user": "u", "process": ["calendar"]}]}]}),
        );
        let error = part.unwrap_err();
        assert_eq!(error.pointer, "/jobs/0/select/0/process");
        assert!(error.message.contains("`calendar` is not a part"), "{error}");

        let two = read(
            json!({"organization": "o", "jobs": [{"name": "A", "repository": "R", "select": [{"user": "u", "group": "g"}]}]}),
        );
        assert_eq!(two.unwrap_err().pointer, "/jobs/0/select/0");

        let word =
            read(json!({"organization": "o", "jobs": [{"name": "A", "repository": "R", "select": "everything"}]}));
        assert_eq!(word.unwrap_err().pointer, "/jobs/0/select");
    }
}
