//! The Task shape of the bulk examples (`bulk`, `bulk_bench`), included by both with `#[path]`.

use sforce::SObject;

/// A Task keyed by the external ID `uuid__c`.
#[derive(Debug, Clone, SObject)]
#[sobject(name = "Task")]
pub struct CallLog {
    #[external_id]
    #[sobject(rename = "uuid__c")]
    pub uuid: String,
    pub subject: Option<String>,
    pub status: Option<String>,
    pub call_duration_in_seconds: Option<i32>,
}
