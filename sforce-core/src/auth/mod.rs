//! Authentication: access tokens, the providers that obtain them, and the [`Session`] the
//! client uses to cache and refresh them.
//!
//! - [`Secret`]: a string redacted in `Debug`/`Display`.
//! - [`AccessToken`]: a token, its instance URL, and its expiry when known.
//! - [`TokenProvider`]: how a token is obtained; [`StaticToken`] for a fixed one.
//! - [`Session`]: caches the token, refreshes it before a known expiry, and shares one refresh
//!   among all the requests that saw it rejected.

mod error;
mod provider;
mod secret;
mod session;
mod token;

pub use error::AuthError;
pub use provider::{StaticToken, TokenProvider};
pub use secret::Secret;
pub use session::{DEFAULT_REFRESH_MARGIN, Session};
pub use token::AccessToken;

#[cfg(test)]
mod session_tests;
