//! Authentication: access tokens, the providers that obtain them, and the [`Session`] the
//! client uses to cache and refresh them.
//!
//! - [`Secret`]: a string redacted in `Debug`/`Display`.
//! - [`AccessToken`]: a token, its instance URL, and its expiry when known.
//! - [`TokenProvider`]: how a token is obtained. Implementations: [`StaticToken`],
//!   [`JwtBearer`], [`ClientCredentials`], [`RefreshToken`], [`UsernamePassword`] (being
//!   retired by Salesforce), [`SfCli`] (the Salesforce CLI). [`from_env`] picks one from
//!   environment variables.
//! - [`Session`]: caches the token, refreshes it before a known expiry, and shares one refresh
//!   among all the requests that saw it rejected.

mod cli;
mod client_credentials;
mod endpoint;
mod env;
mod error;
mod jwt;
mod login;
mod password;
mod provider;
mod refresh;
mod secret;
mod session;
mod token;

pub use cli::SfCli;
pub use client_credentials::{ClientCredentials, ClientCredentialsBuilder};
pub use endpoint::{PRODUCTION_LOGIN_URL, SANDBOX_LOGIN_URL, TOKEN_PATH};
pub use env::{EnvAuth, from_env, from_lookup};
pub use error::AuthError;
pub use jwt::{JwtBearer, JwtBearerBuilder};
pub use password::{UsernamePassword, UsernamePasswordBuilder};
pub use provider::{StaticToken, TokenProvider};
pub use refresh::{RefreshToken, RefreshTokenBuilder};
pub use secret::Secret;
pub use session::{DEFAULT_FAILURE_COOLDOWN, DEFAULT_REFRESH_MARGIN, Session, SessionPolicy};
pub use token::AccessToken;

#[cfg(test)]
mod session_tests;
