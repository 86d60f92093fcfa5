//! [`ReadOnlyRef`], the typed token of a read-only field (the Id, `#[sobject(read_only)]`):
//! usable in query filters and ordering, never in a [`Patch`](super::Patch).

use std::fmt;
use std::marker::PhantomData;

/// A typed token for a read-only field of `S` whose values are `V` (`CallLog::FIELD.id`,
/// `CallLog::FIELD.created_date`): it can be filtered and ordered on in a typed query, and has
/// no place in a write.
pub struct ReadOnlyRef<S, V> {
    api_name: &'static str,
    _marker: PhantomData<fn() -> (S, V)>,
}

impl<S, V> ReadOnlyRef<S, V> {
    #[doc(hidden)]
    pub const fn __new(api_name: &'static str) -> Self {
        ReadOnlyRef {
            api_name,
            _marker: PhantomData,
        }
    }

    /// The field's API name.
    pub const fn api_name(&self) -> &'static str {
        self.api_name
    }
}

impl<S, V> Clone for ReadOnlyRef<S, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S, V> Copy for ReadOnlyRef<S, V> {}

impl<S, V> fmt::Debug for ReadOnlyRef<S, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReadOnlyRef({})", self.api_name)
    }
}
