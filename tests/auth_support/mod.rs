//! Helpers shared by the auth test binaries: flow builders preset with the emulator's default
//! OAuth credentials and its login URL, a client whose instance URL comes from the token
//! response, and an Account create that proves a token works on the REST API.

// Each test binary uses only some of these.
#![allow(dead_code)]

use std::sync::Arc;

use serde_json::json;
use sforce::auth::{
    ClientCredentials, ClientCredentialsBuilder, JwtBearer, JwtBearerBuilder, RefreshToken,
    RefreshTokenBuilder, TokenProvider, UsernamePassword, UsernamePasswordBuilder,
};
use sforce::client::Client;
use sforce::emulator::oauth::{
    DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN, DEFAULT_USERNAME,
};
use sforce::error::Error;

/// JWT bearer for the default client and user at `login_url`; the key is left to the caller.
pub fn jwt(login_url: &str) -> JwtBearerBuilder {
    JwtBearer::builder()
        .client_id(DEFAULT_CLIENT_ID)
        .username(DEFAULT_USERNAME)
        .login_url(login_url)
}

/// Client credentials with the default consumer key and secret at `login_url`.
pub fn client_credentials(login_url: &str) -> ClientCredentialsBuilder {
    ClientCredentials::builder()
        .client_id(DEFAULT_CLIENT_ID)
        .client_secret(DEFAULT_CLIENT_SECRET)
        .login_url(login_url)
}

/// Refresh token flow with the default consumer key and refresh token at `login_url` (no
/// consumer secret: the emulator does not require one for refresh).
pub fn refresh_token(login_url: &str) -> RefreshTokenBuilder {
    RefreshToken::builder()
        .client_id(DEFAULT_CLIENT_ID)
        .refresh_token(DEFAULT_REFRESH_TOKEN)
        .login_url(login_url)
}

/// Username-password with the default consumer key and secret at `login_url`; the user and
/// password are left to the caller.
pub fn username_password(login_url: &str) -> UsernamePasswordBuilder {
    UsernamePassword::builder()
        .client_id(DEFAULT_CLIENT_ID)
        .client_secret(DEFAULT_CLIENT_SECRET)
        .login_url(login_url)
}

/// A client with no instance URL: it comes from the token response.
pub fn client(provider: Arc<dyn TokenProvider>) -> Client {
    Client::builder()
        .shared_token_provider(provider)
        .build()
        .expect("client builds")
}

/// Creates an Account through `client`: proves the token works on the REST API.
pub async fn create_account(client: &Client, name: &str) -> Result<(), Error> {
    client
        .create("Account", &json!({ "Name": name }))
        .await
        .map(|_| ())
}

/// A `tracing` writer appending everything to a shared buffer (to search logs for secrets).
#[derive(Clone, Default)]
pub struct Capture(pub Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}
