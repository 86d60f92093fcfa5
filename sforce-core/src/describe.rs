//! The describe model: serde types for `sobjects/{name}/describe` and the global describe.
