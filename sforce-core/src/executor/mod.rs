//! Keyed single-flight execution of writes, independent of HTTP and Salesforce.
