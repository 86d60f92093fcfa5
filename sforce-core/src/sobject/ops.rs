//! Generic operations the generated inherent methods call (through `sforce::__private`).

use super::ExternalIdValue;

/// Compile-time check emitted by the derive for each `#[external_id]` field, spanned at the
/// field's type so a misuse is reported there.
#[doc(hidden)]
#[inline(always)]
pub const fn __assert_external_id<T: ExternalIdValue + ?Sized>() {}
