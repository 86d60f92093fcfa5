//! The REST client.
