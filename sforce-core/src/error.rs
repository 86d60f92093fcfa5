//! The error type.
