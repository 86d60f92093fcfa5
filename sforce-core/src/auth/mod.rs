//! Authentication: token providers used by the client.
