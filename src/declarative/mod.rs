//! Backup jobs as code: files that say which jobs each organization should
//! have and what they select, a plan of what differs on the server, and
//! applying it, as Terraform does for clouds.
//!
//! ```no_run
//! # async fn run(client: vb365::Client, value: serde_json::Value) -> Result<(), Box<dyn std::error::Error>> {
//! use vb365::declarative::{Document, JobsSpec, PlanOptions};
//! let spec = JobsSpec::from_value(value)?;
//! let documents = [Document { file: "contoso.yaml".into(), spec }];
//! let plan = client.plan(&documents, PlanOptions::default()).await?;
//! for organization in &plan.organizations {
//!     for action in &organization.actions {
//!         println!("{}", action.text());
//!     }
//!     client.apply(organization).await?;
//! }
//! # Ok(()) }
//! ```
//!
//! Files are read from JSON values, so that any format works and every
//! problem names its place as a JSON pointer; the `vb365` command line
//! reads YAML and turns the pointer into a line.

mod apply;
mod plan;
mod spec;

pub use apply::ApplyError;
pub use plan::{Action, Change, Document, FieldChange, ItemList, OrganizationPlan, Plan, PlanError, PlanOptions};
pub use spec::{ItemSpec, JobSpec, JobsSpec, SelectSpec, SpecError};
