//! The plan model: the field catalogue, typed values and plans.

pub mod catalogue;
pub mod plan;
pub mod value;
pub mod weekdays;

pub use catalogue::{FieldDef, FieldId, Kind, FIELDS};
pub use plan::{FieldSet, Plan, PlanOrigin};
pub use value::{BackupObject, Slot, Value};
pub use weekdays::Weekdays;
