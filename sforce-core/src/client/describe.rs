//! Describe operations.

use reqwest::Method;

use super::Client;
use super::path::check_name;
use super::request::Call;
use crate::describe::{GlobalDescribe, SObjectDescribe};
use crate::error::Result;

impl Client {
    /// Describes one sObject: `GET /sobjects/{sobject}/describe`.
    ///
    /// Unknown keys and field types are kept (see [`crate::describe`]).
    pub async fn describe(&self, sobject: &str) -> Result<SObjectDescribe> {
        check_name("sObject", sobject)?;
        let call = Call::new(
            Method::GET,
            self.data_path(&format!("sobjects/{sobject}/describe")),
        );
        self.execute_ok(&call).await?.json()
    }

    /// Lists the org's sObjects: `GET /sobjects`.
    pub async fn describe_global(&self) -> Result<GlobalDescribe> {
        let call = Call::new(Method::GET, self.data_path("sobjects"));
        self.execute_ok(&call).await?.json()
    }
}
