//! Which fields may key an upsert, as Salesforce decides it: fields marked External ID
//! (`externalId`), and fields with the `idLookup` property (on standard objects: `Email` on
//! Contact and Lead, `Name` on Account, `CaseNumber`, `Username`, ...); in sObject Collections
//! also `Id` (a record without an Id is created). Matching follows the field's `caseSensitive`.
//!
//! Every write path resolves its key field here: single-record REST
//! (`PATCH /sobjects/{S}/{field}/{value}`), collections and bulk.

use sforce_core::describe::{FieldDescribe, FieldType, SObjectDescribe};

use crate::api_error::ApiError;

/// Where an upsert key is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyUse {
    /// `PATCH /sobjects/{S}/{field}/{value}` and reads by external ID. `Id` is handled by
    /// its own path there (an update by Id).
    SingleRecord,
    /// `PATCH /composite/sobjects/{S}/{field}` and Bulk API upserts, where `Id` keys too.
    Collection,
}

/// Whether `field` may key an upsert.
pub(crate) fn is_upsert_key(field: &FieldDescribe, usage: KeyUse) -> bool {
    if field.field_type == FieldType::Id {
        return usage == KeyUse::Collection || field.name.eq_ignore_ascii_case("Id");
    }
    field.external_id || field.id_lookup
}

/// The field `name` of `describe` if it may key an upsert; else 404 NOT_FOUND "Provided
/// external ID field does not exist or is not accessible: <name>", as Salesforce answers.
pub(crate) fn upsert_key_field<'d>(
    describe: &'d SObjectDescribe,
    name: &str,
    usage: KeyUse,
) -> Result<&'d FieldDescribe, ApiError> {
    describe
        .field(name)
        .filter(|f| is_upsert_key(f, usage))
        .ok_or_else(|| ApiError::unknown_external_id_field(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::builtin_describes;

    #[test]
    fn standard_objects_key_on_id_lookup_fields() {
        let all = builtin_describes();
        let get = |n: &str| all.iter().find(|d| d.name == n).unwrap();
        let contact = get("Contact");
        assert!(upsert_key_field(contact, "email", KeyUse::SingleRecord).is_ok());
        assert!(upsert_key_field(contact, "Phone", KeyUse::SingleRecord).is_err());
        assert!(upsert_key_field(get("Case"), "CaseNumber", KeyUse::SingleRecord).is_ok());
        assert!(upsert_key_field(get("Task"), "uuid__c", KeyUse::Collection).is_ok());
        assert!(upsert_key_field(get("Task"), "Id", KeyUse::Collection).is_ok());
    }
}
