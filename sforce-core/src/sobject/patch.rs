//! Typed field tokens and [`Patch`], the typed partial write.

use std::fmt;
use std::marker::PhantomData;

use serde::Serialize;
use serde_json::{Map, Value};

use super::{EncodeError, SObject};
use crate::types::Field;

/// A typed token for a writable field of `S` whose values are `V`; generated as an associated
/// field of the generated `CallLog::FIELD` (`CallLog::FIELD.description`). For `Option<T>` and `Field<T>` fields,
/// `V` is `T`.
pub struct FieldRef<S, V> {
    api_name: &'static str,
    _marker: PhantomData<fn() -> (S, V)>,
}

impl<S, V> FieldRef<S, V> {
    #[doc(hidden)]
    pub const fn __new(api_name: &'static str) -> Self {
        FieldRef {
            api_name,
            _marker: PhantomData,
        }
    }

    /// The field's API name.
    pub const fn api_name(&self) -> &'static str {
        self.api_name
    }
}

impl<S, V> Clone for FieldRef<S, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S, V> Copy for FieldRef<S, V> {}

impl<S, V> fmt::Debug for FieldRef<S, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FieldRef({})", self.api_name)
    }
}

/// A typed token for an external ID field of `S` whose values are `V`; generated as an associated
/// field of `CallLog::FIELD` (`CallLog::FIELD.uuid`). Used as the key of [`Patch::upsert`].
pub struct ExternalIdRef<S, V> {
    api_name: &'static str,
    case_sensitive: bool,
    _marker: PhantomData<fn() -> (S, V)>,
}

impl<S, V> ExternalIdRef<S, V> {
    #[doc(hidden)]
    pub const fn __new(api_name: &'static str, case_sensitive: bool) -> Self {
        ExternalIdRef {
            api_name,
            case_sensitive,
            _marker: PhantomData,
        }
    }

    /// The field's API name.
    pub const fn api_name(&self) -> &'static str {
        self.api_name
    }

    /// Whether the field matches case-sensitively.
    pub const fn is_case_sensitive(&self) -> bool {
        self.case_sensitive
    }
}

impl<S, V> Clone for ExternalIdRef<S, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S, V> Copy for ExternalIdRef<S, V> {}

impl<S, V> fmt::Debug for ExternalIdRef<S, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExternalIdRef({})", self.api_name)
    }
}

/// A typed partial write of an `S`: each field is left unchanged (not mentioned), set, or set to
/// null. Field tokens are the generated [`FieldRef`] constants, so only writable fields of `S`
/// with values of the right type can be written.
///
/// ```no_run
/// # use sforce::{Client, Id, SObject};
/// # #[derive(SObject)]
/// # #[sobject(name = "Task")]
/// # struct CallLog {
/// #     #[external_id] #[sobject(rename = "uuid__c")] uuid: String,
/// #     status: Option<String>,
/// #     description: Option<String>,
/// # }
/// # async fn run(client: Client, id: Id) -> sforce::Result<()> {
/// let patch = CallLog::patch()
///     .set(CallLog::FIELD.status, "Completed")
///     .null(CallLog::FIELD.description);
/// patch.update(&client, &id).await?;            // PATCH Task/<id>
/// patch.upsert(&client, CallLog::FIELD.uuid, "K1").await?; // PATCH Task/uuid__c/K1
/// # Ok(()) }
/// ```
pub struct Patch<S> {
    body: Map<String, Value>,
    error: Option<EncodeError>,
    _marker: PhantomData<fn() -> S>,
}

impl<S: SObject> Patch<S> {
    /// An empty patch (every field unchanged).
    pub fn new() -> Self {
        Patch {
            body: Map::new(),
            error: None,
            _marker: PhantomData,
        }
    }

    /// Sets a field.
    pub fn set<V: Serialize>(mut self, field: FieldRef<S, V>, value: impl Into<V>) -> Self {
        match serde_json::to_value(value.into()) {
            Ok(v) => {
                self.body.insert(field.api_name.to_owned(), v);
            }
            Err(source) => {
                self.error.get_or_insert(EncodeError {
                    sobject: S::API_NAME,
                    field: field.api_name,
                    source: source.into(),
                });
            }
        }
        self
    }

    /// Sets a field to null (clears it).
    pub fn null<V>(mut self, field: FieldRef<S, V>) -> Self {
        self.body.insert(field.api_name.to_owned(), Value::Null);
        self
    }

    /// Applies a [`Field`] state: `Unchanged` removes the field from the patch.
    pub fn field<V: Serialize>(self, field: FieldRef<S, V>, value: Field<V>) -> Self {
        match value {
            Field::Unchanged => self.unchanged(field),
            Field::Null => self.null(field),
            Field::Set(v) => self.set(field, v),
        }
    }

    /// Leaves a field unchanged (removes it from the patch).
    pub fn unchanged<V>(mut self, field: FieldRef<S, V>) -> Self {
        self.body.shift_remove(field.api_name);
        self
    }

    /// Whether no field is written.
    pub fn is_empty(&self) -> bool {
        self.body.is_empty()
    }

    /// The body to send, or the first value that failed to serialize.
    pub fn body(&self) -> Result<&Map<String, Value>, EncodeError> {
        match &self.error {
            Some(e) => Err(e.clone()),
            None => Ok(&self.body),
        }
    }
}

impl<S: SObject> Default for Patch<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S> Clone for Patch<S> {
    fn clone(&self) -> Self {
        Patch {
            body: self.body.clone(),
            error: self.error.clone(),
            _marker: PhantomData,
        }
    }
}

impl<S: SObject> fmt::Debug for Patch<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Patch")
            .field("sobject", &S::API_NAME)
            .field("body", &self.body)
            .finish()
    }
}

/// Serializes as the body map. A value that failed to serialize is reported as a serde error.
impl<S> Serialize for Patch<S> {
    fn serialize<Ser: serde::Serializer>(&self, serializer: Ser) -> Result<Ser::Ok, Ser::Error> {
        if let Some(e) = &self.error {
            return Err(serde::ser::Error::custom(e));
        }
        self.body.serialize(serializer)
    }
}
